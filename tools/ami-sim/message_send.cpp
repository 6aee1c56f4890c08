#include "message_send.hpp"

#include <array>
#include <string>

#include "eecall/util/text.hpp"

namespace eecall::sim {

namespace {

constexpr std::string_view sent = "Message successfully sent";
constexpr std::string_view failed = "Message failed to send.";

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && text::iequals(s.substr(0, prefix.size()), prefix);
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> set) {
  for (const auto v : set) {
    if (value == v) return true;
  }
  return false;
}

// Strict base64 (RFC 4648 alphabet, padded): Asterisk decodes leniently, the simulator
// reports anything else as a failed send, which is what a client must not produce anyway.
bool is_base64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  for (std::size_t i = 0; i + pad < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// res_pjsip_messaging: pjsip:endpoint[/uri|@domain], pjsip:PJSIP/user@endpoint; a bare URI
// needs a default outbound endpoint, which the lab does not have.
bool pjsip_accepts(std::string_view rest) {
  if (starts_with_nocase(rest, "sip:") || starts_with_nocase(rest, "sips:")) return false;
  std::string_view endpoint;
  if (starts_with_nocase(rest, "PJSIP/")) {
    const auto at = rest.find('@');
    if (at == std::string_view::npos) return false;
    endpoint = rest.substr(at + 1);
  } else {
    endpoint = rest.substr(0, rest.find_first_of("/@"));
  }
  return one_of(endpoint, {"100", "101", "104"});
}

// chan_sip sip_msg_send(): "sip:peer" looks the peer up, "sip:user@host" sends to the host.
bool sip_accepts(std::string_view uri) {
  if (const auto lt = uri.find('<'); lt != std::string_view::npos) {
    uri = uri.substr(lt + 1, uri.find('>', lt + 1) - lt - 1);
  }
  if (starts_with_nocase(uri, "sip:")) uri.remove_prefix(4);
  else if (starts_with_nocase(uri, "sips:")) uri.remove_prefix(5);
  const auto at = uri.find('@');
  if (at != std::string_view::npos) {
    const auto host = uri.substr(at + 1, uri.find_first_of(":;", at + 1) - at - 1);
    return !host.empty();
  }
  return one_of(uri.substr(0, uri.find_first_of(":;")), {"100", "101"});
}

}  // namespace

MessageSendResult message_send(const ami::Message& request) {
  std::string_view to = request.get_or("To");
  const auto destination = request.get_or("Destination");
  if (!destination.empty()) {
    to = destination;
  } else if (to.empty()) {
    return {false, "No 'To' address specified."};
  }
  const auto colon = to.find(':');
  const auto tech = to.substr(0, colon);
  const bool pjsip = text::iequals(tech, "pjsip");
  if (!pjsip && !text::iequals(tech, "sip")) return {false, "Message technology not found."};

  const auto base64 = request.get_or("Base64Body");
  if (!base64.empty() && !is_base64(base64)) return {false, failed};

  const auto rest = to.substr(colon + 1);
  const bool ok = pjsip ? pjsip_accepts(rest) : sip_accepts(to);
  return {ok, ok ? sent : failed};
}

}  // namespace eecall::sim
