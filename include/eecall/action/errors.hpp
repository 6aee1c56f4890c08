// Error codes: one stable, machine-readable value per failure class.
// They are mapped to a name, an HTTP status and an exit status here and only here: one table,
// one row per code (error_table below).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "eecall/util/error_code.hpp"

namespace eecall {

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

/// One row of error_table: everything an answer says about a code.
struct ErrorInfo {
  ErrorCode code;
  std::string_view name;  // snake_case, stable: `/eecall/error`
  int http;               // the HTTP status of a request's own outcome
  ExitStatus exit;        // the exit status of the command line for that outcome
  std::string_view text;  // what it means, in a few words
};

/// Every ErrorCode, in the order of the enumeration (checked below): 200 success, 400 bad
/// request, 403 forbidden by policy, 404 unknown job, 405 method not allowed, 409 cancelled,
/// 429 too many actions, 502 PBX refused or failed, 503 too many jobs, 504 timeout, 500 ours
/// (a bug or the configuration).
inline constexpr std::array error_table = {
    ErrorInfo{ErrorCode::none, "none", 200, ExitStatus::success, "success"},
    ErrorInfo{ErrorCode::missing_parameter, "missing_parameter", 400, ExitStatus::bad_input,
              "a required parameter is absent or empty"},
    ErrorInfo{ErrorCode::invalid_parameter, "invalid_parameter", 400, ExitStatus::bad_input,
              "a parameter is not acceptable"},
    ErrorInfo{ErrorCode::resolve_failed, "resolve_failed", 502, ExitStatus::pbx_failure,
              "the PBX host name does not resolve"},
    ErrorInfo{ErrorCode::connect_failed, "connect_failed", 502, ExitStatus::pbx_failure,
              "TCP connect refused or unreachable"},
    ErrorInfo{ErrorCode::timeout, "timeout", 504, ExitStatus::timeout, "a step ran past its deadline"},
    ErrorInfo{ErrorCode::not_asterisk, "not_asterisk", 502, ExitStatus::pbx_failure,
              "the peer is not an Asterisk Manager Interface"},
    ErrorInfo{ErrorCode::auth_failed, "auth_failed", 502, ExitStatus::pbx_failure, "login refused"},
    ErrorInfo{ErrorCode::permission_denied, "permission_denied", 502, ExitStatus::pbx_failure,
              "the AMI user lacks the right for the action"},
    ErrorInfo{ErrorCode::action_failed, "action_failed", 502, ExitStatus::pbx_failure,
              "Asterisk answered the action with an error"},
    ErrorInfo{ErrorCode::protocol_error, "protocol_error", 502, ExitStatus::pbx_failure,
              "the peer broke the AMI framing or closed too early"},
    ErrorInfo{ErrorCode::tls_failed, "tls_failed", 502, ExitStatus::pbx_failure,
              "the TLS handshake or certificate check failed"},
    ErrorInfo{ErrorCode::busy, "busy", 502, ExitStatus::pbx_failure, "the phone was busy"},
    ErrorInfo{ErrorCode::no_answer, "no_answer", 502, ExitStatus::pbx_failure, "nobody answered"},
    ErrorInfo{ErrorCode::congestion, "congestion", 502, ExitStatus::pbx_failure, "the call was rejected"},
    ErrorInfo{ErrorCode::hangup, "hangup", 502, ExitStatus::pbx_failure, "hung up before answering"},
    ErrorInfo{ErrorCode::call_failed, "call_failed", 502, ExitStatus::pbx_failure, "the call could not be made"},
    ErrorInfo{ErrorCode::not_acknowledged, "not_acknowledged", 502, ExitStatus::pbx_failure,
              "answered, but the ack key was not pressed"},
    ErrorInfo{ErrorCode::playback_failed, "playback_failed", 502, ExitStatus::pbx_failure,
              "answered, but Asterisk could not play the prompt"},
    ErrorInfo{ErrorCode::internal_error, "internal_error", 500, ExitStatus::internal_error,
              "a bug or a resource failure on our side"},
    ErrorInfo{ErrorCode::forbidden, "forbidden", 403, ExitStatus::forbidden, "refused by the admin's policy"},
    ErrorInfo{ErrorCode::config_error, "config_error", 500, ExitStatus::config_error,
              "the configuration is unusable"},
    ErrorInfo{ErrorCode::speech_failed, "speech_failed", 500, ExitStatus::internal_error,
              "the spoken alert's audio could not be made"},
    // Only a web server can cause it: the documentation prints no exit status for it.
    ErrorInfo{ErrorCode::method_not_allowed, "method_not_allowed", 405, ExitStatus::bad_input,
              "an HTTP method other than GET or POST"},
    ErrorInfo{ErrorCode::rate_limited, "rate_limited", 429, ExitStatus::try_later,
              "max_actions_per_minute reached"},
    ErrorInfo{ErrorCode::cancelled, "cancelled", 409, ExitStatus::pbx_failure,
              "the job was stopped by a cancel request"},
    ErrorInfo{ErrorCode::unknown_job, "unknown_job", 404, ExitStatus::bad_input, "job=ID names no job"},
    ErrorInfo{ErrorCode::busy_jobs, "busy_jobs", 503, ExitStatus::try_later,
              "max_jobs background jobs are already running"},
};

namespace detail {
constexpr bool error_table_in_enum_order() {
  for (std::size_t i = 0; i < error_table.size(); ++i) {
    if (static_cast<std::size_t>(error_table[i].code) != i) return false;
  }
  return true;
}
}  // namespace detail
static_assert(error_table.size() == static_cast<std::size_t>(last_error_code) + 1,
              "error_table needs one row per ErrorCode");
static_assert(detail::error_table_in_enum_order(), "error_table's rows follow the ErrorCode enumeration");

/// The snake_case name used in answers (`/eecall/error`), e.g. "auth_failed".
std::string_view error_name(ErrorCode code) noexcept;

/// The code whose error_name() is `name`; std::nullopt for any other text.
std::optional<ErrorCode> error_code_named(std::string_view name) noexcept;

/// What an answer is about: the request's own outcome; a background job just accepted (202,
/// exit 0); a job's state (200, exit 0: the job's own result and error are in the body); or
/// the report of `--check` / `check=1` (200: the report was made; the exit status is the one
/// of its error, the first needed check that did not pass).
enum class AnswerKind { outcome, job_accepted, job_state, check };

/// The code's status in error_table. A job answer (`kind`) is 202 or 200 whatever the job's
/// code, a check's report 200 whatever it found.
int http_status(ErrorCode code, AnswerKind kind = AnswerKind::outcome) noexcept;

/// The reason phrase for an HTTP status used by http_status() ("Bad Gateway", ...).
std::string_view http_reason(int status) noexcept;

/// Exit status of the command line (see ExitStatus): the code's in error_table, 0 for a job
/// answer.
int exit_status(ErrorCode code, AnswerKind kind = AnswerKind::outcome) noexcept;

}  // namespace eecall
