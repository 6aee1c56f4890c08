// What the lab's Asterisk has, as `eecall --check` asks it (tests/data/k*): its loaded modules
// (ModuleCheck), its PJSIP endpoints and chan_sip peers (PJSIPShowEndpoint, SIPshowpeer) and its
// core settings (CoreSettings). The lab's configuration is shared/asterisk/templates/ and
// lab-config/, with its standard ports (the recordings' moved ports differ only in numbers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eecall/ami/message.hpp"
#include "options.hpp"

namespace eecall::sim {

/// ModuleCheck's lookup: `name` with ".so" appended unless it ends so, compared without case
/// with the lab's loaded modules (the 93 of its modules directory), minus --unload ones.
bool module_loaded(std::string_view name, const Options& options);

/// A PJSIP endpoint of the lab: 100-108, each with an AOR of the same name; 103 has no contact,
/// 102 is qualified every 30 s and unreachable, the others have a static contact that is not
/// qualified.
struct PjsipEndpoint {
  std::string name;
  std::string contact;  // "sip:100@127.0.0.1:5070", empty for none
  std::string status;   // ContactStatusDetail's Status: NonQualified, Unreachable
  int qualify_frequency = 0;
  std::string device_state;  // EndpointDetail's DeviceState: "Not in use", "Unavailable"
};
const PjsipEndpoint* find_pjsip_endpoint(std::string_view name);

/// PJSIPShowEndpoint's events for `endpoint` (EndpointDetail, TransportDetail, AorDetail, a
/// ContactStatusDetail when it has a contact, EndpointDetailComplete), each with `action_id`;
/// only some of the headers Asterisk sends: those a check reads and a few that name things.
std::vector<ami::Message> pjsip_endpoint_events(const PjsipEndpoint& endpoint, std::string_view action_id);

/// SIPshowpeer's Success reply for the lab's chan_sip peers 100 and 101 (a static host, not
/// qualified: Status Unmonitored), with some of Asterisk's headers; empty for any other peer.
std::vector<ami::Header> sip_peer_headers(std::string_view peer);

/// CoreSettings' headers after Response and ActionID: the lab's Asterisk 20.20.1 with no
/// systemname (the simulator's events carry none either) and --run-user's user and group.
std::vector<ami::Header> core_settings_headers(const Options& options);

}  // namespace eecall::sim
