// The one flow both front ends share: what arrived -> policy and profile -> Request ->
// AMI session -> Outcome.
#pragma once

#include <functional>

#include "eecall/ami/client.hpp"
#include "eecall/front/config.hpp"
#include "eecall/front/policy.hpp"
#include "eecall/outcome.hpp"
#include "eecall/request.hpp"

namespace eecall::front {

/// Runs a validated request against the PBX. Replaceable so front ends can be tested
/// in-process without a network.
using Executor = std::function<Outcome(const Request&, const ami::ClientSettings&)>;
Executor network_executor();

/// Applies the policy (token, profile, URL credentials), validates, checks allow_hosts,
/// allow_from and allow_to, then the anti-flood (repeat_window, max_actions_per_minute), runs
/// the request, logs the one info line, and measures the time.
Outcome handle(const Incoming& incoming, const Config& config, const SettingValues& environment,
               const Executor& executor);

}  // namespace eecall::front
