#include "eecall/jobs/job_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>
#include <vector>

#include "eecall/util/state_file.hpp"
#include "eecall/util/unique_fd.hpp"
#include "job_file.hpp"

namespace eecall {

namespace {

namespace fs = std::filesystem;
using SystemClock = std::chrono::system_clock;

constexpr std::size_t max_record_bytes = 64 * 1024;
constexpr std::chrono::hours temp_file_keep_time{1};
// How long a background request waits for another one's hold on the jobs directory.
constexpr std::chrono::milliseconds jobs_lock_patience{3000};

std::string errno_text(int error) { return std::strerror(error); }

Failure store_failure(const std::string& message) { return {ErrorCode::internal_error, message, "job"}; }

// --- processes ---

// /proc/PID/stat: "pid (comm) state ppid ... starttime ..." — comm may hold blanks and
// parentheses, so the fields are counted from the last ')'. starttime is field 22.
std::optional<std::pair<char, unsigned long long>> state_and_start_time(pid_t pid) {
  const auto path = "/proc/" + std::to_string(pid) + "/stat";
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::array<char, 1024> buffer{};
  const auto n = ::read(fd.get(), buffer.data(), buffer.size() - 1);
  if (n <= 0) return std::nullopt;
  const std::string_view stat(buffer.data(), static_cast<std::size_t>(n));
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream fields{std::string(stat.substr(close + 1))};
  char state = '?';
  fields >> state;
  std::string skipped;
  for (int field = 4; field < 22 && fields >> skipped; ++field) {
  }
  unsigned long long start_time = 0;
  if (!(fields >> start_time)) return std::nullopt;
  return std::pair{state, start_time};
}

bool is_live(const JobRecord& r) {
  if (job_ended(r.state)) return false;
  if (r.process.pid == 0) return SystemClock::now() - r.created < job_start_grace;
  return is_running(r.process);
}

void mark_dead(JobRecord& r) {
  r.state = JobState::failed;
  r.outcome = Outcome{};
  r.outcome.action = r.action;
  r.outcome.error = ErrorCode::internal_error;
  r.outcome.subject = "job";
  r.outcome.message = r.process.pid == 0 ? "the job's process never started"
                                         : "the job's process ended without finishing (killed or crashed)" +
                                               (r.detail.empty() ? std::string() : " while: " + r.detail);
  r.outcome.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::now() - r.created);
  r.detail.clear();
}

// The directory must be ours alone: a file planted there could name a pid for a cancel to
// signal.
Status check_dir(const std::string& dir, const struct stat& st) {
  const auto fix = " (jobs_dir / EECALL_JOBS_DIR)";
  if (!S_ISDIR(st.st_mode)) return Failure{ErrorCode::config_error, "jobs_dir " + dir + " is not a directory" + fix, "jobs_dir"};
  if (st.st_uid != ::geteuid() && ::geteuid() != 0) {
    return Failure{ErrorCode::config_error,
                   "jobs_dir " + dir + " belongs to another user (uid " + std::to_string(st.st_uid) +
                       "): it must be the web server's own (chown www-data, chmod 0700)",
                   "jobs_dir"};
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Failure{ErrorCode::config_error, "jobs_dir " + dir + " may be written by others: chmod 0700 it", "jobs_dir"};
  }
  return std::nullopt;
}

// The exclusive hold on jobs_dir that makes counting the live jobs and adding one atomic; it
// lasts as long as the descriptor.
Result<UniqueFd> lock_jobs_dir(const std::string& dir) {
  UniqueFd lock(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock.valid()) {
    const int error = errno;
    return Failure{ErrorCode::config_error, "cannot lock jobs_dir " + dir + ": " + errno_text(error), "jobs_dir"};
  }
  if (!lock_within(lock.get(), jobs_lock_patience)) {
    return Failure{ErrorCode::busy_jobs,
                   "another request has held jobs_dir " + dir + " for " +
                       std::to_string(jobs_lock_patience.count()) + " ms: try again later",
                   "jobs_dir"};
  }
  return lock;
}

}  // namespace

ProcessId current_process() {
  const auto self = ::getpid();
  const auto stat = state_and_start_time(self);
  return {self, stat ? stat->second : 0};
}

bool is_running(const ProcessId& process) {
  if (process.pid <= 0) return false;
  const auto stat = state_and_start_time(process.pid);
  return stat && stat->first != 'Z' && stat->first != 'X' && stat->second == process.start_time;
}

