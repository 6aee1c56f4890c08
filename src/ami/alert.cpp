// An alert: ring the phones in turn until one answers (or, with `ack`, presses the key), each
// call running Read or Playback on the prompt; every attempt is reported.
#include <memory>

#include <spdlog/spdlog.h>

#include "eecall/ami/async_agi.hpp"
#include "eecall/ami/call_watch.hpp"
#include "plans.hpp"

namespace eecall::ami {

namespace {

using std::chrono::milliseconds;

// The result of ringing one phone. `fatal`: what went wrong is not about this phone (rights,
// events, the prompt, the session) and the alert stops.
struct AttemptResult {
  AttemptOutcome outcome = AttemptOutcome::call_failed;
  // Why this phone was not reached, as the alert's error should nobody be (busy, no_answer,
  // not_acknowledged...): judged once, next to `outcome`, never read back from it.
  ErrorCode error = ErrorCode::call_failed;
  std::string detail;
  Status fatal;
  bool queued = false;  // Asterisk accepted the Originate: the phone was (or may have been) rung
  std::string action_id;
  std::string channel_id;  // ours, given in the Originate
  std::string channel;
  std::string uniqueid;
  std::string amd_status;  // with amd: AMD's verdict and cause
  std::string amd_cause;
};

// How an unanswered call is reported (unanswered_call_outcome()'s codes).
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

// A wait that failed ends the attempt and the alert; a cancel is also the attempt's outcome.
void stop_attempt(AttemptResult& result, Failure failure) {
  if (failure.code == ErrorCode::cancelled) result.outcome = AttemptOutcome::cancelled;
  result.detail = failure.message;
  result.fatal = std::move(failure);
}

std::string key_name(char key) { return std::string(1, key); }

// One phone after the other, each a sequence of steps: Originate, ringing, the prompt, the key.
// Each step returns false when the attempt is over (the AttemptResult says how).
class AlertRun {
 public:
  AlertRun(Session& session, const Request& request, const ClientSettings& settings)
      : session_(session), request_(request), settings_(settings), amd_(uses_amd(request, settings)) {}

  AttemptResult ring(const std::string& phone, Clock::time_point deadline) {
    AttemptResult result;
    result.action_id = session_.next_id("action");
    result.channel_id = session_.next_id("channel");
    if (!originate(phone, result)) return result;
    CallWatch watch(result.action_id, result.channel_id);
    AgiWatch agi(result.channel_id);  // amd: AsyncAGIStart may come before the OriginateResponse
    agi_ = amd_ ? &agi : nullptr;
    const std::unique_ptr<AgiWatch*, void (*)(AgiWatch**)> forget(&agi_, [](AgiWatch** p) { *p = nullptr; });
    if (!await_originate_response(watch, phone, deadline, result)) return result;
    result.channel = watch.channel();
    if (!watch.answered()) {
      judge_unanswered_call(watch, result);
      return result;
    }
    result.uniqueid = watch.uniqueid();
    result.outcome = AttemptOutcome::answered;  // until the prompt and the key say more
    report(settings_, Progress::Step::answered, phone, result.channel_id);
    if (amd_) {
      judge_with_amd(watch, agi, phone, deadline, result);
      return result;
    }
    if (!await_end_of_prompt(watch, phone, deadline, result)) return result;
    judge_answered_call(watch, phone, deadline, result);
    return result;
  }

  void hang_up(const std::string& channel_id) {
    auto reply = session_.request(make_hangup(channel_id, session_.next_id("hangup")), "hangup");
    if (reply) return;
    spdlog::debug("hangup {}: {}", channel_id, reply.failure().message);  // already gone
    if (reply.failure().code == ErrorCode::protocol_error) hang_up_over_new_session(channel_id);
  }

 private:
  // The connection is gone (Asterisk closed it, `manager kick session`, a cut) while our call
  // goes on: Asterisk does not hang up a call when the session that made it leaves, so the phone
  // would hear the prompt to its end. Hang it up over a new session, within one step's time.
  void hang_up_over_new_session(const std::string& channel_id) {
    ActionIdSource ids = random_action_ids();
    Session again(settings_, std::min(Clock::now() + settings_.step_timeout, session_.total_deadline()), ids);
    if (auto failed = again.open({request_.host, request_.port, request_.user, request_.secret}, system_resolver(),
                                 LoginEvents::off)) {
      spdlog::info("the AMI connection was lost and a new one failed ({}): call {} may still be up",
                   failed->message, channel_id);
      return;
    }
    auto reply = again.request(make_hangup(channel_id, again.next_id("hangup")), "hangup");
    spdlog::info("the AMI connection was lost: call {} hung up over a new session{}", channel_id,
                 reply ? "" : " (" + reply.failure().message + ")");
    again.logoff();
  }

