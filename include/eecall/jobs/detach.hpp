// Starting a background job's process: detached from whatever started this one (a web server,
// a shell), so that the request's answer goes out at once and the job runs on.
#pragma once

#include "eecall/util/result.hpp"

namespace eecall {

enum class DetachedSide { caller, job };

/// Forks twice: returns `caller` in this process once the job's process exists, and `job` in
/// that process, which is in a session of its own (setsid: no controlling terminal, out of
/// the web server's process group), is not this process's child (the middle one has exited),
/// has /dev/null as stdin, stdout and stderr, no other inherited descriptor (the web server's
/// pipes and sockets: so the server sees the answer end), and / as working directory.
/// Failure (in the caller): internal_error.
Result<DetachedSide> detach();

}  // namespace eecall
