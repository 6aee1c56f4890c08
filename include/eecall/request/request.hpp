// The request: what the user asked for, validated and normalised, independent of CGI or CLI —
// what the AMI core is given to run. Its rules are in request/parse.hpp (parse_request).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eecall {

enum class ActionKind { call, message, alert };
enum class MessageDriver { sip, pjsip };

std::string_view action_name(ActionKind kind) noexcept;    // "call" / "message" / "alert"
std::string_view driver_name(MessageDriver drv) noexcept;  // "sip" / "pjsip"

inline constexpr std::uint16_t default_ami_port = 5038;

/// What an alert plays once a phone answers: a text spoken by the TTS engine (`say`) or a
/// recording the PBX already has (`play`).
enum class PromptKind { say, play };

/// What an alert does when answering-machine detection (`amd`) hears a machine: hang up at
/// once (`skip`) or wait for the end of the greeting and play the prompt once (`leave`).
enum class VoicemailAction { skip, leave };
std::string_view voicemail_action_name(VoicemailAction action) noexcept;  // "skip" / "leave"

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
  /// `amd`: run Asterisk's AMD before the prompt (AsyncAGI); unset: the admin's default.
  std::optional<bool> amd;
  VoicemailAction voicemail = VoicemailAction::skip;  // amd only: what a machine gets
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

/// Longest message, in UTF-8 bytes, that fits one AMI line as `Body:` / as `Base64Body:`.
inline constexpr std::size_t max_body_bytes = 992;
inline constexpr std::size_t max_base64_body_bytes = 738;

}  // namespace eecall
