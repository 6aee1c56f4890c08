#include "eecall/guard/flood_guard.hpp"

#include <spdlog/spdlog.h>

#include "eecall/admin/host_list.hpp"
#include "eecall/guard/recent_actions.hpp"
#include "eecall/util/state_file.hpp"
#include "eecall/util/text.hpp"

namespace eecall {

namespace {

UnixMillis unix_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string state_path(const FloodLimits& limits) {
  std::string path = limits.state_dir;
  if (path.empty() || path.back() != '/') path += '/';
  return path + state_file_name;
}

// The state file, opened and locked, or nullopt (and the warning) when it cannot be used.
std::optional<LockedFile> open_state(const std::string& path) {
  auto file = LockedFile::open(path, state_lock_patience);
  if (!file) {
    spdlog::warn("{}: max_actions_per_minute and repeat_window are not applied to this request "
                 "(state_dir must exist and be writable by the web server's user)",
                 file.failure().message);
    return std::nullopt;
  }
  switch (file.value().how()) {
    case LockedFile::Opened::created: spdlog::info("created the state file {}", path); break;
    case LockedFile::Opened::replaced:
      spdlog::warn("the state file {} could not be opened ({}): replaced by a new one", path,
                   file.value().replaced_because());
      break;
    case LockedFile::Opened::existing: break;
  }
  return std::move(file).value();
}

RecentActions load(const LockedFile& file, const std::string& path) {
  auto text = file.read(max_state_bytes);
  auto state = text ? parse_recent_actions(text.value()) : Result<RecentActions>(text.failure());
  if (state) return std::move(state).value();
  spdlog::warn("the state file {} was unusable ({}): starting afresh", path, state.failure().message);
  return {};
}

void save(const LockedFile& file, const std::string& path, const RecentActions& state) {
  if (auto error = file.write(to_json(state))) spdlog::warn("cannot write the state file {}: {}", path, *error);
}

// Whole seconds, rounded up: "try again in 1 s" must not come 0.4 s too early.
UnixMillis ceil_seconds(UnixMillis ms) { return (std::max<UnixMillis>(ms, 0) + 999) / 1000; }

}  // namespace

std::string flood_key(std::string_view profile, const Request& request) {
  if (!profile.empty()) return "profile " + std::string(profile);
  std::string host = host_name_key(request.host);  // pbx.lan. is pbx.lan, as allow_hosts has it
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "host " + host + ":" + std::to_string(request.port);
}

std::string request_digest(std::string_view key, const Request& request) {
  const std::string_view text = request.action == ActionKind::message ? std::string_view(request.message)
                                : request.action != ActionKind::alert ? std::string_view()
                                : request.alert.kind == PromptKind::say ? std::string_view(request.alert.text)
                                                                        : std::string_view(request.alert.prompt);
  // Each field with its length, so that no two different requests make the same input.
  std::string input;
  for (const std::string_view field : {key, action_name(request.action), std::string_view(request.from),
                                       std::string_view(request.to), text}) {
    input += std::to_string(field.size());
    input += ':';
    input += field;
  }
  if (request.action == ActionKind::alert) input += request.alert.kind == PromptKind::say ? "say" : "play";
  return text::sha256_hex(input).substr(0, 32);
}

FloodGuard::FloodGuard(FloodLimits limits, std::string_view profile, const Request& request)
    : limits_(std::move(limits)),
      key_(flood_key(profile, request)),
      digest_(request_digest(key_, request)),
      action_(request.action) {}

std::optional<Held> FloodGuard::admit() {
  if (limits_.off()) return std::nullopt;
  const auto path = state_path(limits_);
  auto file = open_state(path);
  if (!file) return std::nullopt;
  auto state = load(*file, path);
  const auto now = unix_now();  // under the lock: every process's "now" comes in lock order
  const auto admission = ::eecall::admit(state, key_, digest_, limits_, now);
  Held held;
  switch (admission.verdict) {
    case Admission::Verdict::act:
      save(*file, path, state);
      digest_kept_ = limits_.repeat_window.count() > 0;
      acted_at_ = now;
      return std::nullopt;
    case Admission::Verdict::duplicate:
      held.why = Held::Why::duplicate;
      held.message = "the same " + std::string(action_name(action_)) + " was made " +
                       std::to_string((now - admission.first_made) / 1000) +
                       " s ago: not repeated (repeat_window)";
      return held;
    case Admission::Verdict::limited: {
      save(*file, path, state);
      const auto retry = std::max<UnixMillis>(1, ceil_seconds(admission.retry_at - now));
      if (admission.warn) {
        spdlog::warn("{} reached max_actions_per_minute ({}): its requests are refused (429) until the "
                     "last minute's actions age out",
                     key_, limits_.max_actions_per_minute);
      }
      held.why = Held::Why::rate_limited;
      held.message = "already " + std::to_string(limits_.max_actions_per_minute) +
                       " actions in the last minute for " + key_ +
                       " (max_actions_per_minute): nothing was sent; try again in " +
                       std::to_string(retry) + " s";
      held.retry_after = std::chrono::seconds(retry);
      return held;
    }
  }
  return std::nullopt;
}

void FloodGuard::settle(bool succeeded, bool ran) {
  const bool forget_digest = digest_kept_ && !succeeded;
  const auto forget_action = ran ? std::nullopt : acted_at_;
  digest_kept_ = false;
  acted_at_.reset();
  if (!forget_digest && !forget_action) return;
  const auto path = state_path(limits_);
  auto file = open_state(path);
  if (!file) return;
  auto state = load(*file, path);
  forget_request(state, key_, forget_digest ? digest_ : std::string(), forget_action);
  save(*file, path, state);
}

}  // namespace eecall
