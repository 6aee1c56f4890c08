// The listening side: bind, announce on stdout, accept forever; stop on SIGTERM/SIGINT or
// after --max-seconds.
#pragma once

#include "options.hpp"

namespace eecall::sim {

/// Runs the simulator; returns the process exit status (0 on a normal stop).
int serve(const Options& options);

}  // namespace eecall::sim
