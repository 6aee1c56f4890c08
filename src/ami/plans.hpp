// The plans a session runs once logged in: one per kind of request. Each is a short sequence
// of steps (send an action, watch the call's events, hang up, next phone) on the same Session.
#pragma once

#include "eecall/ami/client.hpp"
#include "eecall/ami/session.hpp"
#include "eecall/ami/run_result.hpp"
#include "eecall/request/request.hpp"

namespace eecall::ami {

/// Originate `from` → `to` in the dialplan; with `wait`, also the call's outcome.
RunResult run_call(Session& session, const Request& request, const ClientSettings& settings);

/// One MessageSend per recipient; result 1 only if every one was accepted.
RunResult run_messages(Session& session, const Request& request);

/// Ring the phones in turn (`rounds` times through the list) until one answers, or
/// acknowledges with the `ack` key; every attempt is reported.
RunResult run_alert(Session& session, const Request& request, const ClientSettings& settings);

/// The outcome of a call that did not reach "answered": from the OriginateResponse's Reason,
/// except that Reason 0 with a busy signal in the call's events is busy (transcripts h6*).
ErrorCode unanswered_call_outcome(int reason, bool busy_seen);

/// "answered", "busy (...)", "no answer before the ring timeout (Asterisk reason 3)", ...
std::string describe_call_outcome(ErrorCode code, int reason);

class CallWatch;
/// After a failed OriginateResponse (Reason 0) whose call did create channels: waits briefly
/// for their Hangup events, which may follow the response and alone tell a busy phone (h6a).
void settle_failed_call(Session& session, CallWatch& watch);

/// Whether an alert runs answering-machine detection: its `amd`, else the admin's default.
bool uses_amd(const Request& request, const ClientSettings& settings);

/// How long an answered alert call may last: the prompt `repeat` times, each followed by the
/// wait for the key, plus a margin; 24 h (only the alert's deadline) for a recording of unknown length.
std::chrono::milliseconds alert_prompt_time(const Request& request, const ClientSettings& settings);

class AgiWatch;
/// What an answered alert call in AsyncAGI came to (amd_plan.cpp): AMD, then the prompt (and
/// key) or, on a machine, voicemail. `fatal`: the alert stops (rights, the prompt, a cancel).
struct AmdOutcome {
  AttemptOutcome outcome = AttemptOutcome::call_failed;
  ErrorCode error = ErrorCode::call_failed;  // as the alert's error should nobody be reached
  std::string detail;
  Status fatal;
  std::string amd_status;
  std::string amd_cause;
};
/// Runs the AGI steps on the answered call `channel_id` (its events fed to both watches) until
/// `deadline`; the call is always ended (AGI HANGUP, else an AMI Hangup) before it returns.
AmdOutcome run_amd_call(Session& session, const Request& request, const ClientSettings& settings,
                        CallWatch& call, AgiWatch& agi, const std::string& phone, const std::string& channel_id,
                        Clock::time_point deadline);

/// Tells settings.on_progress (if anyone listens) about a step of a call.
void report(const ClientSettings& settings, Progress::Step step, const std::string& phone,
            const std::string& channel_id, std::optional<AttemptOutcome> outcome = std::nullopt);

}  // namespace eecall::ami
