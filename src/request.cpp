// Validation of the old eeCall.php parameters. Every value that later becomes an AMI header
// is checked here against a strict allow-list, so nothing in a URL can add a header or an
// action of its own (the old script's %0D%0A injection), or choose its own dial string.
#include "eecall/request.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "eecall/text.hpp"

namespace eecall {

std::string_view action_name(ActionKind kind) noexcept {
  return kind == ActionKind::call ? "call" : "message";
}

std::string_view driver_name(MessageDriver drv) noexcept {
  return drv == MessageDriver::sip ? "sip" : "pjsip";
}

namespace {

constexpr std::array<std::string_view, 12> known_names = {
    "ip", "port", "user", "secret", "from", "call_from", "to", "msg", "drv",
    "wait", "ring", "callerid"};

Failure invalid(std::string_view name, std::string message) {
  return {ErrorCode::invalid_parameter, std::move(message), std::string(name)};
}

bool has_line_break_or_nul(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool has_edge_blank(std::string_view v) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  return !v.empty() && (blank(v.front()) || blank(v.back()));
}

bool is_printable_ascii(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

// Collects the known parameters; a name given twice with two different non-empty values is
// ambiguous and refused rather than silently picking one.
Result<std::map<std::string, std::string, std::less<>>> collect(const Params& params) {
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& [name, value] : params) {
    if (std::find(known_names.begin(), known_names.end(), name) == known_names.end()) continue;
    if (value.empty()) continue;  // present but empty counts as absent
    auto key = name == "call_from" ? std::string("from") : name;
    auto [it, inserted] = values.emplace(key, value);
    if (!inserted && it->second != value) {
      return invalid(name, "parameter '" + key + "' is given twice with different values");
    }
  }
  return values;
}

// msg may carry line breaks (they travel base64-encoded, never raw); everything else may not.
std::optional<Failure> check_message_bytes(std::string_view msg) {
  for (std::size_t i = 0; i < msg.size(); ++i) {
    const char c = msg[i];
    if (c == '\0') return invalid("msg", "msg contains a NUL byte (%00)");
    if (c == '\r' && (i + 1 >= msg.size() || msg[i + 1] != '\n')) {
      return invalid("msg", "msg contains a carriage return (%0D) that is not part of a line break");
    }
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F) {
      return invalid("msg", "msg contains a control character");
    }
  }
  return std::nullopt;
}

Result<std::string> check_host(std::string value) {
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']') {
    value = value.substr(1, value.size() - 2);
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address_v6(value, ec);
    if (ec) return invalid("ip", "ip '[" + value + "]' is not an IPv6 address");
    return addr.to_string();
  }
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(value, ec);
  if (!ec) return addr.to_string();
  if (text::is_host_name(value)) return value;
  return invalid("ip", "ip must be an IPv4 address, an IPv6 address or a host name");
}

