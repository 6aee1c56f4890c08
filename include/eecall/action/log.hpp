// Logging: spdlog to stderr (the web server's error log); a background job logs to syslog or
// the admin's file instead. Never throws into the caller.
#pragma once

#include <string>

#include "eecall/action/outcome.hpp"
#include "eecall/request/parse.hpp"

namespace eecall::log {

/// Sets up the stderr logger once; the level comes from SPDLOG_LEVEL (default: info).
void init() noexcept;

/// From now on, log as background job `job_id`: to `file` when given (and usable), else to
/// syslog (ident eecall, facility user); the same lines, prefixed with the job id.
void to_job_log(const std::string& job_id, const std::string& file) noexcept;

/// The one info line per request: what was asked (never the secret), outcome, time.
void request_done(const Request* request, const Outcome& outcome) noexcept;

/// The one info line of a check (`--check`, `check=1`): the PBX, the use checked, the verdict.
void check_done(const Request& request, ActionKind use, const Outcome& report) noexcept;

/// The line of a request that became a background job.
void job_accepted(const Request& request, const std::string& job_id) noexcept;

/// How a job's notify went; `redacted_url` holds no secret (notify.hpp: redact_url).
void job_notified(const std::string& redacted_url, const NotifyReport& report) noexcept;

}  // namespace eecall::log
