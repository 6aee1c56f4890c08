// An alert: ring the phones in turn until one answers (or, with `ack`, presses the key), each
// call running Read or Playback on the prompt; every attempt is reported.
#include <spdlog/spdlog.h>

#include "eecall/ami/call_watch.hpp"
#include "plans.hpp"

namespace eecall::ami {

namespace {

using std::chrono::milliseconds;

// The result of ringing one phone. `fatal`: what went wrong is not about this phone (rights,
// events, the prompt, the session) and the alert stops.
struct AttemptResult {
  AttemptOutcome outcome = AttemptOutcome::call_failed;
  std::string detail;
  Status fatal;
  bool queued = false;  // Asterisk accepted the Originate: the phone was (or may have been) rung
  std::string action_id;
  std::string channel_id;  // ours, given in the Originate
  std::string channel;
  std::string uniqueid;
};

AttemptOutcome attempt_outcome_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::none: return AttemptOutcome::answered;
    case ErrorCode::busy: return AttemptOutcome::busy;
    case ErrorCode::no_answer: return AttemptOutcome::no_answer;
    case ErrorCode::congestion: return AttemptOutcome::congestion;
    case ErrorCode::hangup: return AttemptOutcome::hangup;
    case ErrorCode::not_acknowledged: return AttemptOutcome::not_acknowledged;
    case ErrorCode::playback_failed: return AttemptOutcome::playback_failed;
    default: return AttemptOutcome::call_failed;
  }
}

ErrorCode error_of(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::acknowledged:
    case AttemptOutcome::answered:
    case AttemptOutcome::sent: return ErrorCode::none;
    case AttemptOutcome::not_acknowledged: return ErrorCode::not_acknowledged;
    case AttemptOutcome::busy: return ErrorCode::busy;
    case AttemptOutcome::no_answer: return ErrorCode::no_answer;
    case AttemptOutcome::congestion: return ErrorCode::congestion;
    case AttemptOutcome::hangup: return ErrorCode::hangup;
    case AttemptOutcome::playback_failed: return ErrorCode::playback_failed;
    case AttemptOutcome::cancelled: return ErrorCode::cancelled;
    case AttemptOutcome::call_failed:
    case AttemptOutcome::failed: break;
  }
  return ErrorCode::call_failed;
}

std::string key_name(char key) { return std::string(1, key); }

class AlertRun {
 public:
  AlertRun(Session& session, const Request& request, const ClientSettings& settings)
      : session_(session), request_(request), settings_(settings) {}

