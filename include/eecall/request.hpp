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

enum class ActionKind { call, message };
enum class MessageDriver { sip, pjsip };

std::string_view action_name(ActionKind kind) noexcept;    // "call" / "message"
std::string_view driver_name(MessageDriver drv) noexcept;  // "sip" / "pjsip"

inline constexpr std::uint16_t default_ami_port = 5038;

/// A fully validated request. Every string is safe to put in an AMI header as it is,
/// except `message`, which the action builder encodes (Body or Base64Body).
struct Request {
  ActionKind action = ActionKind::call;
  std::string host;  // IP literal without brackets, or a host name
  std::uint16_t port = default_ami_port;
  std::string user;
  std::string secret;
  std::string from;     // call: the first phone (or number) to ring; message: sender name
  std::string to;       // call: extension it is connected to; message: the phone
  std::string message;  // UTF-8, empty for a call
  MessageDriver driver = MessageDriver::pjsip;
  // Call options (absent for a message):
  std::chrono::seconds wait{0};      // >0: wait this long for the OriginateResponse
  std::optional<int> ring_seconds;   // how long the first phone rings (Originate Timeout)
  std::string caller_id_name;        // display name shown on the phone, e.g. "eeDomus"
};

inline constexpr int max_wait_seconds = 120;
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

/// The parameter names of the old eeCall.php, plus the alias `call_from` of `from`, plus the
/// call options `wait`, `ring` and `callerid`.
/// Anything else is ignored (the eeDomus box adds `eedomus_controller_module_id`).
/// Validation rules: see docs/parameters.md.
Result<Request> parse_request(const Params& params);

/// Longest message, in UTF-8 bytes, that fits one AMI line as `Body:` / as `Base64Body:`.
inline constexpr std::size_t max_body_bytes = 992;
inline constexpr std::size_t max_base64_body_bytes = 738;

}  // namespace eecall
