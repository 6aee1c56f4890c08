// The command-line front end: options and/or one query string, answer on stdout.
#pragma once

#include <iosfwd>

#include "eecall/checkup/check.hpp"
#include "eecall/admin/environment.hpp"
#include "eecall/action/handle.hpp"

namespace eecall {

/// Returns the process exit status (see eecall::ExitStatus).
int run_cli(int argc, const char* const* argv, const Environment& env, std::ostream& out,
            std::ostream& err, const Executor& executor = network_executor(),
            const Prober& prober = network_prober());

}  // namespace eecall
