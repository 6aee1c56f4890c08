// What a request is: the one router both front ends (cgi.hpp, cli.hpp) call.
#pragma once

#include "eecall/action/handle.hpp"
#include "eecall/checkup/check.hpp"

namespace eecall {

/// Every request of both front ends: a check (check=1: checkup/check.hpp), a job's state
/// (job=ID, after stopping it with cancel=1), a request to run in the background
/// (background=1: jobs/jobs.hpp), or one to run now (action/handle.hpp).
Outcome serve(const Incoming& incoming, const Config& config, const SettingValues& environment,
              const Executor& executor, const Prober& prober = network_prober());

}  // namespace eecall
