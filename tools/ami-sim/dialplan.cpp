#include "dialplan.hpp"

#include <array>
#include <cstdio>

#include "eecall/text.hpp"

namespace eecall::sim {

namespace {

struct Extension {
  std::string_view exten;  // a leading '_' makes it a pattern
  int priorities;
};

constexpr std::array<Extension, 11> from_internal{{
    {"100", 3}, {"101", 3}, {"102", 2}, {"103", 2}, {"104", 2}, {"200", 2},
    {"201", 2}, {"291", 3}, {"292", 3}, {"293", 3}, {"_0XXXXXXXXX", 3},
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

bool extension_exists(std::string_view context, std::string_view exten, int priority) {
  if (context != "from-internal" || priority < 1) return false;
  for (const auto& e : from_internal) {
    if (matches(e.exten, exten)) return priority <= e.priorities;
  }
  return false;
}

Tech tech_of(std::string_view tech) {
  if (text::iequals(tech, "Local")) return Tech::local;
  if (text::iequals(tech, "PJSIP")) return Tech::pjsip;
  if (text::iequals(tech, "SIP")) return Tech::sip;
  return Tech::other;
}

std::optional<Outcome> forced_outcome(Tech tech, std::string_view data) {
  data = data.substr(0, data.find('/'));  // Local options, PJSIP AOR/URI, SIP exten
  const auto at = data.find('@');
  switch (tech) {
    case Tech::local:
      // exten@context; without a context Local uses "default", which the lab does not have.
      if (at != std::string_view::npos && extension_exists(data.substr(at + 1), data.substr(0, at), 1)) {
        // from-internal's 102-104 Dial(PJSIP/102-104): the call ends as that dial does
        // (the real Asterisk 20: Local/102 and Local/103 Reason 0, Local/104 Reason 3).
        const auto exten = data.substr(0, at);
        if (exten == "102" || exten == "103" || exten == "104") return forced_outcome(Tech::pjsip, exten);
        return std::nullopt;
      }
      return Outcome::failed;
    case Tech::pjsip: {
      // [user@]endpoint
      const auto endpoint = at == std::string_view::npos ? data : data.substr(at + 1);
      if (endpoint == "100" || endpoint == "101") return std::nullopt;
      if (endpoint == "104") return Outcome::no_answer;
      return Outcome::failed;
    }
    case Tech::sip:
      // peer, or user@host (sent to any host)
      if (data == "100" || data == "101") return std::nullopt;
      if (at != std::string_view::npos && at + 1 < data.size()) return std::nullopt;
      return Outcome::failed;
    case Tech::other:
      break;
  }
  return Outcome::failed;
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
