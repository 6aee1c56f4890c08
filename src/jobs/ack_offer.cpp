#include "eecall/jobs/ack_offer.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace eecall {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr mode_t shared_dir_mode = 02770;  // setgid: what is created inside keeps Asterisk's group
constexpr std::size_t max_file = 16 * 1024;

Failure offer_failure(const std::string& what, int error) {
  return {ErrorCode::internal_error, what + ": " + std::strerror(error), "ack offer"};
}

// A phone number as Asterisk gives it in agi_callerid: what an ack may hold.
bool is_caller_number(std::string_view caller) {
  return !caller.empty() && caller.size() <= 32 &&
         std::all_of(caller.begin(), caller.end(), [](char c) { return (c >= '0' && c <= '9') || c == '+'; });
}

// Creates `dir` with mode 02770 unless it exists; `group_of`: a directory whose group it takes.
Status make_shared_dir(const std::string& dir, const std::string& group_of) {
  if (::mkdir(dir.c_str(), 0770) != 0) {
    const int error = errno;
    if (error == EEXIST) return std::nullopt;
    return offer_failure("cannot create " + dir, error);
  }
  struct stat group {};
  // A group the job's user is not in cannot be given: the directory then keeps the job's group.
  if (!group_of.empty() && ::stat(group_of.c_str(), &group) == 0) (void)::chown(dir.c_str(), static_cast<uid_t>(-1), group.st_gid);
  if (::chmod(dir.c_str(), shared_dir_mode) != 0) return offer_failure("cannot set the mode of " + dir, errno);
  return std::nullopt;
}

// Writes `content` to dir/name through a temporary name, so a reader sees all of it or nothing.
Status write_atomically(const std::string& dir, const std::string& name, const std::string& content, mode_t mode) {
  const auto temp = dir + "/." + name + "." + std::to_string(::getpid()) + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return offer_failure("cannot create " + temp, errno);
  const UniqueFd file(fd);
  const bool written = ::fchmod(fd, mode) == 0 &&
                       ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (!written || ::rename(temp.c_str(), (dir + "/" + name).c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return offer_failure("cannot write " + dir + "/" + name, error);
  }
  return std::nullopt;
}

std::optional<std::string> read_small(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string content(max_file, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  return content;
}

std::string offer_dir(const std::string& state_dir, const std::string& job_id) {
  return alerts_dir(state_dir) + "/" + job_id;
}

long long to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::optional<OfferedAlert> read_offer(const std::string& dir, const std::string& job_id) {
  const auto content = read_small(dir + "/alert.json");
  if (!content) return std::nullopt;
  const auto j = json::parse(*content, nullptr, false);
  if (!j.is_object() || j.value("job", "") != job_id) return std::nullopt;
  try {
    OfferedAlert alert;
    alert.job_id = job_id;
    alert.text = j.value("text", "");
    alert.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(j.value("started", 0LL)));
    alert.process.pid = j.value("pid", 0);
    alert.process.start_time = j.value("pid_start", 0ULL);
    return alert;
  } catch (const json::exception&) {
    return std::nullopt;  // a value of the wrong type: not an offer
  }
}

}  // namespace

std::string alerts_dir(const std::string& state_dir) { return state_dir + "/alerts"; }

AckOffer::AckOffer(std::string dir, UniqueFd inotify, UniqueFd epoll) noexcept
    : dir_(std::move(dir)), inotify_(std::move(inotify)), epoll_(std::move(epoll)) {}

AckOffer::AckOffer(AckOffer&& other) noexcept
    : dir_(std::exchange(other.dir_, {})), inotify_(std::move(other.inotify_)), epoll_(std::move(other.epoll_)) {}

AckOffer::~AckOffer() {
  if (dir_.empty()) return;
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

Result<AckOffer> AckOffer::publish(const std::string& state_dir, const std::string& group_dir,
                                   const OfferedAlert& alert) {
  if (!is_job_id(alert.job_id)) return Failure{ErrorCode::internal_error, "not a job id", "ack offer"};
  if (auto failed = make_shared_dir(alerts_dir(state_dir), group_dir)) return *failed;
  const auto dir = offer_dir(state_dir, alert.job_id);
  if (::mkdir(dir.c_str(), 0770) != 0) return offer_failure("cannot create " + dir, errno);
  AckOffer offer(dir, UniqueFd(), UniqueFd());  // from here on, the directory goes with `offer`
  if (::chmod(dir.c_str(), shared_dir_mode) != 0) return offer_failure("cannot set the mode of " + dir, errno);
  const json j = {{"job", alert.job_id},           {"text", alert.text},
                  {"started", to_ms(alert.started)}, {"pid", alert.process.pid},
                  {"pid_start", alert.process.start_time}};
  if (auto failed = write_atomically(dir, "alert.json", j.dump(), 0640)) return *failed;
  // Watched after alert.json is in place: only a later rename (the ack) wakes the job.
  offer.inotify_ = UniqueFd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!offer.inotify_.valid()) return offer_failure("inotify_init1", errno);
  if (::inotify_add_watch(offer.inotify_.get(), dir.c_str(), IN_MOVED_TO) < 0) {
    return offer_failure("cannot watch " + dir, errno);
  }
  offer.epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
  if (!offer.epoll_.valid()) return offer_failure("epoll_create1", errno);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = offer.inotify_.get();
  if (::epoll_ctl(offer.epoll_.get(), EPOLL_CTL_ADD, offer.inotify_.get(), &event) != 0) {
    return offer_failure("epoll_ctl", errno);
  }
  return offer;
}

Status AckOffer::watch(int cancel_pipe) {
  if (cancel_pipe < 0) return std::nullopt;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = cancel_pipe;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, cancel_pipe, &event) != 0) return offer_failure("epoll_ctl", errno);
  return std::nullopt;
}

std::optional<std::string> AckOffer::acknowledged_by() const {
  auto content = read_small(dir_ + "/ack");
  if (!content) return std::nullopt;
  while (!content->empty() && (content->back() == '\n' || content->back() == ' ')) content->pop_back();
  if (!is_caller_number(*content)) return std::nullopt;
  return content;
}

std::vector<OfferedAlert> running_alerts(const std::string& state_dir) {
  std::vector<OfferedAlert> alerts;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(alerts_dir(state_dir), error)) {
    const auto name = entry.path().filename().string();
    if (!is_job_id(name)) continue;
    auto alert = read_offer(entry.path().string(), name);
    if (!alert) continue;  // being written, or not an offer
    if (!is_running(alert->process)) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);  // its job was killed before it could remove it
      continue;
    }
    alerts.push_back(std::move(*alert));
  }
  std::sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) { return a.started < b.started; });
  return alerts;
}

Status write_ack(const std::string& state_dir, const std::string& job_id, const std::string& caller) {
  if (!is_caller_number(caller)) {
    return Failure{ErrorCode::invalid_parameter, "the caller's number is not a phone number", "caller"};
  }
  if (!is_job_id(job_id)) return Failure{ErrorCode::invalid_parameter, "not a job id", "job"};
  return write_atomically(offer_dir(state_dir, job_id), "ack", caller + "\n", 0660);
}

bool wait_offer_gone(const std::string& state_dir, const std::string& job_id, std::chrono::milliseconds budget) {
  const auto dir = offer_dir(state_dir, job_id);
  const auto deadline = std::chrono::steady_clock::now() + budget;
  std::error_code error;
  while (fs::exists(dir, error) || error) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace eecall
