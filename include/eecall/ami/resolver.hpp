// The resolver step of a session: a host name to IP address strings, under a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "eecall/util/result.hpp"

namespace eecall::ami {

/// The resolver step, replaceable in tests. Returns "address" strings (IP literals).
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host,
                                                                std::chrono::milliseconds)>;

/// getaddrinfo(), given up (not cancelled) after its budget. Failures: timeout or
/// resolve_failed, step "resolve".
Resolver system_resolver();

}  // namespace eecall::ami
