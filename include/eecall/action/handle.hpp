// The one flow every front end shares: what arrived -> policy and profile -> Request ->
// AMI session -> Outcome. In two halves, so that a background job (jobs.hpp) validates in the
// request's process and runs in its own: prepare() decides, execute() runs.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "eecall/ami/client.hpp"
#include "eecall/admin/config.hpp"
#include "eecall/guard/flood_guard.hpp"
#include "eecall/admin/policy.hpp"
#include "eecall/action/outcome.hpp"
#include "eecall/speech/speech.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {

/// Runs a validated request against the PBX. Replaceable so front ends can be tested
/// in-process without a network.
using Executor = std::function<Outcome(const Request&, const ami::ClientSettings&)>;
Executor network_executor();

/// A request checked and made ready to run, or refused.
struct Prepared {
  std::chrono::steady_clock::time_point start;  // when it arrived
  /// Once parsed (also when refused later: the log names it); never changed afterwards.
  std::optional<Request> request;
  EffectiveSettings settings;      // the profile's, [general]'s, ... (policy.hpp)
  std::string profile;             // the profile used (empty: URL credentials)
  /// A spoken alert's audio file, made (or found in the cache) by prepare(): what Read or
  /// Playback will be given instead of the text.
  std::optional<speech::Prompt> spoken;
  /// What to answer without running: a refusal (its error set), or a duplicate's success.
  Outcome answer_instead;
  std::optional<FloodGuard> flood;  // admitted by the anti-flood: told how the run ended

  [[nodiscard]] bool runnable() const {
    return request.has_value() && answer_instead.ok() && !answer_instead.duplicate;
  }
  /// What the AMI core runs: the request as parsed, with the spoken prompt's file when there is
  /// one.
  [[nodiscard]] Request to_run() const;
};

/// The validating half: the policy (token, profile, URL credentials), the parameters,
/// allow_hosts, allow_from / allow_to, the anti-flood (repeat_window, max_actions_per_minute:
/// the action is counted here), an alert's prompt.
Prepared prepare(const Incoming& incoming, const Config& config, const SettingValues& environment);

/// The executing half: runs a runnable request (or answers answer_instead), tells the anti-flood
/// how it ended, measures the time from its arrival, and logs the one info line.
Outcome execute(Prepared& prepared, const Executor& executor);

/// The outcome of a request refused before prepare() could make it ready (a job status or a
/// check with a bad token, bad parameters...): timed from `start` and logged like execute()'s.
Outcome refused(const Failure& failure, std::chrono::steady_clock::time_point start);

/// prepare() then execute(), in this process.
Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor);

}  // namespace eecall
