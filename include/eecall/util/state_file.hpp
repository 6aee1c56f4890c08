// One small file shared by concurrent eecall processes (a web server starts one per request):
// opened, created when missing, locked with flock(2) for as long as the object lives, read
// whole and rewritten in place under the lock. So no process ever sees another's half-written
// update; only a crash in the middle of a write can leave a damaged file, which its reader
// treats like a missing one.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"
#include "eecall/util/unique_fd.hpp"

namespace eecall {

class LockedFile {
 public:
  enum class Opened {
    existing,
    created,   // it was missing
    replaced,  // it could not be opened (e.g. another user's, mode 0600): a new one took its place
  };

  /// Opens `path` (never through a symlink) and waits at most `patience` for the lock. A file
  /// that cannot be opened is replaced by a new, empty one (rename(2) over it) when its
  /// directory allows. Failure (internal_error): the directory is missing or not writable, the
  /// lock was not granted in time, ...; the message says which.
  static Result<LockedFile> open(const std::string& path, std::chrono::milliseconds patience);

  // Closing the descriptor (when the LockedFile goes) releases the lock.
  LockedFile(LockedFile&&) noexcept = default;
  LockedFile& operator=(LockedFile&&) = delete;

  [[nodiscard]] Opened how() const noexcept { return how_; }
  /// Why the old file could not be opened (how() == replaced), e.g. "Permission denied".
  [[nodiscard]] const std::string& replaced_because() const noexcept { return replaced_because_; }

  /// The whole content; Failure when it is larger than `max_bytes` or cannot be read.
  Result<std::string> read(std::size_t max_bytes) const;
  /// Replaces the content. The error text when it could not be written.
  [[nodiscard]] std::optional<std::string> write(std::string_view text) const;

 private:
  LockedFile(UniqueFd fd, Opened how, std::string replaced_because);
  UniqueFd fd_;
  Opened how_ = Opened::existing;
  std::string replaced_because_;
};

/// flock(LOCK_EX) with a deadline: a process that holds the lock for ever (stopped in a
/// debugger, say) must not hold every request with it. False when `patience` ran out.
bool lock_within(int fd, std::chrono::milliseconds patience);

}  // namespace eecall
