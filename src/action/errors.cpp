#include "eecall/action/errors.hpp"

namespace eecall {

namespace {

// The code's row; a value outside the enumeration (a cast gone wrong) reads as internal_error.
constexpr const ErrorInfo& info(ErrorCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < error_table.size() ? error_table[index]
                                    : error_table[static_cast<std::size_t>(ErrorCode::internal_error)];
}

}  // namespace

std::string_view error_name(ErrorCode code) noexcept { return info(code).name; }

std::optional<ErrorCode> error_code_named(std::string_view name) noexcept {
  for (const auto& row : error_table) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

int http_status(ErrorCode code, AnswerKind kind) noexcept {
  if (kind == AnswerKind::job_accepted) return 202;
  if (kind == AnswerKind::job_state || kind == AnswerKind::check) return 200;
  return info(code).http;
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
  return static_cast<int>(info(code).exit);
}

}  // namespace eecall
