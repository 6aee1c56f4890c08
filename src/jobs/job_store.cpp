#include "eecall/jobs/job_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "eecall/util/state_file.hpp"
#include "eecall/util/unique_fd.hpp"

namespace eecall {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using SystemClock = std::chrono::system_clock;

constexpr std::size_t max_record_bytes = 64 * 1024;
constexpr std::chrono::hours temp_file_keep_time{1};
// How long a background request waits for another one's hold on the jobs directory.
constexpr std::chrono::milliseconds jobs_lock_patience{3000};

std::string errno_text(int error) { return std::strerror(error); }

Failure store_failure(const std::string& message) { return {ErrorCode::internal_error, message, "job"}; }

// --- the record as JSON ---

long long to_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

template <typename Enum, typename NameOf>
std::optional<Enum> enum_named(std::string_view name, NameOf name_of) {
  // Every code up to a bound: the enums are small and their names unique.
  for (int i = 0; i < 64; ++i) {
    const auto value = static_cast<Enum>(i);
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

json outcome_to_json(const Outcome& o) {
  json j;
  j["error"] = std::string(error_name(o.error));
  j["message"] = o.message;
  j["subject"] = o.subject;
  j["action_id"] = o.action_id;
  j["elapsed_ms"] = o.elapsed.count();
  if (o.reason) j["reason"] = *o.reason;
  j["channel"] = o.channel;
  j["uniqueid"] = o.uniqueid;
  j["acknowledged_by"] = o.acknowledged_by;
  j["attempts"] = json::array();
  for (const auto& a : o.attempts) {
    j["attempts"].push_back({{"phone", a.phone},
                             {"outcome", std::string(attempt_outcome_name(a.outcome))},
                             {"elapsed_ms", a.elapsed.count()},
                             {"detail", a.detail}});
  }
  return j;
}

Outcome outcome_from_json(const json& j, ActionKind action) {
  Outcome o;
  o.action = action;
  o.error = enum_named<ErrorCode>(j.at("error").get<std::string>(), error_name).value_or(ErrorCode::internal_error);
  o.message = j.value("message", "");
  o.subject = j.value("subject", "");
  o.action_id = j.value("action_id", "");
  o.elapsed = std::chrono::milliseconds(j.value("elapsed_ms", 0LL));
  if (j.contains("reason")) o.reason = j.at("reason").get<int>();
  o.channel = j.value("channel", "");
  o.uniqueid = j.value("uniqueid", "");
  o.acknowledged_by = j.value("acknowledged_by", "");
  for (const auto& a : j.value("attempts", json::array())) {
    Attempt attempt;
    attempt.phone = a.value("phone", "");
    attempt.outcome = enum_named<AttemptOutcome>(a.value("outcome", ""), attempt_outcome_name)
                          .value_or(AttemptOutcome::call_failed);
    attempt.elapsed = std::chrono::milliseconds(a.value("elapsed_ms", 0LL));
    attempt.detail = a.value("detail", "");
    o.attempts.push_back(std::move(attempt));
  }
  return o;
}

std::string to_text(const JobRecord& r) {
  json j;
  j["job"] = r.id;
  j["state"] = std::string(job_state_name(r.state));
  j["action"] = std::string(action_name(r.action));
  j["detail"] = r.detail;
  j["created_ms"] = to_ms(r.created);
  j["pid"] = r.process.pid;
  j["start_time"] = r.process.start_time;
  if (job_ended(r.state)) j["outcome"] = outcome_to_json(r.outcome);
  if (r.notify) {
    j["notify"] = {{"state", r.notify->state}, {"tries", r.notify->tries}, {"message", r.notify->message}};
    if (r.notify->http_status) j["notify"]["http_status"] = *r.notify->http_status;
  }
  // Texts from a PBX (after login) may be any bytes: never let them make the dump throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<JobRecord> from_text(const std::string& text, std::string_view id) {
  const auto damaged = [&](const std::string& why) {
    return store_failure("the state file of job " + std::string(id) + " is damaged: " + why);
  };
  try {
    const auto j = json::parse(text);
    JobRecord r;
    r.id = j.at("job").get<std::string>();
    if (r.id != id) return damaged("it names another job");
    const auto state = parse_job_state(j.at("state").get<std::string>());
    if (!state) return damaged("unknown state");
    r.state = *state;
    const auto action = j.value("action", "call");
    r.action = action == "alert" ? ActionKind::alert : action == "message" ? ActionKind::message : ActionKind::call;
    r.detail = j.value("detail", "");
    r.created = SystemClock::time_point(std::chrono::milliseconds(j.value("created_ms", 0LL)));
    r.process.pid = j.value("pid", 0);
    r.process.start_time = j.value("start_time", 0ULL);
    r.outcome.action = r.action;
    if (j.contains("outcome")) r.outcome = outcome_from_json(j.at("outcome"), r.action);
    if (j.contains("notify")) {
      const auto& n = j.at("notify");
      NotifyReport report;
      report.state = n.value("state", "");
      report.tries = n.value("tries", 0);
      report.message = n.value("message", "");
      if (n.contains("http_status")) report.http_status = n.at("http_status").get<long>();
      r.notify = std::move(report);
    }
    return r;
  } catch (const json::exception& e) {
    return damaged(e.what());
  }
}

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

JobStore::JobStore(std::string dir) : dir_(std::move(dir)) {}

Status JobStore::write(const JobRecord& record) const {
  if (!is_job_id(record.id)) return store_failure("not a job id");
  const auto path = dir_ + "/" + record.id + ".json";
  const auto temp = dir_ + "/." + record.id + "." + std::to_string(::getpid()) + ".tmp";
  const auto text = to_text(record);
  {
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
      const int error = errno;
      return store_failure("cannot write " + temp + ": " + errno_text(error));
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
  return from_text(text, id);
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

// A record whose process is gone but which does not say it ended (or still says it notifies)
// is rewritten so. It is read again once the process is known gone: a job writes its end just
// before it exits, and only then does nobody write the file any more.
Result<JobRecord> JobStore::settle_if_dead(JobRecord record) const {
  const bool unfinished = !job_ended(record.state) && !is_live(record);
  const bool notifying = record.notify && record.notify->state == "sending" && !is_running(record.process);
  if (!unfinished && !notifying) return record;
  auto again = load(dir_, record.id);
  if (!again) return again;
  auto& r = again.value();
  if (!job_ended(r.state)) {
    mark_dead(r);
  } else if (r.notify && r.notify->state == "sending") {
    r.notify->state = "failed";
    r.notify->message = "the job's process ended while it was notifying";
  } else {
    return again;
  }
  if (auto failed = write(r)) return *failed;
  return again;
}

Result<JobRecord> JobStore::create(ActionKind action, int max_jobs) const {
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0) {
    if (errno != ENOENT || (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) || ::stat(dir_.c_str(), &st) != 0) {
      const int error = errno;
      return Failure{ErrorCode::config_error,
                     "cannot use jobs_dir " + dir_ + ": " + errno_text(error) +
                         " (the package creates /var/lib/eecall/jobs for www-data; see jobs_dir / EECALL_JOBS_DIR)",
                     "jobs_dir"};
    }
  }
  if (auto bad = check_dir(dir_, st)) return *bad;
  const UniqueFd lock(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock.valid()) {
    const int error = errno;
    return Failure{ErrorCode::config_error, "cannot lock jobs_dir " + dir_ + ": " + errno_text(error), "jobs_dir"};
  }
  if (!lock_within(lock.get(), jobs_lock_patience)) {
    return Failure{ErrorCode::busy_jobs,
                   "another request has held jobs_dir " + dir_ + " for " +
                       std::to_string(jobs_lock_patience.count()) + " ms: try again later",
                   "jobs_dir"};
  }

  // What is there: live jobs count, ended ones are kept within the bounds.
  struct Ended {
    fs::path path;
    fs::file_time_type written;
  };
  std::vector<Ended> ended;
  int live = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const auto name = entry.path().filename().string();
    auto written = entry.last_write_time(ec);
    if (ec) continue;
    if (name.starts_with(".") && name.ends_with(".tmp")) {
      if (now - written > temp_file_keep_time) fs::remove(entry.path(), ec);  // a writer that died
      continue;
    }
    if (!name.ends_with(".json") || !is_job_id(name.substr(0, name.size() - 5))) continue;
    auto record = load(dir_, name.substr(0, name.size() - 5));
    if (record && is_live(record.value())) {
      ++live;
      continue;
    }
    if (record && !job_ended(record.value().state)) {  // died without a status request seeing it
      (void)settle_if_dead(std::move(record.value()));
      written = now;
    }
    ended.push_back({entry.path(), written});
  }
  std::sort(ended.begin(), ended.end(), [](const Ended& a, const Ended& b) { return a.written < b.written; });
  std::size_t kept = ended.size();
  for (const auto& e : ended) {
    const bool too_old = now - e.written > job_keep_time;
    const bool too_many = kept + static_cast<std::size_t>(live) + 1 > job_keep_count;
    if (!too_old && !too_many) break;  // oldest first: the rest is younger and fits
    if (fs::remove(e.path, ec)) --kept;
  }

  if (live >= max_jobs) {
    return Failure{ErrorCode::busy_jobs,
                   std::to_string(live) + " background jobs are running (max_jobs " + std::to_string(max_jobs) +
                       "): try again once one has ended",
                   "job"};
  }
  auto id = new_job_id();
  if (!id) return id.failure();
  JobRecord record;
  record.id = std::move(id.value());
  record.state = JobState::queued;
  record.action = action;
  record.created = SystemClock::now();
  record.outcome.action = action;
  if (auto failed = write(record)) return *failed;
  return record;
}

}  // namespace eecall
