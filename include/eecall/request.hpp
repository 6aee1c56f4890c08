// The request: what the user asked for, validated and normalised, independent of CGI or CLI.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eecall/result.hpp"

namespace eecall {

enum class ActionKind { call, message, alert };
enum class MessageDriver { sip, pjsip };

std::string_view action_name(ActionKind kind) noexcept;    // "call" / "message" / "alert"
std::string_view driver_name(MessageDriver drv) noexcept;  // "sip" / "pjsip"

inline constexpr std::uint16_t default_ami_port = 5038;

/// What an alert plays once a phone answers: a text spoken by the TTS engine (`say`) or a
/// recording the PBX already has (`play`).
enum class PromptKind { say, play };

struct Alert {
  PromptKind kind = PromptKind::say;
  std::string text;       // say: UTF-8 plain text, spoken as it is (no markup)
  std::string voice;      // say: TTS voice from `lang`; empty: the admin's default
  int repeat = 2;         // how many times the prompt is played (each followed by the wait for the key)
  std::optional<char> ack;  // the key that acknowledges (0-9 * #); none: answering is enough
  int rounds = 1;         // how many times the list of phones is gone through
  /// What Playback/Read get: play's recording name (e.g. `custom/alarme`), or for say the
  /// absolute path (without extension) of the synthesized file once the front end prepared it.
  std::string prompt;
  std::chrono::milliseconds prompt_duration{0};  // known for `say`; 0 when unknown
};

/// A fully validated request. Every string is safe to put in an AMI header as it is,
/// except `message`, which the action builder encodes (Body or Base64Body).
struct Request {
  ActionKind action = ActionKind::call;
  std::string host;  // IP literal without brackets, or a host name
  std::uint16_t port = default_ami_port;
  std::string user;
  std::string secret;
  std::string from;     // call: the first phone (or number) to ring; message: sender name;
                        // alert: the list as given (`100,101`)
  std::string to;       // call: extension it is connected to; message: the phone(s) as given
  /// alert: the phones rung in turn (`from`, comma-separated); message: the recipients (`to`,
  /// comma-separated); call: `from` alone. Each one is a dial token.
  std::vector<std::string> phones;
  std::string message;  // UTF-8, empty for a call
  MessageDriver driver = MessageDriver::pjsip;
  // Call options (absent for a message):
  std::chrono::seconds wait{0};      // >0: wait this long for the OriginateResponse
  std::optional<int> ring_seconds;   // how long the first phone rings (Originate Timeout)
  std::string caller_id_name;        // display name shown on the phone, e.g. "eeDomus"
  Alert alert;                       // action == alert only
};

inline constexpr int max_wait_seconds = 120;
/// How long a front end lets one request run in all (an alert goes through several phones).
struct RequestLimits {
  int max_alert_wait_seconds = 300;  // CGI: what the shipped web-server snippets tolerate
};
inline constexpr int cli_max_alert_wait_seconds = 3600;
inline constexpr std::size_t max_phones = 10;
inline constexpr std::size_t max_say_bytes = 500;
inline constexpr std::size_t max_recording_name_bytes = 128;
inline constexpr int max_repeat = 5;
inline constexpr int max_rounds = 5;
inline constexpr int min_ring_seconds = 5;
inline constexpr int max_ring_seconds = 120;
inline constexpr std::size_t max_caller_id_name_bytes = 40;

/// Checks a display name for CallerID: UTF-8 (Latin-1 is converted), 1..40 bytes, no control
/// characters, none of `"` `<` `>` `\\`, no leading/trailing blank. Failure: invalid_parameter.
Result<std::string> check_caller_id_name(std::string_view subject, std::string_view value);
/// Checks a ring time: whole seconds from min_ring_seconds to max_ring_seconds.
Result<int> check_ring_seconds(std::string_view subject, std::string_view value);

/// Raw name/value pairs as they arrived (already percent-decoded), in order.
using Params = std::vector<std::pair<std::string, std::string>>;

/// The parameter names of the old eeCall.php, plus the alias `call_from` of `from`, the call
/// options `wait`, `ring` and `callerid`, and the alert parameters `say`, `play`, `ack`,
/// `repeat`, `rounds` and `lang`. Anything else is ignored (the eeDomus box adds
/// `eedomus_controller_module_id`). Validation rules: docs/usage.md.
Result<Request> parse_request(const Params& params, const RequestLimits& limits = {});

/// What `params` ask for, as parse_request() decides it (msg: a message; say or play: an
/// alert; else a call), for answers about a request that could not be parsed.
ActionKind action_of(const Params& params);

/// Longest message, in UTF-8 bytes, that fits one AMI line as `Body:` / as `Base64Body:`.
inline constexpr std::size_t max_body_bytes = 992;
inline constexpr std::size_t max_base64_body_bytes = 738;

}  // namespace eecall
