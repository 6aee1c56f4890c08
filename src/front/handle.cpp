#include "eecall/front/handle.hpp"

#include <algorithm>

#include "eecall/log.hpp"
#include "eecall/speech/speech.hpp"

namespace eecall::front {

Executor network_executor() {
  return [](const Request& request, const ami::ClientSettings& settings) {
    return ami::Client(settings).run(request);
  };
}

namespace {

// An alert's prompt: a recording is named as it is; a text to say becomes an audio file first
// (from the cache, or synthesized now), whose path Read/Playback get.
Result<bool> prepare_prompt(Request& request, const EffectiveSettings& settings) {
  auto& alert = request.alert;
  if (request.action != ActionKind::alert || alert.kind == PromptKind::play) return true;
  const bool asked = !alert.voice.empty();
  auto prompt = speech::prepare(alert.text, asked ? alert.voice : settings.voice, settings.speech);
  if (!prompt) {
    auto failure = prompt.failure();
    if (!asked && failure.subject == "lang") {  // the admin's default voice, not the request's
      failure = {ErrorCode::config_error, "the configured voice '" + settings.voice + "': " + failure.message,
                 "voice"};
    }
    return failure;
  }
  alert.prompt = std::move(prompt.value().path);
  alert.prompt_duration = prompt.value().duration;
  return true;
}

}  // namespace

Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor) {
  const auto start = std::chrono::steady_clock::now();
  Outcome outcome;
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

  std::optional<Request> request;
  auto resolved = resolve(incoming, config, environment);
  if (!resolved) {
    refuse(resolved.failure());
  } else if (auto parsed = parse_request(resolved.value().params, incoming.limits); !parsed) {
    refuse(parsed.failure());
  } else if (auto denied = check_allowed(parsed.value(), resolved.value().settings.policy)) {
    request = parsed.value();
    refuse(*denied);
  } else if (auto prepared = prepare_prompt(parsed.value(), resolved.value().settings); !prepared.ok()) {
    request = parsed.value();
    refuse(prepared.failure());
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
