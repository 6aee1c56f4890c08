#include "eecall/ami/probe.hpp"

#include <exception>
#include <functional>

#include "eecall/util/text.hpp"

namespace eecall::ami {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view step = "check";

// An action whose reply may be a list: the Response, then (on `EventList: start`) every event
// with its ActionID until the one that says `EventList: Complete`.
Answer ask(Session& session, Message action) {
  const auto id = session.next_id(step);
  action.add("ActionID", id);
  auto response = session.request(action, step);
  if (!response) return response.failure();
  Reply reply{std::move(response.value()), {}};
  if (!text::iequals(reply.response.get_or("EventList"), "start")) return reply;
  for (;;) {
    auto event = session.await([&](const Message& m) { return m.is_event() && m.get_or("ActionID") == id; }, step,
                               session.step_deadline());
    if (!event) return event.failure();
    const bool last = text::iequals(event.value().get_or("EventList"), "Complete");
    reply.events.push_back(std::move(event.value()));
    if (last) return reply;
  }
}

// Sends `action` and reads until both its Response and the event `wanted` accepts have come,
// in either order (Asterisk publishes the event from another thread: it may precede the
// Response), or until probe_event_wait after the Response.
EventProbe probe_event(Session& session, Message action,
                       const std::function<bool(const Message&, const std::string&)>& wanted) {
  const auto id = session.next_id(step);
  action.add("ActionID", id);
  const auto start = Clock::now();
  EventProbe probe{Failure{ErrorCode::internal_error, "not sent", std::string(step)}, std::nullopt};
  if (auto failed = session.send(action, step)) {
    probe.sent = *failed;
    return probe;
  }
  std::optional<Message> response;
  std::optional<Clock::time_point> answered;
  while (!response || !probe.arrived) {
    const auto deadline =
        answered ? std::min(*answered + probe_event_wait, session.total_deadline()) : session.step_deadline();
    auto next = session.await(
        [&](const Message& m) {
          return (m.is_response() && m.get_or("ActionID") == id) || (m.is_event() && wanted(m, id));
        },
        step, deadline);
    if (!next) {
      if (!response) probe.sent = next.failure();
      break;  // no event within the wait: the answer is that it did not come
    }
    if (next.value().is_response()) {
      response = std::move(next.value());
      answered = Clock::now();
      if (response->get_or("Response") != "Success") {
        probe.sent = action_error(*response, step);
        return probe;  // refused: no event will come
      }
      probe.sent = Reply{*response, {}};
    } else {
      probe.arrived = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    }
  }
  return probe;
}

Message probe_originate() {
  return {{"Action", "Originate"},
          {"Channel", std::string(probe_channel)},
          {"Application", "Wait"},
          {"Data", "1"},
          {"Async", "true"}};
}

Message probe_originate(const DialplanTarget& target) {
  return {{"Action", "Originate"},     {"Channel", std::string(probe_channel)},
          {"Context", target.context}, {"Exten", target.exten},
          {"Priority", "1"},           {"Async", "true"}};
}

void ask_everything(Session& session, const ProbeQuestions& q, ProbeFacts& facts) {
  facts.commands = ask(session, {{"Action", "ListCommands"}});
  if (q.call_events) {
    facts.call_events = probe_event(session, probe_originate(), [](const Message& m, const std::string& id) {
      return m.get_or("Event") == "OriginateResponse" && m.get_or("ActionID") == id;
    });
  }
  if (q.dialplan_events) {
    facts.dialplan_events =
        probe_event(session, {{"Action", "Setvar"}, {"Variable", std::string(probe_variable)}, {"Value", ""}},
                    [](const Message& m, const std::string&) {
                      return m.get_or("Event") == "VarSet" && m.get_or("Variable") == probe_variable;
                    });
  }
  facts.core_settings = ask(session, {{"Action", "CoreSettings"}});
  for (const auto& module : q.modules) {
    facts.modules.emplace_back(module, ask(session, {{"Action", "ModuleCheck"}, {"Module", module}}));
  }
  for (const auto& target : q.extensions) facts.extensions.emplace_back(target, ask(session, probe_originate(target)));
  for (const auto& endpoint : q.pjsip_endpoints) {
    facts.pjsip_endpoints.emplace_back(endpoint,
                                       ask(session, {{"Action", "PJSIPShowEndpoint"}, {"Endpoint", endpoint}}));
  }
  for (const auto& peer : q.sip_peers) {
    facts.sip_peers.emplace_back(peer, ask(session, {{"Action", "SIPshowpeer"}, {"Peer", peer}}));
  }
}

}  // namespace

ProbeFacts run_probe(const Endpoint& endpoint, const ProbeQuestions& questions, const ClientSettings& settings,
                     ActionIdSource ids, Resolver resolver) {
  ProbeFacts facts;
  const auto start = Clock::now();
  // The event probes may each wait probe_event_wait on top of the usual exchange.
  const auto total_deadline = start + settings.total_timeout + 2 * probe_event_wait;
  try {
    Session session(settings, total_deadline, ids);
    facts.open_failure = session.open(endpoint, resolver, questions.events);
    facts.open_elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    facts.local_address = session.local_address();
    facts.remote_address = session.remote_address();
    if (facts.open_failure) return facts;
    facts.banner = session.banner();
    ask_everything(session, questions, facts);
    session.logoff();
  } catch (const std::exception& e) {
    facts.open_failure = Failure{ErrorCode::internal_error, e.what(), "session"};
  }
  return facts;
}

}  // namespace eecall::ami
