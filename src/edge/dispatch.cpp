#include "eecall/edge/dispatch.hpp"

#include "eecall/jobs/jobs.hpp"

namespace eecall {

namespace {

Outcome refused_now(std::string message, std::string subject) {
  return refused({ErrorCode::invalid_parameter, std::move(message), std::move(subject)},
                 std::chrono::steady_clock::now());
}

}  // namespace

Outcome serve(const Incoming& incoming, const Config& config, const SettingValues& environment,
              const Executor& executor, const Prober& prober) {
  auto params = job_params(incoming.params);
  if (!params) return refused(params.failure(), std::chrono::steady_clock::now());
  if (wants_check(incoming.params)) {
    if (!params.value().job.empty()) {
      return refused_now("check=1 checks the set-up and job=ID asks about a job: not both", "check");
    }
    return run_check(incoming, config, environment, prober);  // places no call: not counted as an action
  }
  if (!params.value().job.empty()) return job_state(incoming, config, environment, params.value());
  if (params.value().background) return start_job(incoming, config, environment, executor);
  return handle(incoming, config, environment, executor);
}

}  // namespace eecall
