#include "eecall/ami/client.hpp"

#include <exception>

#include "plans.hpp"

namespace eecall::ami {

namespace {

// The event classes the plan needs: none for a plain call or a message, `call` to learn a
// waited-for call's outcome, `call,dialplan` for an alert (VarSet: what Read/Playback report),
// `call,agi` for an alert with amd (AsyncAGI events; its variables come with GET VARIABLE).
LoginEvents events_for(const Request& request, const ClientSettings& settings) {
  switch (request.action) {
    case ActionKind::alert: return uses_amd(request, settings) ? LoginEvents::call_agi : LoginEvents::call_dialplan;
    case ActionKind::call:
      if (request.wait.count() == 0) return LoginEvents::off;
      return uses_amd(request, settings) ? LoginEvents::call_agi : LoginEvents::call;
    case ActionKind::message: break;
  }
  return LoginEvents::off;
}

RunResult run_plan(Session& session, const Request& request, const ClientSettings& settings) {
  switch (request.action) {
    case ActionKind::call: return run_call(session, request, settings);
    case ActionKind::message: return run_messages(session, request);
    case ActionKind::alert: return run_alert(session, request, settings);
  }
  return {};
}

}  // namespace

Client::Client(ClientSettings settings, ActionIdSource ids, Resolver resolver)
    : settings_(std::move(settings)), ids_(std::move(ids)), resolver_(std::move(resolver)) {}

RunResult Client::run(const Request& request) {
  const auto start = Clock::now();
  // Waiting for a call's outcome (or an alert) comes on top of the AMI exchange's own deadline.
  const bool waiting = request.action != ActionKind::message && request.wait.count() > 0;
  // A waited call with amd: AMD listens after the answer, so its time comes on top too.
  const auto amd_time = request.action == ActionKind::call && uses_amd(request, settings_)
                            ? settings_.alert.amd.total_time + std::chrono::seconds(10)
                            : std::chrono::milliseconds(0);
  const auto total_deadline =
      start + settings_.total_timeout + (waiting ? request.wait : std::chrono::seconds(0)) + amd_time;
  RunResult outcome;
  try {
    Session session(settings_, total_deadline, ids_);
    if (auto failed = session.open({request.host, request.port, request.user, request.secret}, resolver_,
                                   events_for(request, settings_))) {
      set_failure(outcome, *failed);
    } else if (session.cancelled()) {  // cancelled while logging in: nothing was sent yet
      set_failure(outcome, {ErrorCode::cancelled, "the request was cancelled before its action was sent", "login"});
      session.logoff();
    } else {
      outcome = run_plan(session, request, settings_);
      session.logoff();
    }
  } catch (const std::exception& e) {
    set_failure(outcome, {ErrorCode::internal_error, e.what(), "session"});
  }
  outcome.action = request.action;
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return outcome;
}

}  // namespace eecall::ami
