// The outcome of one request: what the renderer turns into XML, JSON or a text line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/error.hpp"
#include "eecall/request.hpp"
#include "eecall/result.hpp"

namespace eecall {

/// How one phone of an alert (or one recipient of a message) fared.
enum class AttemptOutcome {
  acknowledged,      // answered and pressed the `ack` key
  answered,          // answered (no `ack` asked)
  not_acknowledged,  // answered, but no key or another key
  busy,
  no_answer,
  congestion,
  hangup,            // hung up before answering
  call_failed,
  playback_failed,   // answered, but Asterisk could not play the prompt
  sent,              // message delivered to Asterisk
  failed,            // message refused
  cancelled,         // a cancel request stopped it (eecall hung the call up)
};
std::string_view attempt_outcome_name(AttemptOutcome outcome) noexcept;

struct Attempt {
  std::string phone;
  AttemptOutcome outcome = AttemptOutcome::call_failed;
  std::chrono::milliseconds elapsed{0};
  std::string detail;  // e.g. Asterisk's text, or "pressed 2"
};

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
  bool needed = true;  // needed for the use checked: anything but ✔ fails the check
  ErrorCode error = ErrorCode::none;  // the answer's error when this is the first needed miss
};

struct Outcome {
  std::optional<ActionKind> action;  // unknown when the request itself was unusable
  ErrorCode error = ErrorCode::none;
  std::string message;    // human sentence; Asterisk's own `Message:` text where there is one
  std::string subject;    // parameter (bad input) or step (timeout, protocol error)
  std::string action_id;  // the ActionID of the Originate / MessageSend, once sent
  std::chrono::milliseconds elapsed{0};
  // From the OriginateResponse event, when the request waited for the call's outcome:
  std::optional<int> reason;  // Asterisk's Reason (4 answered, 5 busy, 3 no answer, ...)
  std::string channel;
  std::string uniqueid;
  // Alerts (and messages to several phones): every attempt in order, and who acknowledged.
  std::vector<Attempt> attempts;
  std::string acknowledged_by;
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

  [[nodiscard]] bool ok() const noexcept { return error == ErrorCode::none; }
  /// A job's state while it has no result yet (queued or running).
  [[nodiscard]] bool pending() const noexcept {
    return answer == AnswerKind::job_state && job && !job_ended(job->state);
  }
};

/// Copies a failure into an outcome: its code, message and subject.
void set_failure(Outcome& outcome, const Failure& failure);

/// An outcome that is only this failure.
Outcome failed_outcome(const Failure& failure);

}  // namespace eecall
