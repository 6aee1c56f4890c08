// The plan of `eecall --check`: what a check asks the PBX, on one Session like every other
// plan, and the raw replies. It only asks: what the replies mean and how to fix what they show
// is the checkup's business (src/checkup/), so nothing here knows of fixes.
//
// Every action is one Asterisk 20 answers for any AMI user (tests/data/k*): ListCommands (the
// actions the user may send: manager.c lists only those its write= classes allow), CoreSettings,
// ModuleCheck, PJSIPShowEndpoint, SIPshowpeer; and two probes that change nothing a phone or a
// dialplan would notice:
//   - an Originate of `eecall-check/none`, a channel no driver has, with `Async: true`: it
//     fails before anything rings (Asterisk logs "No channel type registered for
//     'eecall-check'"); its Exten form answers "Extension does not exist." when the extension
//     does not exist in the context, exactly as a real call would be refused (c6), and its
//     OriginateResponse event (class call) arrives only when the user's read= has `call`;
//   - a Setvar of the global variable EECALL_CHECK to the empty value: its VarSet event (class
//     dialplan) arrives only when the user's read= has `dialplan`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/client.hpp"
#include "eecall/ami/message.hpp"
#include "eecall/ami/session.hpp"
#include "eecall/util/result.hpp"

namespace eecall::ami {

/// The channel of the probe's Originates: no Asterisk has a driver of that name.
inline constexpr std::string_view probe_channel = "eecall-check/none";
/// The global variable the dialplan-events probe sets (to the empty value).
inline constexpr std::string_view probe_variable = "EECALL_CHECK";
/// How long a probe waits for its event once the action was answered: Asterisk sends it
/// within milliseconds (the channel request fails at once; VarSet is published at once).
inline constexpr std::chrono::milliseconds probe_event_wait{2000};

/// An action's reply: the Response and, for an action that answers with a list
/// (PJSIPShowEndpoint: `EventList: start`), the list's events in order (its final
/// `EventList: Complete` event included).
struct Reply {
  Message response;
  std::vector<Message> events;
};
/// The reply, or what went wrong: permission_denied ("Permission denied"), action_failed with
/// Asterisk's text ("Module not loaded", "Extension does not exist.", "Invalid/unknown
/// command: ..."), timeout, protocol_error.
using Answer = Result<Reply>;

/// Whether events of one class reach this session.
struct EventProbe {
  Answer sent;  // the probe action's own reply
  /// How long after the action was sent its event came; nullopt: not within probe_event_wait
  /// of the reply.
  std::optional<std::chrono::milliseconds> arrived;
};

struct DialplanTarget {
  std::string context;
  std::string exten;
  friend bool operator==(const DialplanTarget&, const DialplanTarget&) = default;
};

/// What to ask. Every list is asked in its order; empty lists ask nothing.
struct ProbeQuestions {
  LoginEvents events = LoginEvents::off;     // the login's Events: what the use needs
  bool call_events = false;                  // the Originate probe's OriginateResponse
  bool dialplan_events = false;              // the Setvar probe's VarSet
  std::vector<std::string> modules;          // ModuleCheck, e.g. "res_pjsip_messaging"
  std::vector<DialplanTarget> extensions;    // the Exten form of the Originate probe
  std::vector<std::string> pjsip_endpoints;  // PJSIPShowEndpoint
  std::vector<std::string> sip_peers;        // SIPshowpeer
};

struct ProbeFacts {
  /// resolve, connect, TLS, banner, challenge or login failed: nothing below was asked.
  Status open_failure;
  std::chrono::milliseconds open_elapsed{0};  // from the start to the end of the login
  std::string banner;                         // once logged in
  std::string local_address;                  // this host's end of the connection, once connected
  std::string remote_address;                 // the PBX's
  std::optional<Answer> commands;             // ListCommands
  std::optional<EventProbe> call_events;
  std::optional<EventProbe> dialplan_events;
  std::optional<Answer> core_settings;
  std::vector<std::pair<std::string, Answer>> modules;
  std::vector<std::pair<DialplanTarget, Answer>> extensions;
  std::vector<std::pair<std::string, Answer>> pjsip_endpoints;
  std::vector<std::pair<std::string, Answer>> sip_peers;
};

/// Logs in to `endpoint` with questions.events, asks everything, logs off. Never throws: a
/// failure to log in is open_failure, any other failure is the Answer it concerns.
ProbeFacts run_probe(const Endpoint& endpoint, const ProbeQuestions& questions, const ClientSettings& settings,
                     ActionIdSource ids = random_action_ids(), Resolver resolver = system_resolver());

}  // namespace eecall::ami
