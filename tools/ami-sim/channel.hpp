// A simulated channel and the AMI events about it, with the channel snapshot headers
// Asterisk 20 prints (Channel, ChannelState, ..., Uniqueid, Linkedid; "Dest"-prefixed for the
// dialled side of Dial* events), as in the h* transcripts.
#pragma once

#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"
#include "permissions.hpp"

namespace eecall::sim {

/// AST_STATE_* values the simulator uses.
enum class ChannelState { down = 0, ring = 4, ringing = 5, up = 6 };

struct Party {
  std::string number;  // empty prints "<unknown>"
  std::string name;
};

struct Channel {
  std::string name;
  std::string uniqueid;
  std::string linkedid;
  ChannelState state = ChannelState::down;
  Party caller;
  Party connected;
  std::string context = "from-internal";
  std::string exten = "s";
  int priority = 1;
  bool gone = false;  // its Hangup event was sent: the Hangup action no longer finds it
};

/// `Event: <name>` / `Privilege: <class>,all` and the snapshot of `channel`.
ami::Message channel_event(std::string_view name, ClassMask category, const Channel& channel);

/// DialBegin / DialState / DialEnd: the caller's snapshot (none when `caller` is null, as for
/// Originate's own dial), the dialled channel's as Dest*, then `extra` headers.
ami::Message dial_event(std::string_view name, const Channel* caller, const Channel& dest);

/// Hangup event; TechCause only when non-zero (486 for a busy PJSIP phone).
ami::Message hangup_event(const Channel& channel, int cause, int tech_cause = 0);

/// ast_cause2str() for the causes the simulator uses ("Unknown" otherwise).
std::string_view cause_text(int cause);

}  // namespace eecall::sim
