// Logging: spdlog to stderr (the web server's error log). Never throws into the caller.
#pragma once

#include "eecall/outcome.hpp"
#include "eecall/request.hpp"

namespace eecall::log {

/// Sets up the stderr logger once; the level comes from SPDLOG_LEVEL (default: info).
void init() noexcept;

/// The one info line per request: what was asked (never the secret), outcome, time.
void request_done(const Request* request, const Outcome& outcome) noexcept;

}  // namespace eecall::log
