// Originate (manager.c action_originate() + fast_originate()) as a plan of what to send when.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "dialplan.hpp"
#include "eecall/ami/message.hpp"
#include "options.hpp"
#include "permissions.hpp"

namespace eecall::sim {

struct OriginatePlan {
  ami::Message reply;                        // the action's response
  std::chrono::milliseconds reply_delay{0};  // synchronous: the reply waits for the "call"
  bool reply_never = false;                  // synchronous with --originate-outcome none
  /// Newchannel / Newstate: sent (to sessions whose mask has `call`) right after an async ack,
  /// or before a synchronous reply.
  std::vector<ami::Message> call_events;
  /// Async only: OriginateResponse, sent after the event delay to sessions with `call`.
  std::optional<ami::Message> response_event;
};

/// The checks in Asterisk's order (ChannelId length, Channel, Priority, Timeout, '/',
/// Application blacklist, extension exists when Priority is set), then the outcome:
/// forced_outcome() for the lab's phones, else `options.outcome`. The caller checks
/// write=originate.
OriginatePlan plan_originate(const ami::Message& request, ClassMask write_permission,
                             const Options& options, ChannelNamer& namer);

}  // namespace eecall::sim
