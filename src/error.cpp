#include "eecall/error.hpp"

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
  }
  return "internal_error";
}

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::none: return 200;
    case ErrorCode::missing_parameter:
    case ErrorCode::invalid_parameter: return 400;
    case ErrorCode::timeout: return 504;
    case ErrorCode::internal_error:
    case ErrorCode::config_error:
    case ErrorCode::speech_failed: return 500;
    case ErrorCode::forbidden: return 403;
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
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

int exit_status(ErrorCode code) noexcept {
  if (code == ErrorCode::forbidden) return static_cast<int>(ExitStatus::forbidden);
  if (code == ErrorCode::config_error) return static_cast<int>(ExitStatus::config_error);
  switch (http_status(code)) {
    case 200: return static_cast<int>(ExitStatus::success);
    case 400: return static_cast<int>(ExitStatus::bad_input);
    case 502: return static_cast<int>(ExitStatus::pbx_failure);
    case 504: return static_cast<int>(ExitStatus::timeout);
    default: return static_cast<int>(ExitStatus::internal_error);
  }
}

}  // namespace eecall
