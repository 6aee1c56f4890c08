// Error codes: one stable, machine-readable value per failure class. Their names, HTTP and exit
// statuses are mapped in one table, at the edge (action/errors.hpp).
#pragma once

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
  // A new code: give it its row in error_table (action/errors.hpp), at the same place; if it
  // goes last, move last_error_code below.
};

/// The last enumerator: error_table (action/errors.hpp) checks it has a row for each.
inline constexpr ErrorCode last_error_code = ErrorCode::busy_jobs;

}  // namespace eecall
