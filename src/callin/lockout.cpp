#include "eecall/callin/lockout.hpp"

#include <nlohmann/json.hpp>

#include "eecall/util/state_file.hpp"

namespace eecall::callin {

namespace {

constexpr std::chrono::milliseconds lock_patience{2000};
constexpr std::size_t max_state_bytes = 256 * 1024;
constexpr std::size_t max_callers_kept = 1000;

using Json = nlohmann::json;

long long seconds_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Failure unusable(const std::string& path, const std::string& why) {
  return {ErrorCode::internal_error, "call-in lockout file " + path + ": " + why, "callin"};
}

// The file's callers, each {"failures": N, "last": SECONDS}; a damaged file or entry counts
// as absent (state_file.hpp).
Json read_state(const LockedFile& file) {
  auto text = file.read(max_state_bytes);
  if (!text || text.value().empty()) return Json::object();
  auto state = Json::parse(text.value(), nullptr, false);
  if (!state.is_object()) return Json::object();
  for (auto it = state.begin(); it != state.end();) {
    const bool usable = it->is_object() && it->contains("failures") && (*it)["failures"].is_number_integer() &&
                        it->contains("last") && (*it)["last"].is_number_integer();
    it = usable ? std::next(it) : state.erase(it);
  }
  return state;
}

int failures_of(const Json& state, const std::string& caller) {
  const auto entry = state.find(caller);
  return entry == state.end() ? 0 : (*entry)["failures"].get<int>();
}

// Drops the entries whose lockout is over, so that the file stays small.
void forget_expired(Json& state, long long now, long long duration) {
  for (auto it = state.begin(); it != state.end();) {
    const auto last = (*it)["last"].get<long long>();
    it = now - last > duration ? state.erase(it) : std::next(it);
  }
}

}  // namespace

Lockout::Lockout(std::string state_dir, int tries, std::chrono::minutes duration, Clock now)
    : path_(std::move(state_dir) + "/callin-lockout.json"), tries_(tries), duration_(duration),
      now_(std::move(now)) {}

Result<bool> Lockout::locked(std::string_view caller) const {
  auto file = LockedFile::open(path_, lock_patience);
  if (!file) return unusable(path_, file.failure().message);
  const auto state = read_state(file.value());
  const auto entry = state.find(std::string(caller));
  if (entry == state.end()) return false;
  const auto now = seconds_of(now_());
  const auto last = (*entry)["last"].get<long long>();
  const auto failures = (*entry)["failures"].get<int>();
  return failures >= tries_ && now - last <= std::chrono::seconds(duration_).count();
}

Result<bool> Lockout::wrong_pin(std::string_view caller) const {
  auto file = LockedFile::open(path_, lock_patience);
  if (!file) return unusable(path_, file.failure().message);
  auto state = read_state(file.value());
  const auto now = seconds_of(now_());
  forget_expired(state, now, std::chrono::seconds(duration_).count());
  if (state.size() >= max_callers_kept && !state.contains(std::string(caller))) state.erase(state.begin());
  const int failures = failures_of(state, std::string(caller)) + 1;
  state[std::string(caller)] = {{"failures", failures}, {"last", now}};
  if (auto error = file.value().write(state.dump())) return unusable(path_, *error);
  return failures >= tries_;
}

Status Lockout::right_pin(std::string_view caller) const {
  auto file = LockedFile::open(path_, lock_patience);
  if (!file) return unusable(path_, file.failure().message);
  auto state = read_state(file.value());
  if (state.erase(std::string(caller)) == 0) return std::nullopt;
  if (auto error = file.value().write(state.dump())) return unusable(path_, *error);
  return std::nullopt;
}

}  // namespace eecall::callin