  // The Originate; once Asterisk accepted it the phone is ringing (`queued`).
  bool originate(const std::string& phone, AttemptResult& result) {
    auto reply = session_.request(
        amd_ ? make_agi_originate(request_, phone, settings_.call, result.action_id, result.channel_id)
             : make_alert_originate(request_, phone, settings_.call, settings_.alert, result.action_id,
                                    result.channel_id),
        "action");
    if (!reply) {
      // No reply in time: Asterisk may have queued the call all the same.
      if (reply.failure().code == ErrorCode::timeout) hang_up(result.channel_id);
      result.fatal = amd_ ? amd_originate_refused(reply.failure()) : reply.failure();  // the same for every phone
      return false;
    }
    result.queued = true;
    report(settings_, Progress::Step::ringing, phone, result.channel_id);
    return true;
  }

  // Ringing, until the OriginateResponse (it comes when the phone answers or gives up).
  bool await_originate_response(CallWatch& watch, const std::string& phone, Clock::time_point deadline,
                                AttemptResult& result) {
    const auto ring_deadline = std::min(Clock::now() + ring_time() + std::chrono::seconds(10), deadline);
    auto failed = watch_until(watch, [&] { return watch.responded(); }, "ring", ring_deadline);
    if (!failed) return true;
    hang_up(result.channel_id);  // it may still be ringing
    if (failed->code == ErrorCode::cancelled) {
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
    stop_attempt(result, std::move(*failed));
    return false;
  }

  // Busy, no answer, ...: this phone's outcome; the alert goes on with the next one.
  void judge_unanswered_call(CallWatch& watch, AttemptResult& result) {
    settle_failed_call(session_, watch);
    result.error = unanswered_call_outcome(*watch.reason(), watch.busy_seen());
    result.outcome = attempt_outcome_of(result.error);
    result.detail = describe_call_outcome(result.error, *watch.reason());
  }

  // Answered, with amd: AMD, the prompt or the machine, and the hang-up, over AsyncAGI.
  void judge_with_amd(CallWatch& watch, AgiWatch& agi, const std::string& phone, Clock::time_point deadline,
                      AttemptResult& result) {
    auto amd = run_amd_call(session_, request_, settings_, watch, agi, phone, result.channel_id, deadline);
    result.outcome = amd.outcome;
    result.error = amd.error;
    result.detail = std::move(amd.detail);
    result.fatal = std::move(amd.fatal);
    result.amd_status = std::move(amd.amd_status);
    result.amd_cause = std::move(amd.amd_cause);
  }

  // Asterisk refuses Originate's application AGI to a user without the write class system (u4).
  static Failure amd_originate_refused(Failure failure) {
    if (failure.message.find("blacklisted") == std::string::npos) return failure;
    failure.code = ErrorCode::permission_denied;
    failure.message = "Asterisk refused the Originate into AGI (" + failure.message +
                      "): amd needs an AMI user with write = system and agi (besides originate and call)";
    failure.subject = "amd";
    return failure;
  }

  // Answered: the prompt plays (and Read waits for the key) until Asterisk hangs up.
  bool await_end_of_prompt(CallWatch& watch, const std::string& phone, Clock::time_point deadline,
                           AttemptResult& result) {
    const auto play_deadline = std::min(Clock::now() + prompt_time(), deadline);
    auto failed = watch_until(watch, [&] { return watch.ended() || acknowledged(watch); }, "prompt", play_deadline);
    if (!failed) return true;
    hang_up(result.channel_id);
    if (failed->code == ErrorCode::cancelled) {
      failed->message = "cancelled while " + phone + " was on the line; eecall hung the call up";
    } else if (failed->code == ErrorCode::timeout) {
      failed->message = "the call to " + phone + " was answered but had not ended when the " +
                        (Clock::now() >= deadline ? std::string("alert's deadline (wait) passed")
                                                  : std::string("prompt should have been over")) +
                        "; eecall hung it up";
    }
    stop_attempt(result, std::move(*failed));
    return false;
  }

  // The key was pressed, or the call ended: which, and what the prompt did.
  void judge_answered_call(CallWatch& watch, const std::string& phone, Clock::time_point deadline,
                           AttemptResult& result) {
    if (acknowledged(watch)) {
      // Read hangs up right after the key (1-4 ms in h3b); if Asterisk has not, we do.
      const auto grace = std::min(Clock::now() + std::chrono::seconds(1), deadline);
      if (watch_until(watch, [&] { return watch.ended(); }, "hangup", grace)) hang_up(result.channel_id);
      result.outcome = AttemptOutcome::acknowledged;
      result.detail = "answered and pressed " + key_name(*request_.alert.ack);
      return;
    }
    if (!watch.any_variable()) {
      result.fatal = Failure{ErrorCode::permission_denied,
                             "the call to " + phone +
                                 " was answered, but no VarSet event arrived to tell whether the prompt "
                                 "played" + (request_.alert.ack ? " or the key was pressed" : "") +
                                 ": the AMI user needs read = call,dialplan",
                             "events"};
      result.detail = "answered; whether the prompt played is unknown (no VarSet event)";
      return;
    }
    judge_ended_call(watch, result);
  }

  // Reads until `done()` after feeding each message to the watch; a failure, or nullopt.
  template <typename Done>
  Status watch_until(CallWatch& watch, const Done& done, std::string_view step,
                                     Clock::time_point deadline) {
    if (done()) return std::nullopt;
    auto got = session_.await(
        [&](const Message& m) {
          watch.feed(m);
          if (agi_ != nullptr) agi_->feed(m);
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

  [[nodiscard]] milliseconds prompt_time() const { return alert_prompt_time(request_, settings_); }

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
    result.error = ErrorCode::not_acknowledged;
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
  const bool amd_;
  AgiWatch* agi_ = nullptr;  // the current attempt's, with amd
};

// The alert's error should nobody be reached, after one more attempt: someone answering
// without the key says more than the last busy line.
ErrorCode nobody_error_after(ErrorCode so_far, const AttemptResult& attempt) {
  return so_far == ErrorCode::not_acknowledged ? so_far : attempt.error;
}

// Before each phone: a cancel request, or the alert's deadline, ends the alert.
Status may_ring(Session& session, const Request& request, const std::string& phone, Clock::time_point deadline) {
  if (session.cancelled()) {
    return Failure{ErrorCode::cancelled, "the alert was cancelled before " + phone + " was rung", "alert"};
  }
  if (Clock::now() >= deadline) {
    return Failure{ErrorCode::timeout,
                   "the alert's deadline (wait=" + std::to_string(request.wait.count()) + " s) passed before " +
                       phone + " could be rung",
                   "wait"};
  }
  return std::nullopt;
}

// A phone answered (and with `ack`, pressed the key): the alert's success.
void reached(RunResult& outcome, const Request& request, const std::string& phone, const AttemptResult& result) {
  outcome.channel = result.channel;
  outcome.uniqueid = result.uniqueid;
  if (request.alert.ack) outcome.acknowledged_by = phone;
  outcome.message = phone + (request.alert.ack ? " acknowledged with " + key_name(*request.alert.ack)
                                               : std::string(" answered; the prompt was played"));
}

// Every round went by: nobody answered (or acknowledged).
void nobody_reached(RunResult& outcome, const Request& request, ErrorCode error) {
  outcome.error = error;
  outcome.subject = "alert";
  outcome.message = std::string(request.alert.ack ? "nobody acknowledged" : "nobody answered") + " after " +
                    std::to_string(outcome.attempts.size()) + " call" +
                    (outcome.attempts.size() == 1 ? "" : "s");
  if (!outcome.attempts.empty()) outcome.message += ": " + outcome.attempts.back().detail;
}

}  // namespace

milliseconds alert_prompt_time(const Request& request, const ClientSettings& settings) {
  const auto& a = request.alert;
  if (a.prompt_duration.count() == 0) return std::chrono::hours(24);
  const auto per_play = a.prompt_duration + (a.ack ? settings.alert.ack_timeout : milliseconds(0));
  return per_play * a.repeat + std::chrono::seconds(10);
}

RunResult run_alert(Session& session, const Request& request, const ClientSettings& settings) {
  RunResult outcome;
  AlertRun run(session, request, settings);
  // Keep time to hang up a call and log off before the request's own deadline.
  const auto reserve = std::min<milliseconds>(std::chrono::seconds(2), settings.total_timeout / 2);
  const auto deadline = session.total_deadline() - reserve;
  auto nobody_error = ErrorCode::call_failed;  // no phone to ring
  for (int round = 0; round < request.alert.rounds; ++round) {
    for (const auto& phone : request.phones) {
      if (auto stop = may_ring(session, request, phone, deadline)) {
        set_failure(outcome, *stop);
        return outcome;
      }
      const auto start = Clock::now();
      auto result = run.ring(phone, deadline);
      outcome.action_id = result.action_id;
      const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      if (result.queued) {
        outcome.attempts.push_back({phone, result.outcome, elapsed, result.detail, result.amd_status, result.amd_cause});
        report(settings, Progress::Step::attempt_ended, phone, result.channel_id, result.outcome);
      }
      if (result.fatal) {
        set_failure(outcome, *result.fatal);
        return outcome;
      }
      if (result.outcome == AttemptOutcome::acknowledged || result.outcome == AttemptOutcome::answered) {
        reached(outcome, request, phone, result);
        return outcome;
      }
      nobody_error = nobody_error_after(nobody_error, result);
    }
  }
  nobody_reached(outcome, request, nobody_error);
  return outcome;
}

}  // namespace eecall::ami
