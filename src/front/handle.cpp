#include "eecall/front/handle.hpp"

#include <algorithm>

#include "eecall/log.hpp"

namespace eecall::front {

Executor network_executor() {
  return [](const Request& request, const ami::ClientSettings& settings) {
    return ami::Client(settings).run(request);
  };
}

namespace {

// An alert's prompt: a recording is named as it is; a text to say becomes an audio file first.
Result<bool> prepare_prompt(Request& request) {
  if (request.action != ActionKind::alert || request.alert.kind == PromptKind::play) return true;
  return Failure{ErrorCode::internal_error, "say is not available in this build yet", "say"};
}

}  // namespace

Prepared prepare(const Incoming& incoming, const Config& config, const SettingValues& environment) {
  Prepared prepared;
  prepared.start = std::chrono::steady_clock::now();
  auto& outcome = prepared.refusal;
  const auto given = [&](std::string_view name) {
    return std::any_of(incoming.params.begin(), incoming.params.end(),
                       [&](const auto& p) { return p.first == name && !p.second.empty(); });
  };
  outcome.action = given("msg")                     ? ActionKind::message
                   : given("say") || given("play") ? ActionKind::alert
                                                   : ActionKind::call;
  auto refuse = [&](const Failure& f) {
    outcome.error = f.code;
    outcome.message = f.message;
    outcome.subject = f.subject;
  };

  auto resolved = resolve(incoming, config, environment);
  if (!resolved) {
    refuse(resolved.failure());
    return prepared;
  }
  prepared.settings = resolved.value().settings;
  auto parsed = parse_request(resolved.value().params, incoming.limits);
  if (!parsed) {
    refuse(parsed.failure());
    return prepared;
  }
  prepared.request = std::move(parsed.value());
  if (auto denied = check_allowed(*prepared.request, prepared.settings.policy)) {
    refuse(*denied);
  } else if (auto prompt = prepare_prompt(*prepared.request); !prompt.ok()) {
    refuse(prompt.failure());
  }
  return prepared;
}

Outcome execute(const Prepared& prepared, const Executor& executor) {
  Outcome outcome =
      prepared.runnable() ? executor(*prepared.request, prepared.settings.client) : prepared.refusal;
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - prepared.start);
  log::request_done(prepared.request ? &*prepared.request : nullptr, outcome);
  return outcome;
}

Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor) {
  return execute(prepare(incoming, config, environment), executor);
}

}  // namespace eecall::front
