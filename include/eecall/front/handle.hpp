// The one flow both front ends share: parameters -> Request -> AMI session -> Outcome.
#pragma once

#include <functional>

#include "eecall/ami/client.hpp"
#include "eecall/outcome.hpp"
#include "eecall/request.hpp"

namespace eecall::front {

/// Runs a validated request against the PBX. Replaceable so front ends can be tested
/// in-process without a network.
using Executor = std::function<Outcome(const Request&, const ami::ClientSettings&)>;
Executor network_executor();

/// Validates `params`, runs the request, logs the one info line, and measures the time.
Outcome handle(const Params& params, const ami::ClientSettings& settings,
               const Executor& executor);

}  // namespace eecall::front
