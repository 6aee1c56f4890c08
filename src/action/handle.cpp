#include "eecall/action/handle.hpp"

#include <algorithm>

#include "eecall/guard/flood_guard.hpp"
#include "eecall/action/log.hpp"
#include "eecall/speech/speech.hpp"

namespace eecall {

Executor network_executor() {
  return [](const Request& request, const ami::ClientSettings& settings) {
    return ami::Client(settings).run(request);
  };
}

namespace {

// An alert's prompt: a recording is named as it is; a text to say becomes an audio file first
// (from the cache, or synthesized now), whose path Read/Playback get.
Status prepare_prompt(Prepared& prepared) {
  const auto& request = *prepared.request;
  const auto& settings = prepared.settings;
  const auto& alert = request.alert;
  if (request.action != ActionKind::alert || alert.kind == PromptKind::play) return std::nullopt;
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
  prepared.spoken = std::move(prompt.value());
  return std::nullopt;
}

// The anti-flood's answer instead of acting: a duplicate is a success (result 1, nothing done);
// rate_limited a refusal with its Retry-After.
void answer_held(Outcome& outcome, const Held& held) {
  outcome.message = held.message;
  if (held.why == Held::Why::duplicate) {
    outcome.duplicate = true;
    return;
  }
  outcome.error = ErrorCode::rate_limited;
  outcome.subject = "rate_limit";
  outcome.retry_after = held.retry_after;
}

}  // namespace

Request Prepared::to_run() const {
  Request run = *request;
  if (spoken) {
    run.alert.prompt = spoken->path;
    run.alert.prompt_duration = spoken->duration;
  }
  return run;
}

Prepared prepare(const Incoming& incoming, const Config& config, const SettingValues& environment) {
  Prepared prepared;
  prepared.start = std::chrono::steady_clock::now();
  auto& outcome = prepared.answer_instead;
  outcome.action = action_of(incoming.params);
  auto refuse = [&](const Failure& f) { set_failure(outcome, f); };

  auto resolved = resolve(incoming, config, environment);
  if (!resolved) {
    refuse(resolved.failure());
    return prepared;
  }
  prepared.settings = resolved.value().settings;
  prepared.profile = resolved.value().profile;
  auto parsed = parse_request(resolved.value().params, incoming.limits);
  if (!parsed) {
    refuse(parsed.failure());
    return prepared;
  }
  prepared.request = std::move(parsed.value());
  auto& request = *prepared.request;
  const auto& settings = prepared.settings;
  const bool url_pbx = resolved.value().profile.empty();
  if (auto host_denied = url_pbx ? check_host_allowed(request, settings.policy) : std::nullopt) {
    refuse(*host_denied);  // before any DNS query or connection
    return prepared;
  }
  if (auto denied = check_allowed(request, settings.policy)) {
    refuse(*denied);
    return prepared;
  }
  // Counted as an action from here on (before synthesis: a flood must not cost audio either).
  auto& flood = prepared.flood.emplace(settings.flood, resolved.value().profile, request);
  if (auto held = flood.admit()) {
    answer_held(outcome, *held);
    prepared.flood.reset();
  } else if (auto failed = prepare_prompt(prepared)) {
    refuse(*failed);
  }
  return prepared;
}

Outcome execute(Prepared& prepared, const Executor& executor) {
  const bool runs = prepared.runnable();
  Outcome outcome = runs ? executor(prepared.to_run(), prepared.settings.client) : prepared.answer_instead;
  if (prepared.flood) prepared.flood->settle(outcome.ok(), runs);
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - prepared.start);
  log::request_done(prepared.request ? &*prepared.request : nullptr, outcome);
  return outcome;
}

Outcome refused(const Failure& failure, std::chrono::steady_clock::time_point start) {
  Outcome outcome = failed_outcome(failure);
  outcome.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  log::request_done(nullptr, outcome);
  return outcome;
}

Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor) {
  auto prepared = prepare(incoming, config, environment);
  return execute(prepared, executor);
}

}  // namespace eecall
