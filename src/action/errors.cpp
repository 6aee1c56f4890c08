#include "eecall/action/errors.hpp"

namespace eecall {

std::string_view error_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::none: return "none";
    case ErrorCode::missing_parameter: return "missing_parameter";
    case ErrorCode::invalid_parameter: return "invalid_parameter";
    case ErrorCode::resolve_failed: return "resolve_failed";
    case ErrorCode::connect_failed: return "connect_failed";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::not_asterisk: return "not_asterisk";
    case ErrorCode::auth_failed: return "auth_failed";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::action_failed: return "action_failed";
    case ErrorCode::protocol_error: return "protocol_error";
    case ErrorCode::tls_failed: return "tls_failed";
    case ErrorCode::busy: return "busy";
    case ErrorCode::no_answer: return "no_answer";
    case ErrorCode::congestion: return "congestion";
    case ErrorCode::hangup: return "hangup";
    case ErrorCode::call_failed: return "call_failed";
    case ErrorCode::not_acknowledged: return "not_acknowledged";
    case ErrorCode::playback_failed: return "playback_failed";
    case ErrorCode::internal_error: return "internal_error";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::config_error: return "config_error";
    case ErrorCode::speech_failed: return "speech_failed";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::unknown_job: return "unknown_job";
    case ErrorCode::busy_jobs: return "busy_jobs";
  }
  return "internal_error";
}

int http_status(ErrorCode code, AnswerKind kind) noexcept {
  if (kind == AnswerKind::job_accepted) return 202;
  if (kind == AnswerKind::job_state || kind == AnswerKind::check) return 200;
  switch (code) {
    case ErrorCode::none: return 200;
    case ErrorCode::missing_parameter:
    case ErrorCode::invalid_parameter: return 400;
    case ErrorCode::timeout: return 504;
    case ErrorCode::internal_error:
    case ErrorCode::config_error:
    case ErrorCode::speech_failed: return 500;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unknown_job: return 404;
    case ErrorCode::cancelled: return 409;
    case ErrorCode::busy_jobs: return 503;
    case ErrorCode::resolve_failed:
    case ErrorCode::connect_failed:
    case ErrorCode::not_asterisk:
    case ErrorCode::auth_failed:
    case ErrorCode::permission_denied:
    case ErrorCode::action_failed:
    case ErrorCode::protocol_error:
    case ErrorCode::tls_failed:
    case ErrorCode::busy:
    case ErrorCode::no_answer:
    case ErrorCode::congestion:
    case ErrorCode::hangup:
    case ErrorCode::call_failed:
    case ErrorCode::not_acknowledged:
    case ErrorCode::playback_failed: return 502;
  }
  return 500;
}

std::string_view http_reason(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

int exit_status(ErrorCode code, AnswerKind kind) noexcept {
  if (kind == AnswerKind::job_accepted || kind == AnswerKind::job_state) {
    return static_cast<int>(ExitStatus::success);
  }
  if (code == ErrorCode::forbidden) return static_cast<int>(ExitStatus::forbidden);
  if (code == ErrorCode::config_error) return static_cast<int>(ExitStatus::config_error);
  switch (http_status(code)) {
    case 200: return static_cast<int>(ExitStatus::success);
    case 400:
    case 404:  // a job id that names nothing
    case 405: return static_cast<int>(ExitStatus::bad_input);
    case 409:
    case 502: return static_cast<int>(ExitStatus::pbx_failure);
    case 429:
    case 503: return static_cast<int>(ExitStatus::try_later);
    case 504: return static_cast<int>(ExitStatus::timeout);
    default: return static_cast<int>(ExitStatus::internal_error);
  }
}

}  // namespace eecall