Result<std::string> new_job_id() {
  std::array<unsigned char, 16> bits{};
  std::size_t got = 0;
  while (got < bits.size()) {
    const auto n = ::getrandom(bits.data() + got, bits.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      return store_failure("cannot draw a job id: getrandom: " + errno_text(error));
    }
    got += static_cast<std::size_t>(n);
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (const auto b : bits) {
    id += hex[b >> 4];
    id += hex[b & 0x0F];
  }
  return id;
}

bool is_job_id(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

JobStore::JobStore(std::string dir, NotifyClaim claim) : dir_(std::move(dir)), claim_(std::move(claim)) {}

namespace {

// A job started as root (from a shell: sudo eecall --background) writes in a directory that is
// the web server's user's: its files are given to that owner, or job=ID over HTTP could not
// read them (0600 root:root). Not root: the files are the writer's, who owns the directory.
Status give_to_dir_owner(int fd, const std::string& dir, const std::string& path) {
  if (::geteuid() != 0) return std::nullopt;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || st.st_uid == 0) return std::nullopt;
  if (::fchown(fd, st.st_uid, st.st_gid) == 0) return std::nullopt;
  const int error = errno;
  return store_failure("cannot give " + path + " to jobs_dir's owner (uid " + std::to_string(st.st_uid) +
                       "): " + errno_text(error));
}

}  // namespace

Status JobStore::write(const JobRecord& record) const {
  if (!is_job_id(record.id)) return store_failure("not a job id");
  const auto path = dir_ + "/" + record.id + ".json";
  const auto temp = dir_ + "/." + record.id + "." + std::to_string(::getpid()) + ".tmp";
  const auto text = job_file_text(record);
  {
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
      const int error = errno;
      return store_failure("cannot write " + temp + ": " + errno_text(error));
    }
    if (auto failed = give_to_dir_owner(fd.get(), dir_, temp)) {
      ::unlink(temp.c_str());
      return failed;
    }
    std::size_t written = 0;
    while (written < text.size()) {
      const auto n = ::write(fd.get(), text.data() + written, text.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return store_failure("cannot write " + temp + ": " + errno_text(error));
      }
      written += static_cast<std::size_t>(n);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return store_failure("cannot rename " + temp + " to " + path + ": " + errno_text(error));
  }
  return std::nullopt;
}

namespace {

Result<JobRecord> load(const std::string& dir, std::string_view id) {
  const auto path = dir + "/" + std::string(id) + ".json";
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    const int error = errno;
    if (error == ENOENT) {
      return Failure{ErrorCode::unknown_job, "no job " + std::string(id) + " (never started here, or removed after " +
                                                 std::to_string(job_keep_time.count()) + " h)",
                     "job"};
    }
    return store_failure("cannot read " + path + ": " + errno_text(error));
  }
  std::string text;
  std::array<char, 4096> chunk{};
  for (;;) {
    const auto n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      return store_failure("cannot read " + path + ": " + errno_text(error));
    }
    if (n == 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(n));
    if (text.size() > max_record_bytes) return store_failure(path + " is larger than a job's state can be");
  }
  return job_from_file_text(text, id);
}

}  // namespace

Result<JobRecord> JobStore::read(std::string_view id) const {
  if (!is_job_id(id)) {
    return Failure{ErrorCode::invalid_parameter, "job must be 32 characters of 0-9 a-f (the id a background request answered)",
                   "job"};
  }
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0) return load(dir_, id);  // no directory: no such job either
  if (auto bad = check_dir(dir_, st)) return *bad;
  auto record = load(dir_, id);
  if (!record) return record;
  return settle_if_dead(std::move(record.value()));
}

bool claimed_here(const JobRecord& record) {
  if (!record.notify || record.notify->state != "sending") return false;
  const auto self = current_process();
  return record.process.pid == self.pid && record.process.start_time == self.start_time;
}

// A record whose process is gone but which does not say it ended (or still says it notifies)
// is rewritten so. Under the directory's lock, and read again there: of two readers that find
// it dead at once, the second sees what the first wrote (so a failure notify is claimed once);
// and a job writes its end just before it exits, so only then does nobody write the file any
// more.
Result<JobRecord> JobStore::settle_if_dead(JobRecord record) const {
  const bool unfinished = !job_ended(record.state) && !is_live(record);
  const bool notifying = record.notify && record.notify->state == "sending" && !is_running(record.process);
  if (!unfinished && !notifying) return record;
  const auto lock = lock_jobs_dir(dir_);
  if (!lock) return lock.failure();
  auto again = load(dir_, record.id);
  if (!again) return again;
  auto& r = again.value();
  if (!job_ended(r.state) && !is_live(r)) {
    mark_dead(r);
    if (claim_ && claim_(r)) {
      // The failure notify is this process's to send (claimed_here); if it dies too, the next
      // reader finds `sending` with no process and marks the notify failed.
      r.notify = NotifyReport{"sending", 0, std::nullopt, "the job's process died: its failure is being notified"};
      r.process = current_process();
    }
  } else if (r.notify && r.notify->state == "sending" && !is_running(r.process)) {
    r.notify->state = "failed";
    r.notify->message = "the process that was notifying ended before it was done";
  } else {
    return again;
  }
  if (auto failed = write(r)) return *failed;
  return again;
}

