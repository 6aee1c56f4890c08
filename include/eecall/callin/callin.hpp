// One incoming call, as Asterisk's AGI() runs eecall for it (docs/callin.md): the
// configuration's [callin NAME], the AGI environment, the menu with its services (speech
// cache, lockout file, box fetches through eecall-notify.so, the running alert jobs), and the
// call's one log line.
#pragma once

#include <string_view>

#include "eecall/admin/environment.hpp"

namespace eecall::callin {

/// Serves the call on `in_fd` / `out_fd` (stdin and stdout under Asterisk) with menu `name`.
/// 0 when the call ran its course (whatever the caller did), 1 when the configuration or the
/// AGI exchange failed (logged; the call is hung up).
int serve_call(std::string_view name, const Environment& env, int in_fd, int out_fd);

}  // namespace eecall::callin
