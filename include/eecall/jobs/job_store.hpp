// Where background jobs keep their state: one small JSON file per job in jobs_dir, written
// atomically (a temporary file, then rename) at each change, read by status requests.
//
//   /var/lib/eecall/jobs/<id>.json   {"job": ..., "state": "running", "detail": "ringing 100",
//                                     "pid": 4242, "start_time": 123456, "outcome": {...}, ...}
//
// Ids are 128 random bits in lower-case hex, checked before any file is touched. A job whose
// process is gone while its file still says queued or running (a crash, kill -9) is settled
// once, under the directory's lock, by whichever reader finds it first: rewritten as failed,
// and its failure notify claimed by that reader (JobStore's NotifyClaim). Ended jobs are kept
// for a day, 200 files at most.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/action/outcome.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

/// A process, told from a later one with the same pid by its start time (/proc/PID/stat).
struct ProcessId {
  pid_t pid = 0;  // 0: the job's process has not started yet
  unsigned long long start_time = 0;
};
/// This process.
ProcessId current_process();
/// True while that very process runs (not a zombie, not a reused pid).
bool is_running(const ProcessId& process);

/// 32 lower-case hex digits from getrandom().
Result<std::string> new_job_id();
/// Exactly 32 characters of 0-9 a-f.
bool is_job_id(std::string_view id);

struct JobRecord {
  std::string id;
  JobState state = JobState::queued;
  ActionKind action = ActionKind::call;
  std::string detail;    // while running: "ringing 100", ...
  ProcessId process;     // the job's process, once it started
  std::chrono::system_clock::time_point created;
  Outcome outcome;       // once ended: the request's answer
  std::optional<NotifyReport> notify;
  std::string profile;   // the profile it used (empty: [general]): whose notify_url tells its end
  std::string to;        // whom it rings or texts (an alert's phones, a call's or message's to)
};

/// For a job found dead: whether its failure is to be notified (a notify_url applies to it).
using NotifyClaim = std::function<bool(const JobRecord&)>;

/// Bounds of what is kept: ended jobs older than this, or beyond this count, are removed when a
/// new job is created.
inline constexpr std::chrono::hours job_keep_time{24};
inline constexpr std::size_t job_keep_count = 200;
/// A job still queued (its process never wrote its pid) after this is taken for dead.
inline constexpr std::chrono::seconds job_start_grace{30};

class JobStore {
 public:
  /// `claim`: asked, for each job this store settles as dead, whether a failure notify is due;
  /// if so the settled record says notify `sending` by this process (claimed_here), which must
  /// then send it and write the result. Without it a dead job is settled without a notify.
  explicit JobStore(std::string dir, NotifyClaim claim = {});

  /// Under an exclusive lock on the directory (created 0700 when absent): removes what is no
  /// longer kept, counts the live jobs, and writes a new queued record — or refuses with
  /// busy_jobs when `max_jobs` already run. Other failures: config_error (the directory).
  /// `profile` and `to` are kept in the record (the notify of a job that died, the job list).
  Result<JobRecord> create(ActionKind action, int max_jobs, std::string profile = {}, std::string to = {}) const;

  /// Writes the record atomically (temporary file + rename), mode 0600; as root, the file is
  /// given to the directory's owner (a job started from a root shell stays readable by job=ID
  /// over HTTP, which runs as the web server's user who owns jobs_dir).
  Status write(const JobRecord& record) const;

  /// The job's record; one whose process is gone before it ended is rewritten as failed
  /// (internal_error). Failures: invalid_parameter (not an id), unknown_job, internal_error
  /// (an unreadable or damaged file).
  Result<JobRecord> read(std::string_view id) const;

  /// The most recent jobs, newest first (by creation), at most `max`, each settled like read();
  /// unreadable files are left out. Failure: config_error (the directory, as for read()).
  Result<std::vector<JobRecord>> list(std::size_t max) const;

 private:
  Result<JobRecord> settle_if_dead(JobRecord record) const;

  std::string dir_;
  NotifyClaim claim_;
};

/// True when this process settled the job as dead and claimed its failure notify (to send now).
bool claimed_here(const JobRecord& record);

}  // namespace eecall
