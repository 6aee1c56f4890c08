// The command-line front end: options and/or one query string, answer on stdout.
#pragma once

#include <iosfwd>

#include "eecall/front/check.hpp"
#include "eecall/front/environment.hpp"
#include "eecall/front/handle.hpp"

namespace eecall::front {

/// Returns the process exit status (see eecall::ExitStatus).
int run_cli(int argc, const char* const* argv, const Environment& env, std::ostream& out,
            std::ostream& err, const Executor& executor = network_executor(),
            const Prober& prober = network_prober());

}  // namespace eecall::front
