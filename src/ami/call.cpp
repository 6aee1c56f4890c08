// A call: Originate `from`, connected to `to` in the dialplan; with `wait`, the call's outcome.
#include <charconv>

#include "eecall/ami/async_agi.hpp"
#include "eecall/ami/call_watch.hpp"
#include "plans.hpp"

namespace eecall::ami {

void report(const ClientSettings& settings, Progress::Step step, const std::string& phone,
            const std::string& channel_id, std::optional<AttemptOutcome> outcome) {
  if (settings.on_progress) settings.on_progress(Progress{step, phone, channel_id, outcome});
}

// OriginateResponse Reason (pbx_dial_reason(), an ast_control_frame_type; ami-protocol.md §4.4).
ErrorCode unanswered_call_outcome(int reason, bool busy_seen) {
  switch (reason) {
    case 4: return ErrorCode::none;  // AST_CONTROL_ANSWER
    case 5: return ErrorCode::busy;
    case 3: return ErrorCode::no_answer;  // AST_CONTROL_RINGING: rang until the timeout
    case 8: return ErrorCode::congestion;
    case 1: return ErrorCode::hangup;
    case 0:
      // main/dial.c loses the cause when a PJSIP callee answers 486: the busy phone is only
      // visible as Hangup Cause 17 / DialEnd BUSY on the call's channels (h6a, h6b, h6c).
      return busy_seen ? ErrorCode::busy : ErrorCode::call_failed;
    default: return ErrorCode::call_failed;
  }
}

void settle_failed_call(Session& session, CallWatch& watch) {
  if (watch.reason() != 0 || watch.busy_seen() || watch.ended() || !watch.channel_seen()) return;
  const auto deadline = std::min(Clock::now() + std::chrono::seconds(1), session.total_deadline());
  (void)session.await(
      [&](const Message& m) {
        watch.feed(m);
        return watch.busy_seen() || watch.ended();
      },
      "wait", deadline);  // a timeout here only means: no busy signal
}

std::string describe_call_outcome(ErrorCode code, int reason) {
  const auto asterisk = " (Asterisk reason " + std::to_string(reason) + ")";
  switch (code) {
    case ErrorCode::none: return "answered";
    case ErrorCode::busy:
      return reason == 0 ? "busy (the phone answered 486 Busy Here; Asterisk reason 0, hangup cause 17)"
                         : "busy" + asterisk;
    case ErrorCode::no_answer: return "no answer before the ring timeout" + asterisk;
    case ErrorCode::congestion: return "congestion or rejected" + asterisk;
    case ErrorCode::hangup: return "hung up before answering" + asterisk;
    default: return "the call could not be made" + asterisk;
  }
}

namespace {

// The wait for the OriginateResponse failed: a cancel hangs the call up; a timeout says why.
Failure wait_failed(Session& session, const Request& request, const std::string& channel_id, Failure failure) {
  if (failure.code == ErrorCode::cancelled) {
    // Still ringing: hang it up by the ChannelId Asterisk gave it (docs/alerts.md).
    auto hung_up = session.request(make_hangup(channel_id, session.next_id("hangup")), "hangup");
    failure.message = "cancelled while " + request.from + " was ringing; " +
                      (hung_up ? std::string("eecall hung the call up")
                               : "the Hangup failed: " + hung_up.failure().message);
  } else if (failure.code == ErrorCode::timeout) {
    failure.message = "no OriginateResponse within " + std::to_string(request.wait.count()) +
                      " s: the call may still be ringing (events only arrive if the AMI "
                      "user has read = call)";
  }
  return failure;
}

// amd: the answered call runs AMD in AsyncAGI; a machine is hung up (`voicemail`), a person is
// connected to `to`. AMD's time comes on top of `wait`, as the answer did not wait for it.
void judge_with_amd(Session& session, const Request& request, const ClientSettings& settings, CallWatch& watch,
                    AgiWatch& agi, const std::string& channel_id, RunResult& outcome) {
  const auto deadline = Clock::now() + settings.alert.amd.total_time + std::chrono::seconds(10);
  auto amd = run_amd_call(session, request, settings, watch, agi, request.from, channel_id, deadline);
  if (amd.fatal) {
    set_failure(outcome, *amd.fatal);
    return;
  }
  outcome.error = amd.error;
  outcome.message = amd.detail;
  if (amd.outcome == AttemptOutcome::voicemail) outcome.message += "; " + request.to + " was never rung";
  if (!outcome.ok()) outcome.subject = "amd";
}

}  // namespace

RunResult run_call(Session& session, const Request& request, const ClientSettings& settings) {
  RunResult outcome;
  const bool waiting = request.wait.count() > 0;
  outcome.action_id = session.next_id("action");
  // The ChannelId lets the events of this call (busy shows only there) be told from others'.
  const auto channel_id = waiting ? session.next_id("channel") : std::string();
  const bool amd = uses_amd(request, settings);
  auto reply = session.request(
      amd ? make_agi_originate(request, request.from, settings.call, outcome.action_id, channel_id)
          : make_originate(request, settings.call, outcome.action_id, channel_id),
      "action");
  if (!reply) {
    set_failure(outcome, reply.failure());
    return outcome;
  }
  outcome.message = std::string(reply.value().get_or("Message"));
  if (!waiting) return outcome;
  report(settings, Progress::Step::ringing, request.from, channel_id);

  CallWatch watch(outcome.action_id, channel_id);
  AgiWatch agi(amd ? channel_id : std::string());  // amd: AsyncAGIStart may come before the response
  const auto deadline = std::min(Clock::now() + request.wait, session.total_deadline());
  auto event = session.await(
      [&](const Message& m) {
        watch.feed(m);
        agi.feed(m);
        return watch.responded();
      },
      "wait", deadline);
  if (!event) {
    set_failure(outcome, wait_failed(session, request, channel_id, event.failure()));
    return outcome;
  }
  settle_failed_call(session, watch);
  const int reason = *watch.reason();
  outcome.reason = reason;
  outcome.channel = watch.channel();
  outcome.uniqueid = watch.answered() ? watch.uniqueid() : std::string();
  if (watch.answered()) report(settings, Progress::Step::answered, request.from, channel_id);
  // Not answered is an outcome like answered: reported after a normal Logoff.
  outcome.error = unanswered_call_outcome(reason, watch.busy_seen());
  outcome.message = describe_call_outcome(outcome.error, reason);
  if (!outcome.ok()) outcome.subject = "wait";
  if (amd && watch.answered()) judge_with_amd(session, request, settings, watch, agi, channel_id, outcome);
  return outcome;
}

}  // namespace eecall::ami
