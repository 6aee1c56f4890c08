// Error codes: one stable, machine-readable value per failure class.
// They are mapped to an HTTP status and an exit status here and only here.
#pragma once

#include <string_view>

namespace eecall {

enum class ErrorCode {
  none,               // success
  missing_parameter,  // a required parameter is absent or empty
  invalid_parameter,  // a parameter is present but not acceptable
  resolve_failed,     // the PBX host name does not resolve
  connect_failed,     // TCP connect refused or unreachable
  timeout,            // a step (or the whole request) ran past its deadline
  not_asterisk,       // the peer's banner is not "Asterisk Call Manager/..."
  auth_failed,        // Login refused
  permission_denied,  // the AMI user lacks the right for the action
  action_failed,      // Asterisk answered the action with an error
  protocol_error,     // the peer broke the AMI framing or closed too early
  tls_failed,         // TLS was asked for and the handshake or the certificate check failed
  // What became of a call when the request waited for it (wait=SECONDS, OriginateResponse):
  busy,         // Reason 5
  no_answer,    // Reason 3: rang until the ring timeout
  congestion,   // Reason 8: rejected, network or destination out of order
  hangup,       // Reason 1: hung up before answering
  call_failed,  // Reason 0 or any other: no channel, unknown or unreachable phone
  // Alerts (say/play, ack):
  not_acknowledged,  // answered, but the `ack` key was not pressed
  playback_failed,   // answered, but Asterisk could not play the prompt (PLAYBACKSTATUS/READSTATUS)
  internal_error,     // a bug or a resource failure on our side
  forbidden,          // refused by the admin's policy: token, allow_from/allow_to, URL credentials
  config_error,       // the configuration file (or an EECALL_* setting) is unusable
  speech_failed,      // text to speech: the speech module is missing, or the engine or disk failed
  method_not_allowed,  // CGI: an HTTP method other than GET or POST (HEAD, PUT, DELETE, ...)
  rate_limited,        // more than max_actions_per_minute actions in the last minute
  // Background jobs (background=1, job=ID):
  cancelled,     // the job was stopped by a cancel request (its call hung up)
  unknown_job,   // job=ID names no job (never existed, or cleaned up)
  busy_jobs,     // max_jobs background jobs are already running
};

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