Result<std::vector<JobRecord>> JobStore::list(std::size_t max) const {
  std::vector<JobRecord> records;
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0) return records;  // no directory: no jobs yet
  if (auto bad = check_dir(dir_, st)) return *bad;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".json") || !is_job_id(name.substr(0, name.size() - 5))) continue;
    if (auto record = load(dir_, name.substr(0, name.size() - 5))) records.push_back(std::move(record.value()));
  }
  std::sort(records.begin(), records.end(),
            [](const JobRecord& a, const JobRecord& b) { return a.created > b.created; });
  if (records.size() > max) records.resize(max);
  for (auto& record : records) {
    if (auto settled = settle_if_dead(record)) record = std::move(settled.value());
  }
  return records;
}

namespace {

// jobs_dir, created 0700 when absent, and ours alone (check_dir).
Status open_jobs_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT || (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) || ::stat(dir.c_str(), &st) != 0) {
      const int error = errno;
      return Failure{ErrorCode::config_error,
                     "cannot use jobs_dir " + dir + ": " + errno_text(error) +
                         " (the package creates /var/lib/eecall/jobs for www-data; see jobs_dir / EECALL_JOBS_DIR)",
                     "jobs_dir"};
    }
  }
  return check_dir(dir, st);
}

struct EndedFile {
  fs::path path;
  fs::file_time_type written;
};

// jobs_dir as create() found it.
struct Census {
  fs::file_time_type taken = fs::file_time_type::clock::now();
  int live = 0;
  std::vector<EndedFile> ended;
};

// What is there: live jobs count, ended ones are listed (to be kept within the bounds), a
// temporary file of a writer that died is removed. A job that died unseen counts as just
// written: it is settled (and its failure notified) by a reader, not here under the lock — the
// new job's process does it once its own work is done (jobs.cpp).
Census census_of(const std::string& dir) {
  Census census;
  std::error_code ec;
  const auto now = census.taken;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    auto written = entry.last_write_time(ec);
    if (ec) continue;
    if (name.starts_with(".") && name.ends_with(".tmp")) {
      if (now - written > temp_file_keep_time) fs::remove(entry.path(), ec);  // a writer that died
      continue;
    }
    if (!name.ends_with(".json") || !is_job_id(name.substr(0, name.size() - 5))) continue;
    auto record = load(dir, name.substr(0, name.size() - 5));
    if (record && is_live(record.value())) {
      ++census.live;
      continue;
    }
    if (record && !job_ended(record.value().state)) written = now;  // died, not settled yet
    census.ended.push_back({entry.path(), written});
  }
  return census;
}

// Oldest first, the ended jobs beyond job_keep_time or beyond job_keep_count (the new one and
// the live ones counted in) are removed.
void prune_ended(Census& census) {
  auto& ended = census.ended;
  std::sort(ended.begin(), ended.end(), [](const EndedFile& a, const EndedFile& b) { return a.written < b.written; });
  std::error_code ec;
  std::size_t kept = ended.size();
  for (const auto& e : ended) {
    const bool too_old = census.taken - e.written > job_keep_time;
    const bool too_many = kept + static_cast<std::size_t>(census.live) + 1 > job_keep_count;
    if (!too_old && !too_many) break;  // oldest first: the rest is younger and fits
    if (fs::remove(e.path, ec)) --kept;
  }
}

Result<JobRecord> queued_record(ActionKind action) {
  auto id = new_job_id();
  if (!id) return id.failure();
  JobRecord record;
  record.id = std::move(id.value());
  record.state = JobState::queued;
  record.action = action;
  record.created = SystemClock::now();
  record.outcome.action = action;
  return record;
}

}  // namespace

Result<JobRecord> JobStore::create(ActionKind action, int max_jobs, std::string profile, std::string to) const {
  if (auto bad = open_jobs_dir(dir_)) return *bad;
  const auto lock = lock_jobs_dir(dir_);
  if (!lock) return lock.failure();
  auto census = census_of(dir_);
  prune_ended(census);
  const int live = census.live;
  if (live >= max_jobs) {
    return Failure{ErrorCode::busy_jobs,
                   std::to_string(live) + " background jobs are running (max_jobs " + std::to_string(max_jobs) +
                       "): try again once one has ended",
                   "job"};
  }
  auto record = queued_record(action);
  if (!record) return record;
  record.value().profile = std::move(profile);
  record.value().to = std::move(to);
  if (auto failed = write(record.value())) return *failed;
  return record;
}

}  // namespace eecall
