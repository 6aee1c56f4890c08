#include "dialplan.hpp"

#include <array>
#include <cstdio>

#include "eecall/util/text.hpp"

namespace eecall::sim {

namespace {

constexpr std::array<Extension, 17> from_internal{{
    {"100", 3, "PJSIP/100", "", "Call to PJSIP/100 from ${CALLERID(all)}"},
    {"101", 3, "PJSIP/101", "", "Call to PJSIP/101 from ${CALLERID(all)}"},
    {"102", 2, "PJSIP/102", "", ""},
    {"103", 2, "PJSIP/103", "", ""},
    {"104", 2, "PJSIP/104", "", ""},
    {"105", 2, "PJSIP/105", "", ""},
    {"106", 2, "PJSIP/106", "", ""},
    {"107", 2, "PJSIP/107", "", ""},
    {"108", 2, "PJSIP/108", "", ""},
    {"109", 2, "PJSIP/109", "", ""},
    {"110", 2, "PJSIP/110", "", ""},
    {"200", 2, "SIP/100", "", ""},
    {"201", 2, "SIP/101", "", ""},
    {"291", 3, "", "hello-world&vm-goodbye", ""},
    {"292", 3, "", "tt-monkeys", ""},
    {"293", 3, "", "demo-congrats", ""},
    {"_0XXXXXXXXX", 3, "PJSIP/101", "", "External call to ${EXTEN} -> PJSIP/101"},
}};

// Asterisk pattern letters used by the lab: X = 0-9, anything else literal.
bool matches(std::string_view pattern, std::string_view exten) {
  if (pattern.empty() || pattern.front() != '_') return pattern == exten;
  pattern.remove_prefix(1);
  if (pattern.size() != exten.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char p = pattern[i];
    const char c = exten[i];
    if (p == 'X' ? (c < '0' || c > '9') : p != c) return false;
  }
  return true;
}

std::string hex8(unsigned n) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%08x", n);
  return buf.data();
}

}  // namespace

const Extension* find_extension(std::string_view context, std::string_view exten) {
  if (context != "from-internal") return nullptr;
  for (const auto& e : from_internal) {
    if (matches(e.exten, exten)) return &e;
  }
  return nullptr;
}

bool extension_exists(std::string_view context, std::string_view exten, int priority) {
  const Extension* e = find_extension(context, exten);
  return e != nullptr && priority >= 1 && priority <= e->priorities;
}

Tech tech_of(std::string_view tech) {
  if (text::iequals(tech, "Local")) return Tech::local;
  if (text::iequals(tech, "PJSIP")) return Tech::pjsip;
  if (text::iequals(tech, "SIP")) return Tech::sip;
  return Tech::other;
}

std::string ChannelNamer::channel_name(Tech tech, std::string_view data) {
  switch (tech) {
    case Tech::local:
      return "Local/" + std::string(data.substr(0, data.find('/'))) + "-" + hex8(local_++) + ";1";
    case Tech::pjsip: {
      auto endpoint = data.substr(0, data.find('/'));
      if (const auto at = endpoint.find('@'); at != std::string_view::npos) endpoint.remove_prefix(at + 1);
      return "PJSIP/" + std::string(endpoint) + "-" + hex8(pjsip_++);
    }
    case Tech::sip:
      return "SIP/" + std::string(data.substr(0, data.find('/'))) + "-" + hex8(sip_++);
    case Tech::other:
      break;
  }
  return std::string(data) + "-" + hex8(other_++);
}

std::string ChannelNamer::next_uniqueid() {
  return std::to_string(start_epoch_) + "." + std::to_string(uniqueid_++);
}

}  // namespace eecall::sim
