// The request: what the user asked for, validated and normalised, independent of CGI or CLI.
#pragma once

#include <cstdint>
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
};

/// Raw name/value pairs as they arrived (already percent-decoded), in order.
using Params = std::vector<std::pair<std::string, std::string>>;

/// The parameter names of the old eeCall.php, plus the alias `call_from` of `from`.
/// Anything else is ignored (the eeDomus box adds `eedomus_controller_module_id`).
/// Validation rules: see docs/parameters.md.
Result<Request> parse_request(const Params& params);

/// Longest message, in UTF-8 bytes, that fits one AMI line as `Body:` / as `Base64Body:`.
inline constexpr std::size_t max_body_bytes = 992;
inline constexpr std::size_t max_base64_body_bytes = 738;

}  // namespace eecall
