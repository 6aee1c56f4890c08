#include "eecall/jobs/jobs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
extern "C" {  // glibc 2.36's <sys/pidfd.h> lacks the C++ guards
#include <sys/pidfd.h>
}
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "eecall/jobs/ack_offer.hpp"
#include "eecall/jobs/detach.hpp"
#include "eecall/notify/notify.hpp"
#include "eecall/action/log.hpp"

namespace eecall {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SystemClock = std::chrono::system_clock;

Failure invalid(std::string message, std::string subject) {
  return {ErrorCode::invalid_parameter, std::move(message), std::move(subject)};
}

// --- cancel: SIGTERM, turned into a readable descriptor for the AMI session ---

// How long a job's process may spend, after its own work, settling jobs that died unseen.
constexpr seconds dead_jobs_budget{60};

int cancel_write_end = -1;

extern "C" void write_cancel(int) {
  const int saved = errno;
  const char byte = 1;
  if (::write(cancel_write_end, &byte, 1) < 0) {
    // The pipe is full: it is readable already.
  }
  errno = saved;
}

// The read end, readable once SIGTERM came; -1 when it cannot be set up (the job then simply
// dies on SIGTERM, and reads as failed).
int cancel_on_sigterm() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
  struct sigaction action {};
  action.sa_handler = write_cancel;
  sigemptyset(&action.sa_mask);
  cancel_write_end = fds[1];
  if (::sigaction(SIGTERM, &action, nullptr) != 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    cancel_write_end = -1;
    return -1;
  }
  return fds[0];
}

// The job's deadline (SIGALRM) and its cancel (SIGTERM) must work whatever the web server's
// process left to its CGI child: a signal it ignored or blocked stays so across exec and fork.
void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const int number : {SIGALRM, SIGTERM, SIGHUP, SIGINT}) ::signal(number, SIG_DFL);
}