  AttemptResult ring(const std::string& phone, Clock::time_point deadline) {
    AttemptResult result;
    result.action_id = session_.next_id("action");
    result.channel_id = session_.next_id("channel");
    const auto& channel_id = result.channel_id;
    auto reply = session_.request(
        make_alert_originate(request_, phone, settings_.call, settings_.alert, result.action_id, channel_id),
        "action");
    if (!reply) {
      // No reply in time: Asterisk may have queued the call all the same.
      if (reply.failure().code == ErrorCode::timeout) hang_up(channel_id);
      result.fatal = reply.failure();  // the same refusal would come for every phone
      return result;
    }
    result.queued = true;
    report(settings_, Progress::Step::ringing, phone, channel_id);
    CallWatch watch(result.action_id, channel_id);

    // Ringing, until the OriginateResponse (it comes when the phone answers or gives up).
    const auto ring_deadline = std::min(Clock::now() + ring_time() + std::chrono::seconds(10), deadline);
    if (auto failed = watch_until(watch, [&] { return watch.responded(); }, "ring", ring_deadline)) {
      hang_up(channel_id);  // it may still be ringing
      if (failed->code == ErrorCode::cancelled) {
        result.outcome = AttemptOutcome::cancelled;
        failed->message = "cancelled while " + phone + " was ringing; eecall hung the call up";
      } else if (failed->code == ErrorCode::timeout && Clock::now() >= deadline) {
        failed->message = "the alert's deadline (wait=" + std::to_string(request_.wait.count()) +
                          " s) passed while " + phone + " was ringing; eecall hung the call up";
      } else if (failed->code == ErrorCode::timeout) {
        // Asterisk always answers an Originate with an OriginateResponse by its Timeout.
        failed->message = "no OriginateResponse for the call to " + phone +
                          " within its ring time: the AMI user needs read = call (events), or the PBX is "
                          "overloaded; eecall hung the call up";
      }
      result.detail = failed->message;
      result.fatal = failed;
      return result;
    }
    result.channel = watch.channel();
    if (!watch.answered()) {
      settle_failed_call(session_, watch);
      const auto code = unanswered_call_outcome(*watch.reason(), watch.busy_seen());
      result.outcome = attempt_outcome_of(code);
      result.detail = describe_call_outcome(code, *watch.reason());
      return result;
    }
    result.uniqueid = watch.uniqueid();
    result.outcome = AttemptOutcome::answered;  // until the prompt and the key say more
    report(settings_, Progress::Step::answered, phone, channel_id);

    // Answered: the prompt plays (and Read waits for the key) until Asterisk hangs up.
    const auto play_deadline = std::min(Clock::now() + prompt_time(), deadline);
    if (auto failed = watch_until(watch, [&] { return watch.ended() || acknowledged(watch); }, "prompt",
                                  play_deadline)) {
      hang_up(channel_id);
      if (failed->code == ErrorCode::cancelled) {
        result.outcome = AttemptOutcome::cancelled;
        failed->message = "cancelled while " + phone + " was on the line; eecall hung the call up";
      } else if (failed->code == ErrorCode::timeout) {
        failed->message = "the call to " + phone + " was answered but had not ended when the " +
                          (Clock::now() >= deadline ? std::string("alert's deadline (wait) passed")
                                                    : std::string("prompt should have been over")) +
                          "; eecall hung it up";
      }
      result.detail = failed->message;
      result.fatal = failed;
      return result;
    }
    if (acknowledged(watch)) {
      // Read hangs up right after the key (1-4 ms in h3b); if Asterisk has not, we do.
      const auto grace = std::min(Clock::now() + std::chrono::seconds(1), deadline);
      if (watch_until(watch, [&] { return watch.ended(); }, "hangup", grace)) hang_up(channel_id);
      result.outcome = AttemptOutcome::acknowledged;
      result.detail = "answered and pressed " + key_name(*request_.alert.ack);
      return result;
    }
    if (!watch.any_variable()) {
      result.fatal = Failure{ErrorCode::permission_denied,
                             "the call to " + phone +
                                 " was answered, but no VarSet event arrived to tell whether the prompt "
                                 "played" + (request_.alert.ack ? " or the key was pressed" : "") +
                                 ": the AMI user needs read = call,dialplan",
                             "events"};
      result.detail = "answered; whether the prompt played is unknown (no VarSet event)";
      return result;
    }
    judge_ended_call(watch, result);
    return result;
  }

  void hang_up(const std::string& channel_id) {
    auto reply = session_.request(make_hangup(channel_id, session_.next_id("hangup")), "hangup");
    if (!reply) spdlog::debug("hangup {}: {}", channel_id, reply.failure().message);  // already gone
  }

 private:
  // Reads until `done()` after feeding each message to the watch; a failure, or nullopt.
  template <typename Done>
  Status watch_until(CallWatch& watch, const Done& done, std::string_view step,
                                     Clock::time_point deadline) {
    if (done()) return std::nullopt;
    auto got = session_.await(
        [&](const Message& m) {
          watch.feed(m);
          return done();
        },
        step, deadline);
    if (!got) return got.failure();
    return std::nullopt;
  }

  [[nodiscard]] bool acknowledged(const CallWatch& watch) const {
    return request_.alert.ack && watch.variable(ack_variable) == key_name(*request_.alert.ack);
  }

  [[nodiscard]] milliseconds ring_time() const {
    return request_.ring_seconds ? milliseconds(*request_.ring_seconds * 1000)
                                 : milliseconds(settings_.call.ring_timeout_ms);
  }

  // How long an answered call may last: the prompt `repeat` times, each followed by the wait for
  // the key, plus a margin. Unknown for a recording (`play`): only the alert's deadline bounds it.
  [[nodiscard]] milliseconds prompt_time() const {
    const auto& a = request_.alert;
    if (a.prompt_duration.count() == 0) return std::chrono::hours(24);
    const auto per_play = a.prompt_duration + (a.ack ? settings_.alert.ack_timeout : milliseconds(0));
    return per_play * a.repeat + std::chrono::seconds(10);
  }

