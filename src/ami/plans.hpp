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

/// Tells settings.on_progress (if anyone listens) about a step of a call.
void report(const ClientSettings& settings, Progress::Step step, const std::string& phone,
            const std::string& channel_id, std::optional<AttemptOutcome> outcome = std::nullopt);

}  // namespace eecall::ami