bool readable(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// SIGALRM (default action: the process ends) once `budget` is over.
void end_process_after(milliseconds budget) {
  ::alarm(static_cast<unsigned>((budget.count() + 999) / 1000));
}

std::string describe(const ami::Progress& p) {
  switch (p.step) {
    case ami::Progress::Step::ringing: return "ringing " + p.phone;
    case ami::Progress::Step::answered: return p.phone + " answered";
    case ami::Progress::Step::attempt_ended:
      return p.phone + ": " + std::string(p.outcome ? attempt_outcome_name(*p.outcome) : "ended");
  }
  return {};
}

// --- status and cancel ---

// Sends SIGTERM to the job's process, if it is still that process (pidfd: no pid reuse race).
Status signal_job(const ProcessId& process) {
  const int pidfd = ::pidfd_open(process.pid, 0);
  if (pidfd < 0) {
    const int error = errno;
    if (error == ESRCH) return std::nullopt;  // already gone
    return Failure{ErrorCode::internal_error, std::string("cannot reach the job's process: ") + std::strerror(error), "cancel"};
  }
  Status failed;
  if (is_running(process) && ::pidfd_send_signal(pidfd, SIGTERM, nullptr, 0) != 0 && errno != ESRCH) {
    const int error = errno;
    failed = Failure{ErrorCode::internal_error, std::string("cannot signal the job's process: ") + std::strerror(error),
                     "cancel"};
  }
  ::close(pidfd);
  return failed;
}

// Reads the record again every 50 ms until `done` says so or `budget` is over.
template <typename Done>
Result<JobRecord> poll_until(const JobStore& store, Result<JobRecord> record, const Done& done, milliseconds budget) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (record && !done(record.value()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
    record = store.read(record.value().id);
  }
  return record;
}

Result<JobRecord> cancel(const JobStore& store, Result<JobRecord> record) {
  // A job just accepted may not have written its process id yet.
  record = poll_until(store, std::move(record),
                      [](const JobRecord& r) { return job_ended(r.state) || r.process.pid != 0; }, seconds(2));
  if (!record || job_ended(record.value().state)) return record;  // ended: nothing to change
  if (record.value().process.pid == 0) {
    return Failure{ErrorCode::timeout,
                   "the job has not started yet (its process did not record itself within 2 s): ask again",
                   "cancel"};
  }
  if (auto failed = signal_job(record.value().process)) return *failed;
  spdlog::info("job {}: cancel requested", record.value().id);
  // The job hangs its call up and logs off: a matter of milliseconds.
  return poll_until(store, std::move(record), [](const JobRecord& r) { return job_ended(r.state); }, seconds(5));
}

// --- a job that died: settled once, its failure told ---

// The notify settings a job's end is told with: its profile's (or [general]'s), as this process
// reads the configuration and environment. A value that does not apply leaves what came before.
NotifySettings notify_settings_of(const std::string& profile, const Config& config,
                                  const SettingValues& environment) {
  EffectiveSettings settings;
  const Profile* named = profile.empty() ? nullptr : config.profile(profile);
  for (const auto* values : {&environment, &config.general, named != nullptr ? &named->settings : nullptr}) {
    if (values != nullptr && apply_settings(settings, *values)) break;
  }
  return settings.notify;
}

// A store whose reads settle a dead job with its failure notify claimed when a notify_url applies.
JobStore settling_store(const std::string& dir, const Config& config, const SettingValues& environment) {
  return JobStore(dir, [&config, &environment](const JobRecord& record) {
    return !notify_settings_of(record.profile, config, environment).url_template.empty();
  });
}

// The failure notify of a job this process settled as dead (claimed_here): sent now, once.
void notify_if_claimed(const JobStore& store, JobRecord& record, const Config& config,
                       const SettingValues& environment) {
  if (!claimed_here(record)) return;
  const auto notify = notify_settings_of(record.profile, config, environment);
  const auto url = notify_url(notify, record.id, record.state, record.outcome);
  record.notify = send_notify(url, notify);
  if (auto failed = store.write(record)) spdlog::error("{}", failed->message);
  spdlog::info("job {}: its process died ({}); failure notified", record.id, record.outcome.message);
  log::job_notified(redact_url(url), *record.notify);
}

JobSummary summary_of(const JobRecord& record) {
  JobSummary s;
  s.id = record.id;
  s.state = record.state;
  s.action = record.action;
  s.started = record.created;
  s.to = record.to;
  if (job_ended(record.state)) {
    s.error = record.outcome.error;
    s.acknowledged_by = record.outcome.acknowledged_by;
    s.elapsed = record.outcome.elapsed;
  }
  return s;
}

// Whom a job rings or texts, for the job list.
std::string to_of(const Request& request) {
  if (request.action != ActionKind::alert) return request.to;
  std::string phones;
  for (const auto& phone : request.phones) phones += (phones.empty() ? "" : ",") + phone;
  return phones;
}

// --- acknowledged by calling in (ack_offer.hpp) ---

// An alert that waits for a key is offered to the call-in while it runs; none otherwise, or
// when the offer cannot be made (logged: the job runs as before).
std::optional<AckOffer> offer_for_callin(const JobRecord& record, const Prepared& prepared, int cancel_pipe) {
  const auto& request = prepared.request;
  if (!prepared.runnable() || !request || request->action != ActionKind::alert || !request->alert.ack) return std::nullopt;
  OfferedAlert alert{record.id, request->alert.text.empty() ? "une alerte enregistrée" : request->alert.text,
                     record.created, current_process()};
  auto offer = AckOffer::publish(prepared.settings.flood.state_dir, prepared.settings.speech.audio_dir, alert);
  auto failed = offer ? offer.value().watch(cancel_pipe) : offer.failure();
  if (failed) {
    spdlog::warn("job {}: not offered to the call-in: {}", record.id, failed->message);
    return std::nullopt;
  }
  return std::move(offer).value();
}

// A run the call-in's ack cancelled: acknowledged by that caller, as a key on a call would be.
void acknowledged_by_callin(Outcome& outcome, const std::string& caller) {
  outcome.error = ErrorCode::none;
  outcome.subject.clear();
  outcome.acknowledged_by = caller + " (call-in)";
  outcome.message = caller + " acknowledged by calling in";
}

}  // namespace

