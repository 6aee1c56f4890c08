// The per-caller count of wrong PINs, kept across calls in state_dir (callin-lockout.json, a
// LockedFile like the anti-flood's memory): a caller who gave `tries` wrong PINs in a row, in
// one call or several, is refused until `duration` has passed since the last one. A right PIN
// clears the count. So a brute force costs `tries` guesses per `duration`, whatever the calls.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall::callin {

class Lockout {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  Lockout(std::string state_dir, int tries, std::chrono::minutes duration,
          Clock now = [] { return std::chrono::system_clock::now(); });

  /// True while `caller` is locked out. Failure: internal_error (the state file is unusable:
  /// the caller is then treated as locked out by the menu, never let through).
  Result<bool> locked(std::string_view caller) const;
  /// One more wrong PIN; true when the caller is now locked out.
  Result<bool> wrong_pin(std::string_view caller) const;
  /// A right PIN: the count is cleared.
  Status right_pin(std::string_view caller) const;

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  int tries_;
  std::chrono::minutes duration_;
  Clock now_;
};

}  // namespace eecall::callin