Result<std::uint16_t> check_port(std::string_view value) {
  unsigned port = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, port);
  if (ec != std::errc{} || ptr != end || value.size() > 5 || port < 1 || port > 65535) {
    return invalid("port", "port must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(port);
}

// Whole seconds, digits only, within [min, max].
Result<int> check_seconds(std::string_view name, std::string_view value, int min, int max) {
  int seconds = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
  if (ec != std::errc{} || ptr != end || value.size() > 4 || seconds < min || seconds > max) {
    return invalid(name, std::string(name) + " must be a whole number of seconds from " +
                             std::to_string(min) + " to " + std::to_string(max));
  }
  return seconds;
}

Result<MessageDriver> check_driver(std::string_view value) {
  if (text::iequals(value, "sip")) return MessageDriver::sip;
  if (text::iequals(value, "pjsip")) return MessageDriver::pjsip;
  return invalid("drv", "drv must be 'sip' or 'pjsip'");
}

std::optional<Failure> check_dial_token(std::string_view name, std::string_view value) {
  if (text::is_dial_token(value)) return std::nullopt;
  return invalid(name, std::string(name) +
                           " must be 1 to 64 characters among 0-9 A-Z a-z * # + _ . -");
}

bool has_control_character(std::string_view v) {
  return std::any_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

// user and secret travel as AMI header values: Asterisk skips every byte < 0x21 at the start of
// a value, and ami::encode() refuses CR, LF and NUL anywhere and a control byte at the start.
// So the edges must be > 0x20 and not DEL, and no control byte (TAB included) may appear at
// all: whatever passes here is sent exactly as given. The messages never quote the value.
std::optional<Failure> check_credential(std::string_view name, std::string_view value) {
  if (value.size() > 200) return invalid(name, std::string(name) + " is longer than 200 bytes");
  if (has_edge_blank(value)) {
    return invalid(name, std::string(name) + " starts or ends with a blank, which AMI would alter");
  }
  if (has_control_character(value)) {
    return invalid(name, std::string(name) + " must not contain control characters");
  }
  if (name == "user" && !is_printable_ascii(value)) {
    return invalid(name, "user must be printable ASCII");
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> check_caller_id_name(std::string_view subject, std::string_view value) {
  auto utf8 = text::to_utf8(value);
  auto bad = [&](std::string why) { return invalid(subject, std::string(subject) + " " + why); };
  if (!utf8) return bad("is neither UTF-8 nor Latin-1/Windows-1252 text");
  if (utf8->empty() || utf8->size() > max_caller_id_name_bytes) {
    return bad("must be 1 to " + std::to_string(max_caller_id_name_bytes) + " bytes");
  }
  if (has_edge_blank(*utf8)) return bad("must not start or end with a blank");
  for (const char c : *utf8) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\') {
      return bad("must not contain control characters or any of \" < > \\");
    }
  }
  return std::move(*utf8);
}

Result<int> check_ring_seconds(std::string_view subject, std::string_view value) {
  return check_seconds(subject, value, min_ring_seconds, max_ring_seconds);
}

Result<Request> parse_request(const Params& params) {
  // 1. Line breaks and NULs: refused wherever they are, before anything else looks at values.
  for (const auto& [name, value] : params) {
    if (name == "msg" || std::find(known_names.begin(), known_names.end(), name) == known_names.end()) {
      continue;
    }
    if (has_line_break_or_nul(value)) {
      return invalid(name, "parameter '" + name + "' contains CR, LF or NUL (%0D, %0A, %00)");
    }
  }
  for (const auto& [name, value] : params) {
    if (name != "msg") continue;
    if (auto bad = check_message_bytes(value)) return *bad;
  }

  auto collected = collect(params);
  if (!collected) return collected.failure();
  auto& values = collected.value();
  auto get = [&](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };

  Request request;
  request.action = get("msg") ? ActionKind::message : ActionKind::call;

  // 2. Missing parameters: name them all at once (the old script named only the last one).
  std::vector<std::string_view> required = {"ip", "user", "secret", "to"};
  if (request.action == ActionKind::call) {
    required.insert(required.begin() + 3, "from");
  } else {
    required.push_back("drv");
  }
  std::string missing;
  std::string first_missing;
  for (auto name : required) {
    if (get(name)) continue;
    if (first_missing.empty()) first_missing = name;
    missing += missing.empty() ? "" : ", ";
    missing += name;
  }
  if (!missing.empty()) {
    return Failure{ErrorCode::missing_parameter,
                   "missing parameter(s) for a " + std::string(action_name(request.action)) +
                       ": " + missing,
                   first_missing};
  }

  // 3. Each value on its own.
  auto host = check_host(*get("ip"));
  if (!host) return host.failure();
  request.host = std::move(host.value());

  if (auto port = get("port")) {
    auto checked = check_port(*port);
    if (!checked) return checked.failure();
    request.port = checked.value();
  }

  request.user = *get("user");
  request.secret = *get("secret");
  if (auto bad = check_credential("user", request.user)) return *bad;
  if (auto bad = check_credential("secret", request.secret)) return *bad;

  request.from = get("from").value_or("eedomus");
  request.to = *get("to");
  if (auto bad = check_dial_token("from", request.from)) return *bad;
  if (auto bad = check_dial_token("to", request.to)) return *bad;

  if (auto drv = get("drv")) {
    auto checked = check_driver(*drv);
    if (!checked) return checked.failure();
    request.driver = checked.value();
  }

  if (request.action == ActionKind::call) {
    if (auto wait = get("wait")) {
      auto checked = check_seconds("wait", *wait, 0, max_wait_seconds);
      if (!checked) return checked.failure();
      request.wait = std::chrono::seconds(checked.value());
    }
    if (auto ring = get("ring")) {
      auto checked = check_ring_seconds("ring", *ring);
      if (!checked) return checked.failure();
      request.ring_seconds = checked.value();
    }
    if (auto name = get("callerid")) {
      auto checked = check_caller_id_name("callerid", *name);
      if (!checked) return checked.failure();
      request.caller_id_name = std::move(checked.value());
    }
  } else {
    for (const char* option : {"wait", "ring", "callerid"}) {
      if (get(option)) return invalid(option, std::string(option) + " applies to calls only, not to a message");
    }
  }

  if (request.action == ActionKind::message) {
    auto utf8 = text::to_utf8(*get("msg"));
    if (!utf8) return invalid("msg", "msg is neither UTF-8 nor Latin-1/Windows-1252 text");
    request.message = std::move(*utf8);
    const bool multi_line = request.message.find('\n') != std::string::npos ||
                            has_edge_blank(request.message);
    const std::size_t limit = multi_line ? max_base64_body_bytes : max_body_bytes;
    if (request.message.size() > limit) {
      return invalid("msg", "msg is " + std::to_string(request.message.size()) +
                                " bytes in UTF-8; at most " + std::to_string(limit) +
                                " fit in one AMI line" +
                                (multi_line ? " once base64-encoded (it has line breaks)" : ""));
    }
  }
  return request;
}

}  // namespace eecall
