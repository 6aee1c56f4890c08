#include "eecall/util/state_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace eecall {

namespace {

using Clock = std::chrono::steady_clock;

Failure failed(std::string message) { return {ErrorCode::internal_error, std::move(message), "state"}; }

std::string error_text(int error) { return std::strerror(error); }

// The same file as the path names now? Another process may have replaced it between our open
// and our lock; then the lock we hold guards nothing.
bool still_named_by(int fd, const std::string& path) {
  struct stat held {};
  struct stat named {};
  return ::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}

// A new empty file renamed over `path`: the only way past a file we may not open, and atomic
// for everyone else (they see the old file or the new one).
std::optional<std::string> replace_with_empty(const std::string& path) {
  std::string temp = path + ".XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return error_text(errno);
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return error_text(error);
  }
  return std::nullopt;
}

}  // namespace

// flock(LOCK_EX) with a deadline: a process that holds the lock for ever (stopped in a
// debugger, say) must not hold every request with it.
bool lock_within(int fd, std::chrono::milliseconds patience) {
  const auto deadline = Clock::now() + patience;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK || Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10'000));
  }
}

LockedFile::LockedFile(UniqueFd fd, Opened how, std::string replaced_because)
    : fd_(std::move(fd)), how_(how), replaced_because_(std::move(replaced_because)) {}

Result<LockedFile> LockedFile::open(const std::string& path, std::chrono::milliseconds patience) {
  Opened how = Opened::existing;
  std::string replaced_because;
  // A few rounds: each one lost to another process (which created, replaced or renamed the file
  // under us) ends in a fresh open.
  for (int round = 0; round < 8; ++round) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
    if (!fd.valid() && errno == ENOENT) {
      fd = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0660));
      if (!fd.valid() && errno == EEXIST) continue;  // another process created it first
      if (fd.valid() && how == Opened::existing) how = Opened::created;
    }
    if (!fd.valid()) {
      const int error = errno;
      // Not ours to open (another user's, a symlink): replace it, once.
      const bool replaceable = error == EACCES || error == EPERM || error == ELOOP;
      if (!replaceable || how == Opened::replaced) return failed("cannot open " + path + ": " + error_text(error));
      if (auto why = replace_with_empty(path)) {
        return failed("cannot open " + path + " (" + error_text(error) + ") nor replace it (" + *why + ")");
      }
      how = Opened::replaced;
      replaced_because = error_text(error);
      continue;
    }
    if (!lock_within(fd.get(), patience)) {
      const int error = errno;
      return failed("cannot lock " + path + " within " + std::to_string(patience.count()) + " ms" +
                    (error == EWOULDBLOCK ? std::string() : ": " + error_text(error)));
    }
    if (still_named_by(fd.get(), path)) return LockedFile(std::move(fd), how, std::move(replaced_because));
  }
  return failed("cannot open " + path + ": it keeps being replaced");
}

Result<std::string> LockedFile::read(std::size_t max_bytes) const {
  std::string text;
  char chunk[4096];
  for (;;) {
    const auto n = ::pread(fd_.get(), chunk, sizeof chunk, static_cast<off_t>(text.size()));
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      return failed("cannot read: " + error_text(errno));
    }
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) return failed("larger than " + std::to_string(max_bytes) + " bytes");
  }
}

std::optional<std::string> LockedFile::write(std::string_view text) const {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::pwrite(fd_.get(), text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return error_text(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::ftruncate(fd_.get(), static_cast<off_t>(text.size())) != 0) return error_text(errno);
  return std::nullopt;
}

}  // namespace eecall
