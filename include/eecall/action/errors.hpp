// Error codes: one stable, machine-readable value per failure class.
// They are mapped to an HTTP status and an exit status here and only here.
#pragma once

#include <string_view>

#include "eecall/util/error_code.hpp"

namespace eecall {


/// The snake_case name used in answers (`/eecall/error`), e.g. "auth_failed".
std::string_view error_name(ErrorCode code) noexcept;

/// What an answer is about: the request's own outcome; a background job just accepted (202,
/// exit 0); a job's state (200, exit 0: the job's own result and error are in the body); or
/// the report of `--check` / `check=1` (200: the report was made; the exit status is the one
/// of its error, the first needed check that did not pass).
enum class AnswerKind { outcome, job_accepted, job_state, check };

/// 200 success, 400 bad request, 403 forbidden by policy, 404 unknown job, 405 method not
/// allowed, 409 cancelled, 429 too many actions, 502 PBX refused or failed, 503 too many jobs,
/// 504 timeout, 500 ours (a bug or the configuration). A job answer (`kind`) is 202 or 200
/// whatever the job's code, a check's report 200 whatever it found.
int http_status(ErrorCode code, AnswerKind kind = AnswerKind::outcome) noexcept;

/// The reason phrase for an HTTP status used by http_status() ("Bad Gateway", ...).
std::string_view http_reason(int status) noexcept;

/// Exit status of the command line: see ExitStatus.
int exit_status(ErrorCode code, AnswerKind kind = AnswerKind::outcome) noexcept;

/// Documented exit statuses of `eecall` on the command line.
enum class ExitStatus : int {
  success = 0,
  internal_error = 1,
  bad_input = 2,    // usage error, missing or invalid parameter (and method_not_allowed, which
                    // only a web server can cause)
  pbx_failure = 3,  // resolve, connect, not Asterisk, auth, permission, action, protocol, TLS,
                    // a waited-for call that was not answered (busy, no_answer, ...), an alert
                    // nobody acknowledged, a prompt Asterisk could not play; cancelled
  timeout = 4,
  forbidden = 5,    // token missing or wrong, number not allowed, URL credentials refused
  config_error = 6, // configuration file or EECALL_* setting unusable
  try_later = 7,    // nothing was done, try again later: max_actions_per_minute reached
                    // (rate_limited) or max_jobs background jobs already running (busy_jobs)
  // --check: 0 when every check needed for the use passed; else the status of the first
  // needed check that did not (3 the PBX's side, 4 a timeout, 5 a number or host the policy
  // refuses, 6 eecall's own side).
};

}  // namespace eecall
