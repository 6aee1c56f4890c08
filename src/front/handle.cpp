#include "eecall/front/handle.hpp"

#include <algorithm>

#include "eecall/log.hpp"

namespace eecall::front {

Executor network_executor() {
  return [](const Request& request, const ami::ClientSettings& settings) {
    return ami::Client(settings).run(request);
  };
}

Outcome handle(const Params& params, const ami::ClientSettings& settings,
               const Executor& executor) {
  const auto start = std::chrono::steady_clock::now();
  auto request = parse_request(params);
  Outcome outcome;
  if (!request) {
    const bool has_msg = std::any_of(params.begin(), params.end(), [](const auto& p) {
      return p.first == "msg" && !p.second.empty();
    });
    outcome.action = has_msg ? ActionKind::message : ActionKind::call;
    outcome.error = request.failure().code;
    outcome.message = request.failure().message;
    outcome.subject = request.failure().subject;
  } else {
    outcome = executor(request.value(), settings);
  }
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  log::request_done(request ? &request.value() : nullptr, outcome);
  return outcome;
}

}  // namespace eecall::front
