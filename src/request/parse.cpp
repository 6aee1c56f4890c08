// Validation of the old eeCall.php parameters. Every value that later becomes an AMI header
// is checked here against a strict allow-list, so nothing in a URL can add a header or an
// action of its own (the old script's %0D%0A injection), or choose its own dial string.
#include "eecall/request/parse.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "eecall/speech/speech.hpp"
#include "eecall/util/text.hpp"

namespace eecall {

namespace {

constexpr std::array<std::string_view, 20> known_names = {
    "ip",   "port", "user",  "secret", "from",   "call_from", "to",     "msg",  "drv",    "wait",
    "ring", "callerid", "say", "play", "ack",       "repeat", "rounds", "lang", "amd", "voicemail"};

// Values that may hold line breaks: they never travel as an AMI header of their own (msg is
// base64-encoded when it has one, say becomes an audio file).
bool is_free_text(std::string_view name) { return name == "msg" || name == "say"; }

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

// msg and say may carry line breaks and tabs; no other control character, no lone CR.
Status check_free_text_bytes(const std::string& name, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') return invalid(name, name + " contains a NUL byte (%00)");
    if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      return invalid(name, name + " contains a carriage return (%0D) that is not part of a line break");
    }
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F) {
      return invalid(name, name + " contains a control character");
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

// A small count such as repeat=2: digits only, 1..max.
Result<int> check_count(std::string_view name, std::string_view value, int max) {
  int n = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (ec != std::errc{} || ptr != end || value.size() > 2 || n < 1 || n > max) {
    return invalid(name, std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
  }
  return n;
}

Result<MessageDriver> check_driver(std::string_view value) {
  if (text::iequals(value, "sip")) return MessageDriver::sip;
  if (text::iequals(value, "pjsip")) return MessageDriver::pjsip;
  return invalid("drv", "drv must be 'sip' or 'pjsip'");
}

Status check_dial_token(std::string_view name, std::string_view value) {
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
Status check_credential(std::string_view name, std::string_view value) {
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

namespace {

// `from=100,101` (alert) and `to=100,101` (message): 1..max_phones dial tokens.
Result<std::vector<std::string>> check_phone_list(std::string_view name, std::string_view value) {
  std::vector<std::string> phones;
  for (std::size_t start = 0;;) {
    const auto comma = value.find(',', start);
    const auto item = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!text::is_dial_token(item)) {
      return invalid(name, std::string(name) + " must be a comma-separated list of 1 to " +
                               std::to_string(max_phones) +
                               " phones, each 1 to 64 characters among 0-9 A-Z a-z * # + _ . -");
    }
    phones.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (phones.size() > max_phones) {
    return invalid(name, std::string(name) + " lists " + std::to_string(phones.size()) +
                             " phones; at most " + std::to_string(max_phones));
  }
  return phones;
}

// The text an alert speaks: like msg (UTF-8, or Latin-1 converted), bounded, not blank.
Result<std::string> check_say(std::string_view value) {
  auto utf8 = text::to_utf8(value);
  if (!utf8) return invalid("say", "say is neither UTF-8 nor Latin-1/Windows-1252 text");
  if (utf8->size() > max_say_bytes) {
    return invalid("say", "say is " + std::to_string(utf8->size()) + " bytes in UTF-8; at most " +
                              std::to_string(max_say_bytes));
  }
  if (utf8->find_first_not_of(" \t\r\n") == std::string::npos) return invalid("say", "say is blank");
  // A TAB is allowed as in msg, and spoken as the blank it is: one text, one cached audio file.
  std::replace(utf8->begin(), utf8->end(), '\t', ' ');
  return std::move(*utf8);
}

// `play`: a sound name relative to Asterisk's sounds directory, e.g. custom/alarme. Letters,
// digits, _ and - in segments separated by single slashes: no extension (Asterisk adds it), no
// `..`, no absolute path, nothing that would split Playback/Read arguments (, & | ( ) ").
Result<std::string> check_recording(std::string_view value) {
  const auto segment_char = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
  };
  bool ok = !value.empty() && value.size() <= max_recording_name_bytes && value.front() != '/' &&
            value.back() != '/' && value.find("//") == std::string_view::npos;
  for (const char c : value) ok = ok && (segment_char(c) || c == '/');
  if (!ok) {
    return invalid("play", "play must be a recording name such as custom/alarme: 1 to " +
                               std::to_string(max_recording_name_bytes) +
                               " characters among A-Z a-z 0-9 _ - in parts separated by /, with no "
                               "extension and no leading /");
  }
  if (auto word = text::originate_blacklisted_word(value)) {
    return invalid("play", "play must not contain '" + std::string(*word) +
                               "': Asterisk refuses it in Originate data (app or data blacklisted)");
  }
  return std::string(value);
}

Result<char> check_ack_key(std::string_view value) {
  if (value.size() == 1 && ((value[0] >= '0' && value[0] <= '9') || value[0] == '*' || value[0] == '#')) {
    return value[0];
  }
  return invalid("ack", "ack must be one key: 0-9, * or #");
}

Result<bool> check_switch(std::string_view name, std::string_view value) {
  if (value == "0" || value == "1") return value == "1";
  return invalid(name, std::string(name) + " must be 0 or 1");
}

Result<VoicemailAction> check_voicemail(std::string_view value) {
  if (value == "skip") return VoicemailAction::skip;
  if (value == "leave") return VoicemailAction::leave;
  return invalid("voicemail", "voicemail must be skip (hang up on a machine) or leave (play the prompt once after its greeting)");
}

}  // namespace

namespace {

// The known parameters of one request, each at most once (collect()).
class Values {
 public:
  explicit Values(std::map<std::string, std::string, std::less<>> values) : values_(std::move(values)) {}
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  [[nodiscard]] bool has(std::string_view name) const { return values_.find(name) != values_.end(); }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Line breaks and NULs: refused wherever they are, before anything else looks at values.
Status check_raw_bytes(const Params& params) {
  for (const auto& [name, value] : params) {
    if (std::find(known_names.begin(), known_names.end(), name) == known_names.end()) continue;
    if (is_free_text(name)) {
      if (auto bad = check_free_text_bytes(name, value)) return bad;
    } else if (has_line_break_or_nul(value)) {
      return invalid(name, "parameter '" + name + "' contains CR, LF or NUL (%0D, %0A, %00)");
    }
  }
  return std::nullopt;
}

// to, say and play each name what a call does once answered; msg makes it a message.
Status check_exclusive(const Values& v, ActionKind kind) {
  const bool alert = v.has("say") || v.has("play");
  if (kind == ActionKind::message && alert) {
    return invalid(v.has("say") ? "say" : "play", "say and play make a call; they cannot go with msg");
  }
  if (v.has("say") && v.has("play")) return invalid("play", "to, say and play are mutually exclusive");
  if (alert && v.has("to")) return invalid("to", "to, say and play are mutually exclusive");
  return std::nullopt;
}

// What a request must give: the PBX always; the use (who is called, what is sent) unless the
// request only describes a use to check.
std::vector<std::string_view> required_for(ActionKind kind, Completeness completeness) {
  std::vector<std::string_view> required = {"ip", "user", "secret"};
  if (completeness == Completeness::use_optional) return required;
  switch (kind) {
    case ActionKind::call: required.insert(required.end(), {"from", "to"}); break;
    case ActionKind::message: required.insert(required.end(), {"to", "drv"}); break;
    case ActionKind::alert: required.push_back("from"); break;
  }
  return required;
}

// Missing parameters: named all at once (the old script named only the last one).
Status check_required(const Values& v, ActionKind kind, Completeness completeness) {
  std::string missing;
  std::string first_missing;
  for (auto name : required_for(kind, completeness)) {
    if (v.has(name)) continue;
    if (first_missing.empty()) first_missing = name;
    missing += missing.empty() ? "" : ", ";
    missing += name;
  }
  if (missing.empty()) return std::nullopt;
  return Failure{ErrorCode::missing_parameter,
                 std::string("missing parameter(s) for ") + (kind == ActionKind::alert ? "an " : "a ") +
                     std::string(action_name(kind)) + ": " + missing,
                 first_missing};
}

// Options that do not apply to this kind of request are refused, not ignored.
Status check_options_apply(const Values& v, ActionKind kind) {
  const auto refuse = [&](std::initializer_list<const char*> names, std::string_view why) -> Status {
    for (const char* option : names) {
      if (v.has(option)) return invalid(option, std::string(option) + " " + std::string(why));
    }
    return std::nullopt;
  };
  if (kind == ActionKind::message) {
    if (auto bad = refuse({"wait", "ring", "callerid"}, "applies to calls only, not to a message")) return bad;
  }
  if (kind == ActionKind::call) {  // amd applies to a waited call too (parse_call)
    return refuse({"ack", "repeat", "rounds", "lang", "voicemail"}, "applies to alerts (say or play) only");
  }
  if (kind != ActionKind::alert) {
    return refuse({"ack", "repeat", "rounds", "lang", "amd", "voicemail"}, "applies to alerts and waited calls only");
  }
  if (v.has("play")) return refuse({"lang"}, "applies to say only");
  return std::nullopt;
}

// Where and as whom: ip, port, user, secret (and drv, which only a message uses).
Status parse_pbx(const Values& v, Request& request) {
  auto host = check_host(*v.get("ip"));
  if (!host) return host.failure();
  request.host = std::move(host.value());
  if (auto port = v.get("port")) {
    auto checked = check_port(*port);
    if (!checked) return checked.failure();
    request.port = checked.value();
  }
  request.user = *v.get("user");
  request.secret = *v.get("secret");
  if (auto bad = check_credential("user", request.user)) return bad;
  if (auto bad = check_credential("secret", request.secret)) return bad;
  if (auto drv = v.get("drv")) {
    auto checked = check_driver(*drv);
    if (!checked) return checked.failure();
    request.driver = checked.value();
  }
  return std::nullopt;
}

// What a call and an alert share: wait (up to max_wait), ring, callerid.
Status parse_call_options(const Values& v, Request& request, int min_wait, int max_wait) {
  if (auto wait = v.get("wait")) {
    auto checked = check_seconds("wait", *wait, min_wait, max_wait);
    if (!checked) return checked.failure();
    request.wait = std::chrono::seconds(checked.value());
  }
  if (auto ring = v.get("ring")) {
    auto checked = check_ring_seconds("ring", *ring);
    if (!checked) return checked.failure();
    request.ring_seconds = checked.value();
  }
  if (auto name = v.get("callerid")) {
    auto checked = check_caller_id_name("callerid", *name);
    if (!checked) return checked.failure();
    request.caller_id_name = std::move(checked.value());
  }
  return std::nullopt;
}

// amd=1 on a call: only a waited one. A call not waited for is answered as soon as it is
// queued, before anyone could tell a voicemail from a person: there would be nothing to report.
Status parse_call_amd(const Values& v, Request& request) {
  auto amd = v.get("amd");
  if (!amd) return std::nullopt;
  auto checked = check_switch("amd", *amd);
  if (!checked) return checked.failure();
  if (checked.value() && request.wait.count() == 0) {
    return invalid("amd", "amd on a call needs wait=SECONDS: without it eecall answers as soon as the call is "
                          "queued, so there is no outcome to tell a voicemail from a person");
  }
  request.alert.amd = checked.value();
  return std::nullopt;
}

// A call: ring `from` (one phone), then connect it to `to` in the dialplan.
Status parse_call(const Values& v, Request& request) {
  if (v.has("from")) {
    request.from = *v.get("from");
    if (auto bad = check_dial_token("from", request.from)) {
      if (request.from.find(',') != std::string::npos) {
        return invalid("from", "a list of phones in from is for alerts (say or play), not for a call to an extension");
      }
      return bad;
    }
    request.phones = {request.from};
  }
  if (v.has("to")) {
    request.to = *v.get("to");
    if (auto bad = check_dial_token("to", request.to)) return bad;
  }
  if (auto bad = parse_call_options(v, request, 0, max_wait_seconds)) return bad;
  return parse_call_amd(v, request);
}

// A message: `msg` from `from` (a name) to each phone of `to`.
Status parse_message(const Values& v, Request& request) {
  request.from = v.get("from").value_or("eedomus");
  if (auto bad = check_dial_token("from", request.from)) return bad;
  if (v.has("to")) {
    request.to = *v.get("to");
    auto phones = check_phone_list("to", request.to);
    if (!phones) return phones.failure();
    request.phones = std::move(phones.value());
  }
  if (!v.has("msg")) return std::nullopt;  // only a check describes a message without its text
  auto utf8 = text::to_utf8(*v.get("msg"));
  if (!utf8) return invalid("msg", "msg is neither UTF-8 nor Latin-1/Windows-1252 text");
  request.message = std::move(*utf8);
  const bool multi_line = request.message.find('\n') != std::string::npos || has_edge_blank(request.message);
  const std::size_t limit = multi_line ? max_base64_body_bytes : max_body_bytes;
  if (request.message.size() > limit) {
    return invalid("msg", "msg is " + std::to_string(request.message.size()) + " bytes in UTF-8; at most " +
                              std::to_string(limit) + " fit in one AMI line" +
                              (multi_line ? " once base64-encoded (it has line breaks)" : ""));
  }
  return std::nullopt;
}

// amd=0|1 and what a machine gets (voicemail=skip|leave, which needs amd: refused with amd=0).
Status parse_machine_detection(const Values& v, Alert& a) {
  if (auto amd = v.get("amd")) {
    auto checked = check_switch("amd", *amd);
    if (!checked) return checked.failure();
    a.amd = checked.value();
  }
  if (auto voicemail = v.get("voicemail")) {
    auto checked = check_voicemail(*voicemail);
    if (!checked) return checked.failure();
    if (a.amd == false) return invalid("voicemail", "voicemail says what a machine gets: it needs amd=1");
    a.voicemail = checked.value();
  }
  return std::nullopt;
}

// An alert: the phones of `from` in turn, each hearing `say` or `play`, until one answers (or
// presses `ack`).
Status parse_alert(const Values& v, Request& request, const RequestLimits& limits) {
  if (v.has("from")) {
    request.from = *v.get("from");
    auto phones = check_phone_list("from", request.from);
    if (!phones) return phones.failure();
    request.phones = std::move(phones.value());
  }
  if (auto bad = parse_call_options(v, request, 1, limits.max_alert_wait_seconds)) return bad;
  // An alert always waits for its outcome; by default as long as the front end allows (it
  // ends as soon as it is decided).
  if (!v.has("wait")) request.wait = std::chrono::seconds(limits.max_alert_wait_seconds);

  auto& a = request.alert;
  if (auto say = v.get("say")) {
    auto checked = check_say(*say);
    if (!checked) return checked.failure();
    a.kind = PromptKind::say;
    a.text = std::move(checked.value());
  } else {
    auto checked = check_recording(*v.get("play"));
    if (!checked) return checked.failure();
    a.kind = PromptKind::play;
    a.prompt = std::move(checked.value());
  }
  if (auto lang = v.get("lang")) {
    auto checked = speech::check_voice(*lang);
    if (!checked) return checked.failure();
    a.voice = std::move(checked.value());
  }
  if (auto ack = v.get("ack")) {
    auto checked = check_ack_key(*ack);
    if (!checked) return checked.failure();
    a.ack = checked.value();
  }
  if (auto repeat = v.get("repeat")) {
    auto checked = check_count("repeat", *repeat, max_repeat);
    if (!checked) return checked.failure();
    a.repeat = checked.value();
  }
  if (auto rounds = v.get("rounds")) {
    auto checked = check_count("rounds", *rounds, max_rounds);
    if (!checked) return checked.failure();
    a.rounds = checked.value();
  }
  return parse_machine_detection(v, a);
}

}  // namespace

ActionKind action_of(const Params& params) {
  const auto given = [&](std::string_view name) {
    return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name && !p.second.empty(); });
  };
  if (given("msg")) return ActionKind::message;
  if (given("say") || given("play")) return ActionKind::alert;
  return ActionKind::call;
}

Result<Request> parse_request(const Params& params, const RequestLimits& limits, Completeness completeness) {
  if (auto bad = check_raw_bytes(params)) return *bad;
  auto collected = collect(params);
  if (!collected) return collected.failure();
  const Values v(std::move(collected.value()));

  Request request;
  request.action = action_of(params);
  // A use to check may name a message by its driver alone.
  if (completeness == Completeness::use_optional && request.action == ActionKind::call && v.has("drv")) {
    request.action = ActionKind::message;
  }
  if (auto bad = check_exclusive(v, request.action)) return *bad;
  if (auto bad = check_required(v, request.action, completeness)) return *bad;
  if (auto bad = check_options_apply(v, request.action)) return *bad;
  if (auto bad = parse_pbx(v, request)) return *bad;
  Status bad;
  switch (request.action) {
    case ActionKind::call: bad = parse_call(v, request); break;
    case ActionKind::message: bad = parse_message(v, request); break;
    case ActionKind::alert: bad = parse_alert(v, request, limits); break;
  }
  if (bad) return *bad;
  return request;
}

}  // namespace eecall