  // The call ended without the key: what Read or Playback reported (h3c, h5b, h8*).
  void judge_ended_call(const CallWatch& watch, AttemptResult& result) const {
    const auto& a = request_.alert;
    if (!a.ack) {
      if (watch.variable("PLAYBACKSTATUS") == "FAILED") {
        result.outcome = AttemptOutcome::playback_failed;
        result.fatal = Failure{ErrorCode::playback_failed, playback_failure_message(), "prompt"};
      } else {
        result.outcome = AttemptOutcome::answered;
        result.detail = "answered; the prompt was played";
      }
      return;
    }
    const auto status = watch.variable("READSTATUS").value_or("");
    const auto key = watch.variable(ack_variable).value_or("");
    result.outcome = AttemptOutcome::not_acknowledged;
    if (status == "ERROR") {
      result.outcome = AttemptOutcome::playback_failed;
      result.fatal = Failure{ErrorCode::playback_failed, playback_failure_message(), "prompt"};
    } else if (status == "OK" && !key.empty()) {
      result.detail = "answered and pressed " + key + ", not " + key_name(*a.ack);
    } else if (status == "HANGUP") {
      result.detail = "answered, then hung up before pressing " + key_name(*a.ack);
    } else {
      result.detail = "answered, but " + key_name(*a.ack) + " was not pressed";
    }
  }

  [[nodiscard]] std::string playback_failure_message() const {
    return "the phone answered, but Asterisk could not play '" + request_.alert.prompt +
           "' (see Asterisk's log: a missing file, or a format or rate it cannot play)";
  }

  Session& session_;
  const Request& request_;
  const ClientSettings& settings_;
};

// When nobody acknowledged: someone answering without the key says more than the last busy line.
ErrorCode overall_failure(const std::vector<Attempt>& attempts) {
  for (const auto& a : attempts) {
    if (a.outcome == AttemptOutcome::not_acknowledged) return ErrorCode::not_acknowledged;
  }
  return attempts.empty() ? ErrorCode::call_failed : error_of(attempts.back().outcome);
}

}  // namespace

RunResult run_alert(Session& session, const Request& request, const ClientSettings& settings) {
  RunResult outcome;
  AlertRun run(session, request, settings);
  // Keep time to hang up a call and log off before the request's own deadline.
  const auto reserve = std::min<milliseconds>(std::chrono::seconds(2), settings.total_timeout / 2);
  const auto deadline = session.total_deadline() - reserve;
  for (int round = 0; round < request.alert.rounds; ++round) {
    for (const auto& phone : request.phones) {
      if (session.cancelled()) {
        set_failure(outcome, {ErrorCode::cancelled, "the alert was cancelled before " + phone + " was rung", "alert"});
        return outcome;
      }
      if (Clock::now() >= deadline) {
        set_failure(outcome, {ErrorCode::timeout,
                              "the alert's deadline (wait=" + std::to_string(request.wait.count()) +
                                  " s) passed before " + phone + " could be rung",
                              "wait"});
        return outcome;
      }
      const auto start = Clock::now();
      auto result = run.ring(phone, deadline);
      outcome.action_id = result.action_id;
      const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      if (result.queued) {
        outcome.attempts.push_back({phone, result.outcome, elapsed, result.detail});
        report(settings, Progress::Step::attempt_ended, phone, result.channel_id, result.outcome);
      }
      if (result.fatal) {
        set_failure(outcome, *result.fatal);
        return outcome;
      }
      if (result.outcome == AttemptOutcome::acknowledged || result.outcome == AttemptOutcome::answered) {
        outcome.channel = result.channel;
        outcome.uniqueid = result.uniqueid;
        if (request.alert.ack) outcome.acknowledged_by = phone;
        outcome.message = phone + (request.alert.ack ? " acknowledged with " + key_name(*request.alert.ack)
                                                     : std::string(" answered; the prompt was played"));
        return outcome;
      }
    }
  }
  outcome.error = overall_failure(outcome.attempts);
  outcome.subject = "alert";
  outcome.message = std::string(request.alert.ack ? "nobody acknowledged" : "nobody answered") + " after " +
                    std::to_string(outcome.attempts.size()) + " call" +
                    (outcome.attempts.size() == 1 ? "" : "s");
  if (!outcome.attempts.empty()) outcome.message += ": " + outcome.attempts.back().detail;
  return outcome;
}

}  // namespace eecall::ami
