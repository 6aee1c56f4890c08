// The anti-flood of one request, decided after validation and policy and before anything
// reaches the PBX or is synthesized: the very same request again within repeat_window is
// answered as a duplicate (200, result 1, nothing sent), and beyond max_actions_per_minute a
// profile (or a PBX named in the URL) is answered 429 rate_limited. Their memory is
// state_dir/recent-actions.json (recent_actions.hpp), shared by every eecall process under
// flock(2) (state_file.hpp).
//
// When that file cannot be used at all (state_dir missing or not writable, the lock not granted
// in time), the request acts without these limits and a warning says why: eecall is an alarm
// dialer, and a file-system mistake must not silence the alarms. The limits guard against a
// runaway rule; who may ask at all is the token's, allow_*'s and the web server's business.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/guard/recent_actions.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {

inline constexpr const char* state_file_name = "recent-actions.json";
/// How long a request waits for another process's hold on the state file.
inline constexpr std::chrono::milliseconds state_lock_patience{3000};

/// `profile home`, or for URL credentials `host pbx.lan:5038` / `host [::1]:5038` (a name in
/// lower case): what max_actions_per_minute counts per.
std::string flood_key(std::string_view profile, const Request& request);

/// SHA-256 of the key, the action, from, to and the text (msg, say or play), hex, first 128
/// bits: what repeat_window compares. The text itself is never stored.
std::string request_digest(std::string_view key, const Request& request);

/// What the anti-flood answers instead of acting: the very same request within repeat_window
/// (a duplicate: answered as a success, nothing done), or max_actions_per_minute reached.
struct Held {
  enum class Why { duplicate, rate_limited };
  Why why = Why::duplicate;
  std::string message;
  std::chrono::seconds retry_after{0};  // rate_limited: when the next action will be accepted
};

class FloodGuard {
 public:
  /// `profile`: the profile the request uses; empty for URL credentials.
  FloodGuard(FloodLimits limits, std::string_view profile, const Request& request);

  /// What to answer instead of acting (a duplicate, or rate_limited), or nullopt: act (the
  /// action is then counted, and its digest kept when repeat_window is on).
  std::optional<Held> admit();

  /// After the request: one that failed is forgotten by repeat_window, so its retry acts; one
  /// that never ran (`ran` false: refused after admit(), e.g. busy_jobs, speech_failed) is not
  /// counted by max_actions_per_minute either, as it reached no PBX.
  void settle(bool succeeded, bool ran);

 private:
  FloodLimits limits_;
  std::string key_;
  std::string digest_;
  ActionKind action_;
  bool digest_kept_ = false;
  std::optional<UnixMillis> acted_at_;  // the action time admit() recorded
};

}  // namespace eecall