Outcome job_list(const Incoming& incoming, const Config& config, const SettingValues& environment) {
  const auto start = std::chrono::steady_clock::now();
  if (auto refused_token = check_token(incoming, config)) return refused(*refused_token, start);
  auto settings = general_settings(incoming, config, environment);
  if (!settings) return refused(settings.failure(), start);
  const auto store = settling_store(settings.value().jobs.dir, config, environment);
  auto listed = store.list(listed_jobs);
  if (!listed) return refused(listed.failure(), start);
  auto& records = listed.value();
  Outcome o;
  for (auto& record : records) {
    notify_if_claimed(store, record, config, environment);
    o.jobs.push_back(summary_of(record));
  }
  o.message = records.empty() ? std::string("no jobs")
                              : std::to_string(records.size()) + (records.size() == 1 ? " job" : " jobs") +
                                    ", newest first (at most " + std::to_string(listed_jobs) + ")";
  o.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  return o;
}

void settle_dead_jobs(const Incoming& incoming, const Config& config, const SettingValues& environment) {
  auto settings = general_settings(incoming, config, environment);
  if (!settings) return;
  const auto store = settling_store(settings.value().jobs.dir, config, environment);
  auto listed = store.list(job_keep_count);
  if (!listed) return;
  for (auto& record : listed.value()) notify_if_claimed(store, record, config, environment);
}

Outcome job_state(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const JobParams& params) {
  const auto start = std::chrono::steady_clock::now();
  if (auto refused_token = check_token(incoming, config)) return refused(*refused_token, start);
  auto settings = general_settings(incoming, config, environment);
  if (!settings) return refused(settings.failure(), start);
  const auto store = settling_store(settings.value().jobs.dir, config, environment);
  auto record = store.read(params.job);
  if (record && params.cancel) record = cancel(store, std::move(record));
  if (!record) return refused(record.failure(), start);
  notify_if_claimed(store, record.value(), config, environment);
  return job_answer(record.value());
}

Outcome start_job(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const Executor& executor) {
  Incoming for_job = incoming;
  for_job.limits.max_alert_wait_seconds = cli_max_alert_wait_seconds;  // no web server waits for it
  auto prepared = prepare(for_job, config, environment);
  if (!prepared.runnable()) return execute(prepared, executor);
  const auto refuse = [&](const Failure& f) {
    set_failure(prepared.answer_instead, f);
    return execute(prepared, executor);
  };

  const JobStore store(prepared.settings.jobs.dir);
  auto created = store.create(prepared.request->action, prepared.settings.jobs.max_jobs, prepared.profile,
                              to_of(*prepared.request));
  if (!created) return refuse(created.failure());
  auto record = std::move(created.value());
  auto side = detach();
  if (!side) {
    record.state = JobState::failed;
    set_failure(record.outcome, side.failure());
    (void)store.write(record);
    return refuse(side.failure());
  }
  if (side.value() == DetachedSide::job) {
    reset_signals();
    log::to_job_log(record.id, prepared.settings.jobs.log_file);
    const int cancel_fd = cancel_on_sigterm();
    try {
      run_job(record, std::move(prepared), executor, cancel_fd);
      // Then the jobs that died unseen, each settled once and its failure told (bounded: a box
      // that does not answer must not keep this process for ever).
      end_process_after(dead_jobs_budget);
      settle_dead_jobs(incoming, config, environment);
    } catch (const std::exception& e) {
      // Never back into the request's code: this process has no client any more.
      record.state = JobState::failed;
      set_failure(record.outcome,
                  {ErrorCode::internal_error, std::string("internal error in the job: ") + e.what(), "job"});
      (void)store.write(record);
    }
    std::_Exit(0);  // the job's process: nothing of the request's process to finish
  }

  log::job_accepted(*prepared.request, record.id);
  Outcome accepted;
  accepted.action = prepared.request->action;
  accepted.answer = AnswerKind::job_accepted;
  accepted.message = "accepted: the " + std::string(action_name(*accepted.action)) +
                     " runs in the background as job " + record.id + " (job=" + record.id + " tells its state)";
  accepted.job = JobInfo{record.id, JobState::queued, {}, std::nullopt};
  accepted.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - prepared.start);
  return accepted;
}

