#include "eecall/guard/recent_actions.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace eecall {

namespace {

constexpr UnixMillis minute_ms = 60'000;
// Another process may have taken its clock reading just before ours: a little "future" is fine.
constexpr UnixMillis clock_slack_ms = 2'000;

Failure unusable(std::string why) { return {ErrorCode::invalid_parameter, std::move(why), "state"}; }

void keep_newest_requests(KeyHistory& h) {
  while (h.requests.size() > max_requests_per_key) {
    h.requests.erase(std::min_element(h.requests.begin(), h.requests.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; }));
  }
}

// Drops what no decision can need any more: actions older than a minute, requests older than
// `window_ms`, anything dated after `now` (the clock was set back), and then the oldest beyond
// the bounds.
void prune(KeyHistory& h, UnixMillis now, UnixMillis window_ms) {
  const auto stale = [&](UnixMillis t, UnixMillis span) { return t <= now - span || t > now + clock_slack_ms; };
  std::erase_if(h.actions, [&](UnixMillis t) { return stale(t, minute_ms); });
  if (h.actions.size() > static_cast<std::size_t>(max_max_actions_per_minute)) {
    h.actions.erase(h.actions.begin(),
                    h.actions.end() - static_cast<std::ptrdiff_t>(max_max_actions_per_minute));
  }
  std::erase_if(h.requests, [&](const auto& entry) { return stale(entry.second, window_ms); });
  keep_newest_requests(h);
  if (stale(h.warned, minute_ms)) h.warned = 0;
}

UnixMillis last_activity(const KeyHistory& h) {
  UnixMillis last = h.warned;
  if (!h.actions.empty()) last = std::max(last, h.actions.back());
  for (const auto& [digest, t] : h.requests) last = std::max(last, t);
  return last;
}

void prune_all(RecentActions& state, const std::string& current, UnixMillis window_ms, UnixMillis now) {
  // Other keys may have a longer repeat_window than this request's: keep their requests for the
  // longest one allowed.
  constexpr UnixMillis longest_window_ms = UnixMillis{max_repeat_window_seconds} * 1000;
  for (auto it = state.keys.begin(); it != state.keys.end();) {
    prune(it->second, now, it->first == current ? window_ms : longest_window_ms);
    const bool empty = it->second.actions.empty() && it->second.requests.empty() && it->second.warned == 0;
    it = empty && it->first != current ? state.keys.erase(it) : std::next(it);
  }
  while (state.keys.size() > max_history_keys) {
    auto oldest = state.keys.end();
    for (auto it = state.keys.begin(); it != state.keys.end(); ++it) {
      if (it->first == current) continue;
      if (oldest == state.keys.end() || last_activity(it->second) < last_activity(oldest->second)) oldest = it;
    }
    if (oldest == state.keys.end()) break;
    state.keys.erase(oldest);
  }
}

}  // namespace

Result<RecentActions> parse_recent_actions(std::string_view json) {
  RecentActions state;
  if (json.empty()) return state;
  if (json.size() > max_state_bytes) return unusable("larger than " + std::to_string(max_state_bytes) + " bytes");
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return unusable("not JSON");
  const auto is_time = [](const nlohmann::json& v) { return v.is_number_integer(); };
  const auto version = doc.is_object() ? doc.find("version") : doc.end();
  const auto keys = doc.is_object() ? doc.find("keys") : doc.end();
  if (version == doc.end() || !is_time(*version) || version->get<int>() != 1 || keys == doc.end() ||
      !keys->is_object()) {
    return unusable("not an eecall state file of version 1");
  }
  for (const auto& [key, entry] : keys->items()) {
    if (!entry.is_object()) return unusable("entry '" + key + "' is not an object");
    KeyHistory h;
    if (const auto actions = entry.find("actions"); actions != entry.end()) {
      if (!actions->is_array() || !std::all_of(actions->begin(), actions->end(), is_time)) {
        return unusable("actions of '" + key + "' are not a list of times");
      }
      for (const auto& t : *actions) h.actions.push_back(t.get<UnixMillis>());
      std::sort(h.actions.begin(), h.actions.end());
    }
    if (const auto requests = entry.find("requests"); requests != entry.end()) {
      if (!requests->is_object()) return unusable("requests of '" + key + "' are not an object");
      for (const auto& [digest, t] : requests->items()) {
        if (!is_time(t)) return unusable("a request time of '" + key + "' is not a number");
        h.requests.emplace(digest, t.get<UnixMillis>());
      }
    }
    if (const auto warned = entry.find("warned"); warned != entry.end()) {
      if (!is_time(*warned)) return unusable("warned of '" + key + "' is not a time");
      h.warned = warned->get<UnixMillis>();
    }
    state.keys.emplace(key, std::move(h));
  }
  return state;
}

std::string to_json(const RecentActions& state) {
  nlohmann::ordered_json keys = nlohmann::ordered_json::object();
  for (const auto& [key, h] : state.keys) {
    nlohmann::ordered_json entry;
    entry["actions"] = h.actions;
    entry["requests"] = nlohmann::ordered_json::object();
    for (const auto& [digest, t] : h.requests) entry["requests"][digest] = t;
    if (h.warned != 0) entry["warned"] = h.warned;
    keys[key] = std::move(entry);
  }
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["keys"] = std::move(keys);
  // Replace, not throw, on invalid UTF-8 in a key: the file must always be written.
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Admission admit(RecentActions& state, const std::string& key, const std::string& digest,
                const FloodLimits& limits, UnixMillis now) {
  const UnixMillis window_ms = UnixMillis{limits.repeat_window.count()} * 1000;
  prune_all(state, key, window_ms, now);
  auto& h = state.keys[key];
  Admission admission;
  if (window_ms > 0) {
    if (const auto seen = h.requests.find(digest); seen != h.requests.end()) {
      admission.verdict = Admission::Verdict::duplicate;
      admission.first_made = seen->second;
      return admission;
    }
  }
  const auto limit = static_cast<std::size_t>(std::max(0, limits.max_actions_per_minute));
  if (limit > 0 && h.actions.size() >= limit) {
    admission.verdict = Admission::Verdict::limited;
    // One more is accepted once enough of the last minute's actions have aged out of it.
    admission.retry_at = h.actions[h.actions.size() - limit] + minute_ms;
    if (h.warned == 0) {
      admission.warn = true;
      h.warned = now;
    }
    return admission;
  }
  h.actions.insert(std::upper_bound(h.actions.begin(), h.actions.end(), now), now);
  if (window_ms > 0) {
    h.requests[digest] = now;
    keep_newest_requests(h);
  }
  return admission;
}

void forget_request(RecentActions& state, const std::string& key, const std::string& digest,
                    std::optional<UnixMillis> acted_at) {
  const auto it = state.keys.find(key);
  if (it == state.keys.end()) return;
  it->second.requests.erase(digest);
  if (acted_at) {
    auto& actions = it->second.actions;
    if (const auto at = std::find(actions.begin(), actions.end(), *acted_at); at != actions.end()) actions.erase(at);
  }
}

}  // namespace eecall
