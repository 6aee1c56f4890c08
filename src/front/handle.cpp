#include "eecall/front/handle.hpp"

#include <algorithm>

#include "eecall/log.hpp"

namespace eecall::front {

Executor network_executor() {
  return [](const Request& request, const ami::ClientSettings& settings) {
    return ami::Client(settings).run(request);
  };
}

Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor) {
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome;
  const bool has_msg = std::any_of(incoming.params.begin(), incoming.params.end(),
                                   [](const auto& p) { return p.first == "msg" && !p.second.empty(); });
  outcome.action = has_msg ? ActionKind::message : ActionKind::call;
  auto refuse = [&](const Failure& f) {
    outcome.error = f.code;
    outcome.message = f.message;
    outcome.subject = f.subject;
  };

  std::optional<Request> request;
  auto resolved = resolve(incoming, config, environment);
  if (!resolved) {
    refuse(resolved.failure());
  } else if (auto parsed = parse_request(resolved.value().params); !parsed) {
    refuse(parsed.failure());
  } else if (auto denied = check_allowed(parsed.value(), resolved.value().settings.policy)) {
    request = parsed.value();
    refuse(*denied);
  } else {
    request = std::move(parsed.value());
    outcome = executor(*request, resolved.value().settings.client);
  }
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  log::request_done(request ? &*request : nullptr, outcome);
  return outcome;
}

}  // namespace eecall::front
