// Acknowledging a running alert job by calling in (docs/callin.md): the job and the call-in run
// as different users (the web server's, Asterisk's), so they meet in a directory, never through
// jobs_dir (0700) or a signal.
//
//   state_dir/alerts/            02770, the group of audio_dir (Asterisk's group)
//   state_dir/alerts/<job id>/   02770: the job's offer, there while the job runs
//       alert.json               0640: {"job", "text", "started", "pid", "pid_start"}, no secret
//       ack                      written by the call-in (temp name + rename): the caller's number
//
// The job's cancel descriptor becomes an epoll descriptor that turns readable on SIGTERM (the
// pipe) or when a file is renamed into its offer directory (inotify IN_MOVED_TO): the AMI
// client polls that one descriptor, so it needs to know nothing of this.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "eecall/jobs/job_store.hpp"
#include "eecall/util/result.hpp"
#include "eecall/util/unique_fd.hpp"

namespace eecall {

/// state_dir/alerts.
std::string alerts_dir(const std::string& state_dir);

/// What an offer tells the call-in.
struct OfferedAlert {
  std::string job_id;
  std::string text;
  std::chrono::system_clock::time_point started;
  ProcessId process;
};

/// The job's side: the offer directory, removed (with what it holds) when the object goes.
class AckOffer {
 public:
  /// Creates state_dir/alerts (group of `group_dir`, 02770) when missing, then the offer of
  /// `alert` (its job_id names it). Failure: internal_error (the job then runs without offer).
  static Result<AckOffer> publish(const std::string& state_dir, const std::string& group_dir,
                                  const OfferedAlert& alert);
  AckOffer(AckOffer&& other) noexcept;
  AckOffer& operator=(AckOffer&&) = delete;
  AckOffer(const AckOffer&) = delete;
  AckOffer& operator=(const AckOffer&) = delete;
  ~AckOffer();

  /// Adds SIGTERM's `cancel_pipe` (readable on cancel) to what cancel_fd() watches.
  Status watch(int cancel_pipe);
  /// An epoll descriptor readable once `cancel_pipe` is readable or a file is renamed into the
  /// offer (the call-in's ack). Owned by this object; -1 when it cannot be set up.
  [[nodiscard]] int cancel_fd() const noexcept { return epoll_.get(); }
  /// The caller's number in the offer's `ack`, if the call-in wrote one.
  [[nodiscard]] std::optional<std::string> acknowledged_by() const;
  [[nodiscard]] const std::string& dir() const noexcept { return dir_; }

 private:
  AckOffer(std::string dir, UniqueFd inotify, UniqueFd epoll) noexcept;
  std::string dir_;
  UniqueFd inotify_;
  UniqueFd epoll_;
};

/// The call-in's side: the offers whose job still runs, oldest first; the offers of jobs that
/// ended unseen (a killed process) are removed.
std::vector<OfferedAlert> running_alerts(const std::string& state_dir);

/// Writes `caller` as the ack of job `job_id` (temp name + rename). Failure: internal_error
/// (the offer is gone: the job ended), invalid_parameter (a caller that is not a phone number).
Status write_ack(const std::string& state_dir, const std::string& job_id, const std::string& caller);

/// Waits at most `budget` for the job's offer to go (the job ended): true when it did.
bool wait_offer_gone(const std::string& state_dir, const std::string& job_id, std::chrono::milliseconds budget);

}  // namespace eecall
