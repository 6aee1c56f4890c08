// The actions `eecall --check` asks besides Originate (tests/data/k*): CoreSettings,
// ModuleCheck, PJSIPShowEndpoint, SIPshowpeer and Setvar of a global variable, answered from
// the lab's inventory (inventory.hpp). ListCommands is in session.cpp, next to the action table.
#include "call.hpp"
#include "inventory.hpp"
#include "replies.hpp"
#include "session.hpp"

namespace eecall::sim {

void Session::core_settings(const ami::Message& request) {
  auto out = start_reply(request, "Success");
  for (auto& h : core_settings_headers(world_.options)) out.add(std::move(h.name), std::move(h.value));
  send(out);
}

// manager_modulecheck(): only whether it is loaded; Asterisk 20 sends an empty Version.
void Session::module_check(const ami::Message& request) {
  if (!module_loaded(request.get_or("Module"), world_.options)) {
    send(reply(request, "Error", "Module not loaded"));
    return;
  }
  auto out = start_reply(request, "Success");
  out.add("Version", "");
  send(out);
}

// ami_show_endpoint(): an EventList of the endpoint's objects.
void Session::pjsip_show_endpoint(const ami::Message& request) {
  const auto name = request.get_or("Endpoint");
  if (name.empty()) {
    send(reply(request, "Error", "PJSIPShowEndpoint requires an endpoint name\n"));  // sic: Asterisk's LF
    return;
  }
  const PjsipEndpoint* endpoint = find_pjsip_endpoint(name);
  if (endpoint == nullptr) {
    send(reply(request, "Error", "Unable to retrieve endpoint " + std::string(name)));
    return;
  }
  auto ack = start_reply(request, "Success");
  ack.add("EventList", "start");
  ack.add("Message", "Following are Events for each object associated with the Endpoint");
  send(ack);
  for (const auto& event : pjsip_endpoint_events(*endpoint, request.get_or("ActionID"))) send(event);
}

// manager_sip_show_peer(): one reply with the peer's settings.
void Session::sip_show_peer(const ami::Message& request) {
  const auto peer = request.get_or("Peer");
  if (peer.empty()) {
    send(reply(request, "Error", "Peer: <name> missing."));
    return;
  }
  auto headers = sip_peer_headers(peer);
  if (headers.empty()) {
    send(reply(request, "Error", "Peer " + std::string(peer) + " not found."));
    return;
  }
  auto out = start_reply(request, "Success");
  for (auto& h : headers) out.add(std::move(h.name), std::move(h.value));
  send(out);
}

// action_setvar(): a global variable without Channel (VarSet with Channel: none, class
// dialplan); on a live channel it is only acknowledged (the simulator keeps no variables).
void Session::setvar(const ami::Message& request) {
  const auto variable = request.get_or("Variable");
  if (variable.empty()) {
    send(reply(request, "Error", "No variable specified"));
    return;
  }
  const auto channel = request.get_or("Channel");
  if (!channel.empty()) {
    for (const auto& weak : world_.calls) {
      const auto call = weak.lock();
      if (call && call->find(channel) != nullptr) {
        send(reply(request, "Success", "Variable Set"));
        return;
      }
    }
    send(reply(request, "Error", "No such channel"));
    return;
  }
  send(reply(request, "Success", "Variable Set"));
  auto event = start_event("VarSet", authority_to_str(flag::dialplan));
  event.add("Channel", "none");
  event.add("Uniqueid", "none");
  event.add("Variable", std::string(variable));
  event.add("Value", std::string(request.get_or("Value")));
  deliver(world_, weak_from_this(), event, flag::dialplan);
}

}  // namespace eecall::sim
