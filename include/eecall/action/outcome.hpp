// The answer to one request: what the renderer turns into XML, JSON or a text line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/action/errors.hpp"
#include "eecall/ami/run_result.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

/// A background job's state (background=1, then job=ID): queued until its process starts,
/// running, then one of the three ends.
enum class JobState { queued, running, done, failed, cancelled };
std::string_view job_state_name(JobState state) noexcept;
std::optional<JobState> parse_job_state(std::string_view name) noexcept;
[[nodiscard]] inline bool job_ended(JobState state) noexcept {
  return state != JobState::queued && state != JobState::running;
}

/// What became of a job's call to notify_url, once it ended.
struct NotifyReport {
  std::string state;  // "sending", "sent" or "failed"
  int tries = 0;
  std::optional<long> http_status;  // of the last try that got an HTTP answer
  std::string message;              // what happened; never the URL's secrets
};

/// The background job an answer is about.
struct JobInfo {
  std::string id;  // 32 lower-case hex digits
  JobState state = JobState::queued;
  std::string detail;  // while running: "ringing 100", "100 answered", "100: busy"
  std::optional<NotifyReport> notify;
};

/// One job of a job list (jobs=1, --jobs): what it was, whom it rang, how it ended. Never its
/// text, its PBX or anything secret.
struct JobSummary {
  std::string id;
  JobState state = JobState::queued;
  ActionKind action = ActionKind::call;
  std::chrono::system_clock::time_point started;
  std::string to;  // an alert's phones, a call's or a message's to
  ErrorCode error = ErrorCode::none;  // once ended
  std::string acknowledged_by;
  std::chrono::milliseconds elapsed{0};  // once ended: how long it ran
};

/// One line of a check's report (`--check`, `check=1`): ✔ it is fine, ✘ it is not, ? it
/// could not be known (usually: the AMI user lacks the right that would let eecall ask).
enum class CheckStatus { ok, failed, unknown };
std::string_view check_status_name(CheckStatus status) noexcept;    // "ok", "failed", "unknown"
std::string_view check_status_symbol(CheckStatus status) noexcept;  // "✔", "✘", "?"

struct CheckItem {
  std::string name;  // "login", "dialplan 291", "phone 100", ...
  CheckStatus status = CheckStatus::unknown;
  std::string found;  // what was found, one sentence
  std::string fix;    // ✘: how to fix it; ?: how it could be known (the right, the command)
  bool needed = true;  // needed for the use checked: a ✘ fails the check (with strict, a ? too)
  ErrorCode error = ErrorCode::none;  // the answer's error when this is the first needed miss
};

/// The answer to one request, whatever it was about: the AMI core's result (ami/run_result.hpp)
/// and what the layers above it add — the anti-flood's duplicate and Retry-After, a background
/// job, a check's report.
struct Outcome : ami::RunResult {
  Outcome() = default;
  Outcome(ami::RunResult core) : ami::RunResult(std::move(core)) {}  // NOLINT(google-explicit-constructor)

  // repeat_window: the very same request was already made within the window, so nothing was
  // done this time (result 1, like the first one).
  bool duplicate = false;
  // rate_limited: when the next action of this profile (or PBX) will be accepted; the CGI
  // front end sends it as the Retry-After header.
  std::optional<std::chrono::seconds> retry_after;
  // Background jobs: the 202 that accepted one, or a job's state (status and exit: error.hpp).
  AnswerKind answer = AnswerKind::outcome;
  std::optional<JobInfo> job;
  // A check's report (answer == AnswerKind::check), in order.
  std::vector<CheckItem> checks;
  // A job list (jobs=1), newest first.
  std::vector<JobSummary> jobs;

  /// A job's state while it has no result yet (queued or running).
  [[nodiscard]] bool pending() const noexcept {
    return answer == AnswerKind::job_state && job && !job_ended(job->state);
  }
};

/// An outcome that is only this failure.
Outcome failed_outcome(const Failure& failure);

}  // namespace eecall
