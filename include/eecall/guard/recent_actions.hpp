// What the anti-flood remembers, as kept in state_dir/recent-actions.json: for each key
// (`profile home`, or `host 192.0.2.10:5038` for URL credentials) the times of its actions in
// the last minute, the digests of its recent requests (repeat_window), and when the last
// rate-limit warning was logged. Data and decisions only: no file, no clock (times are given).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/admin/settings.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

using UnixMillis = std::int64_t;  // milliseconds since 1970-01-01 UTC

struct KeyHistory {
  std::vector<UnixMillis> actions;               // ascending, the last minute's only
  std::map<std::string, UnixMillis> requests;    // request digest -> when it was acted on
  UnixMillis warned = 0;                         // the last "limit reached" log line
};

struct RecentActions {
  std::map<std::string, KeyHistory, std::less<>> keys;
};

/// Bounds of the file whatever the settings: beyond them the oldest entries are dropped, so the
/// file stays a few KiB (at most some 100 KiB with max_actions_per_minute at its maximum).
inline constexpr std::size_t max_history_keys = 64;
inline constexpr std::size_t max_requests_per_key = 64;
inline constexpr std::size_t max_state_bytes = 1024 * 1024;  // a larger file is not ours

/// Reads the file's text; "" is an empty memory. Failure (invalid_parameter) says what is wrong.
Result<RecentActions> parse_recent_actions(std::string_view json);

/// One line of JSON: {"version":1,"keys":{"profile home":{"actions":[...],"requests":{...},
/// "warned":...}}}.
std::string to_json(const RecentActions& state);

struct Admission {
  enum class Verdict { act, duplicate, limited };
  Verdict verdict = Verdict::act;
  UnixMillis first_made = 0;  // duplicate: when the same request was acted on
  UnixMillis retry_at = 0;    // limited: when one more action of this key will be accepted
  bool warn = false;          // limited: log the warning now (at most once a minute per key)
};

/// Decides for one request of `key` whose digest is `digest` at `now`: the same request within
/// repeat_window is a duplicate (it does not count); otherwise, with max_actions_per_minute
/// actions in the last minute already, it is limited; otherwise it acts and is recorded (its
/// time, and its digest when repeat_window is on). Forgets, for every key, what is too old to
/// matter or dated in the future (a clock set back), and keeps the bounds above.
Admission admit(RecentActions& state, const std::string& key, const std::string& digest,
                const FloodLimits& limits, UnixMillis now);

/// Takes back the digest of a request that failed, so that its retry is not a duplicate, and,
/// for one that never ran, the action time `acted_at` admit() recorded (one entry of that time).
void forget_request(RecentActions& state, const std::string& key, const std::string& digest,
                    std::optional<UnixMillis> acted_at = std::nullopt);

}  // namespace eecall
