// Background jobs: another front end over the same two halves of handle.hpp. A request with
// background=1 is prepared (validated, policy applied) in the request's process exactly like
// any other; then a detached process executes it while the answer (202, the job id) goes out
// at once. The job writes its state to jobs_dir (job_store.hpp), follows SIGTERM as its cancel
// and, once ended, fetches the admin's notify_url (notify.hpp).
#pragma once

#include <string>

#include "eecall/action/handle.hpp"
#include "eecall/jobs/job_store.hpp"

namespace eecall {

/// The parameters that are about jobs rather than the call: `background=1`, `job=ID`,
/// `cancel=1`, `jobs=1` (0 or empty: absent). Failure: invalid_parameter (a value other than
/// 0/1, an id that is not 32 characters of 0-9 a-f, cancel without job, background with job,
/// jobs with job or background).
struct JobParams {
  bool background = false;
  std::string job;
  bool cancel = false;
  bool list = false;  // jobs=1: the recent jobs
};
Result<JobParams> job_params(const Params& params);

/// job=ID (and cancel=1): the job's state, after stopping it when asked; token-guarded like a
/// check, never counted as an action.
Outcome job_state(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const JobParams& params);

/// How many jobs a job list shows at most (the most recent).
inline constexpr std::size_t listed_jobs = 20;

/// jobs=1 (--jobs): the most recent jobs, newest first, each settled if it died (and its
/// failure notified, once); token-guarded like job=ID, never counted as an action.
Outcome job_list(const Incoming& incoming, const Config& config, const SettingValues& environment);

/// Settles every job that died unseen (a failed state, its failure notify sent once): what
/// `--check` does before it checks.
void settle_dead_jobs(const Incoming& incoming, const Config& config, const SettingValues& environment);

/// background=1: prepared here like any request, then executed by a detached process while the
/// answer (202, the job id) goes out at once.
Outcome start_job(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const Executor& executor);

/// A job's own work, in the job's process: its state `running` with this process's id, the
/// request executed with each step of its calls written as the state's detail and `cancel_fd`
/// as its cancel (ami::ClientSettings), its end written, then notify_url told. Never outlives
/// the request's deadline plus a margin, nor the notify's (SIGALRM ends the process).
void run_job(JobRecord record, Prepared prepared, const Executor& executor, int cancel_fd);

/// The answer about a job: its state; once ended, the request's own answer too.
Outcome job_answer(const JobRecord& record);

}  // namespace eecall
