// Admin-side settings shared by CGI and command line, read from EECALL_* variables.
//
//   EECALL_TIMEOUT  total deadline in seconds (decimal allowed, 0.1..120; default 10)
//   EECALL_CONTEXT  dialplan context for calls (default from-internal)
//   EECALL_CHANNEL  channel template with {from} and {context} (default Local/{from}@{context})
//   EECALL_AUTH     plain | md5 (default plain)
//   EECALL_RING     default ring time of a call in seconds (5..120; default 30)
//   EECALL_CALLERID default display name on the rung phone (default: none, just the number)
#pragma once

#include "eecall/ami/client.hpp"
#include "eecall/front/environment.hpp"
#include "eecall/result.hpp"

namespace eecall::front {

Result<ami::ClientSettings> settings_from_environment(const Environment& env);

/// Checkers shared with the command-line options. Failures are invalid_parameter.
Result<std::chrono::milliseconds> parse_timeout(std::string_view seconds);
Result<std::string> check_context(std::string_view context);
Result<std::string> check_channel_template(std::string_view channel_template);
Result<ami::AuthMethod> parse_auth(std::string_view name);

}  // namespace eecall::front
