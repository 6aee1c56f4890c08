#include "eecall/edge/dispatch.hpp"

#include "eecall/callin/check_callin.hpp"
#include "eecall/jobs/jobs.hpp"

namespace eecall {

namespace {

Outcome refused_now(std::string message, std::string subject) {
  return refused({ErrorCode::invalid_parameter, std::move(message), std::move(subject)},
                 std::chrono::steady_clock::now());
}

// A bare /eecall (no parameter at all: someone trying the URL in a browser): what it takes,
// not a list of missing parameters that may name some this server refuses.
Outcome what_to_ask(const Config& config) {
  const std::string pbx = config.allow_url_credentials
                              ? "the PBX is profile=NAME, or ip=, user=, secret= (port= optional)"
                              : "the PBX is profile=NAME (this server takes no ip, user or secret in the URL)";
  auto outcome = refused({ErrorCode::missing_parameter,
                          "no parameters: a call is from=PHONE&to=EXTENSION, a message to=PHONE&msg=TEXT, an alert "
                          "from=PHONES&say=TEXT (or play=RECORDING); " + pbx +
                              "; job=ID, jobs=1 and check=1 tell about jobs and the set-up; format=json or text "
                              "changes the answer. Every parameter: docs/usage.md (man eecall)",
                          "from"},
                         std::chrono::steady_clock::now());
  return outcome;
}

}  // namespace

Outcome serve(const Incoming& incoming, const Config& config, const SettingValues& environment,
              const Executor& executor, const Prober& prober) {
  if (incoming.params.empty()) return what_to_ask(config);
  auto params = job_params(incoming.params);
  if (!params) return refused(params.failure(), std::chrono::steady_clock::now());
  if (wants_check(incoming.params)) {
    if (!params.value().job.empty()) {
      return refused_now("check=1 checks the set-up and job=ID asks about a job: not both", "check");
    }
    // The command line's check first settles the jobs that died unseen (their failure told once).
    if (!incoming.over_http) settle_dead_jobs(incoming, config, environment);
    // callin=NAME: the incoming side's check (docs/callin.md), not an outgoing use's.
    for (const auto& [name, value] : incoming.params) {
      if (name == "callin") return callin::run_callin_check(incoming, value, config, environment);
    }
    return run_check(incoming, config, environment, prober);  // places no call: not counted as an action
  }
  if (params.value().list) return job_list(incoming, config, environment);
  if (!params.value().job.empty()) return job_state(incoming, config, environment, params.value());
  if (params.value().background) return start_job(incoming, config, environment, executor);
  return handle(incoming, config, environment, executor);
}

}  // namespace eecall
