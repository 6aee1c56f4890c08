// Originate (manager.c action_originate()): the checks, then the plan of the call.
#pragma once

#include <optional>

#include "call_plan.hpp"
#include "eecall/ami/message.hpp"
#include "options.hpp"
#include "permissions.hpp"

namespace eecall::sim {

struct OriginatePlan {
  /// The action's reply when it is refused (Error); otherwise the reply of an asynchronous
  /// Originate ("Originate successfully queued"), sent at once.
  ami::Message reply;
  /// The call to place; nullopt when the Originate was refused.
  std::optional<CallPlan> call;
};

/// The checks in Asterisk's order (ChannelId length, Channel, Priority, Timeout, '/',
/// Application blacklist, extension exists when Priority is set), then the call: the phone
/// dialled (phone_for()) or, for a Local channel, the extension its ;2 half runs. The caller
/// checks write=originate.
OriginatePlan plan_originate(const ami::Message& request, ClassMask write_permission,
                             const Options& options);

}  // namespace eecall::sim