Result<JobParams> job_params(const Params& params) {
  const auto value_of = [&](std::string_view name) -> Result<std::string> {
    std::string found;
    for (const auto& [n, v] : params) {
      if (n != name || v.empty()) continue;
      if (!found.empty() && found != v) {
        return invalid(std::string(name) + " is given twice with different values", std::string(name));
      }
      found = v;
    }
    return found;
  };
  const auto flag = [&](std::string_view name) -> Result<bool> {
    auto v = value_of(name);
    if (!v) return v.failure();
    if (v.value().empty() || v.value() == "0") return false;
    if (v.value() == "1") return true;
    return invalid(std::string(name) + " must be 0 or 1", std::string(name));
  };
  JobParams out;
  auto background = flag("background");
  if (!background) return background.failure();
  auto cancel_flag = flag("cancel");
  if (!cancel_flag) return cancel_flag.failure();
  auto job = value_of("job");
  if (!job) return job.failure();
  auto list = flag("jobs");
  if (!list) return list.failure();
  out.list = list.value();
  out.background = background.value();
  out.cancel = cancel_flag.value();
  out.job = std::move(job.value());
  if (!out.job.empty() && !is_job_id(out.job)) {
    return invalid("job must be 32 characters of 0-9 a-f (the id a background request answered)", "job");
  }
  if (out.cancel && out.job.empty()) return invalid("cancel=1 needs the job=ID to cancel", "cancel");
  if (out.background && !out.job.empty()) {
    return invalid("background=1 starts a job and job=ID asks about one: not both", "background");
  }
  if (out.list && (out.background || !out.job.empty())) {
    return invalid("jobs=1 lists the jobs: not with background=1 or job=ID", "jobs");
  }
  return out;
}

void run_job(JobRecord record, Prepared prepared, const Executor& executor, int cancel_fd) {
  const JobStore store(prepared.settings.jobs.dir);
  const auto save = [&] {
    if (auto failed = store.write(record)) spdlog::error("{}", failed->message);
  };
  record.state = JobState::running;
  record.process = current_process();
  save();

  auto offer = offer_for_callin(record, prepared, cancel_fd);
  auto& client = prepared.settings.client;
  client.cancel_fd = offer ? offer->cancel_fd() : cancel_fd;
  client.on_progress = [&](const ami::Progress& progress) {
    record.detail = describe(progress);
    save();
  };
  if (readable(cancel_fd)) {  // cancelled before it started: nothing is sent
    set_failure(prepared.answer_instead, {ErrorCode::cancelled, "the request was cancelled before it started", "job"});
  }
  const auto wait = prepared.request ? prepared.request->wait : seconds(0);
  end_process_after(client.total_timeout + wait + seconds(10));
  auto outcome = execute(prepared, executor);
  ::alarm(0);
  if (offer && outcome.error == ErrorCode::cancelled) {
    if (const auto caller = offer->acknowledged_by()) acknowledged_by_callin(outcome, *caller);
  }

  record.state = outcome.ok()                              ? JobState::done
                 : outcome.error == ErrorCode::cancelled ? JobState::cancelled
                                                         : JobState::failed;
  record.detail.clear();
  record.outcome = outcome;
  const auto& notify = prepared.settings.notify;
  if (notify.url_template.empty()) {
    save();
    return;
  }
  record.notify = NotifyReport{"sending", 0, std::nullopt, {}};
  save();
  offer.reset();  // the job's end is written: nothing more to acknowledge
  const auto url = notify_url(notify, record.id, record.state, outcome);
  end_process_after(notify.timeout * notify_tries + seconds(8));
  record.notify = send_notify(url, notify);
  ::alarm(0);
  save();
  log::job_notified(redact_url(url), *record.notify);
}

Outcome job_answer(const JobRecord& record) {
  Outcome o;
  if (job_ended(record.state)) {
    o = record.outcome;
  } else {
    o.message = record.state == JobState::queued ? std::string("the job has not started yet")
                : record.detail.empty()          ? std::string("the job is running")
                                                 : record.detail;
    o.elapsed = std::chrono::duration_cast<milliseconds>(SystemClock::now() - record.created);
  }
  o.action = record.action;
  o.answer = AnswerKind::job_state;
  o.job = JobInfo{record.id, record.state, record.detail, record.notify};
  return o;
}

}  // namespace eecall
