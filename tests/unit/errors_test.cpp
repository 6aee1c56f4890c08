// Error codes: their stable names and the HTTP and exit statuses they map to (issue 2, 5 and 6).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "eecall/action/errors.hpp"

namespace eecall {
namespace {

struct Mapping {
  ErrorCode code;
  const char* name;
  int http;
  int exit;
};

// The table of the issue: 200 success, 400 bad request, 502 the PBX refused or failed,
// 504 timeout; exit 0 / 2 bad input / 3 PBX failure / 4 timeout (1: our own failure).
const Mapping mappings[] = {
    {ErrorCode::none, "none", 200, 0},
    {ErrorCode::missing_parameter, "missing_parameter", 400, 2},
    {ErrorCode::invalid_parameter, "invalid_parameter", 400, 2},
    {ErrorCode::resolve_failed, "resolve_failed", 502, 3},
    {ErrorCode::connect_failed, "connect_failed", 502, 3},
    {ErrorCode::timeout, "timeout", 504, 4},
    {ErrorCode::not_asterisk, "not_asterisk", 502, 3},
    {ErrorCode::auth_failed, "auth_failed", 502, 3},
    {ErrorCode::permission_denied, "permission_denied", 502, 3},
    {ErrorCode::action_failed, "action_failed", 502, 3},
    {ErrorCode::protocol_error, "protocol_error", 502, 3},
    {ErrorCode::tls_failed, "tls_failed", 502, 3},
    {ErrorCode::busy, "busy", 502, 3},
    {ErrorCode::no_answer, "no_answer", 502, 3},
    {ErrorCode::congestion, "congestion", 502, 3},
    {ErrorCode::hangup, "hangup", 502, 3},
    {ErrorCode::call_failed, "call_failed", 502, 3},
    {ErrorCode::not_acknowledged, "not_acknowledged", 502, 3},
    {ErrorCode::playback_failed, "playback_failed", 502, 3},
    {ErrorCode::internal_error, "internal_error", 500, 1},
    {ErrorCode::forbidden, "forbidden", 403, 5},
    {ErrorCode::config_error, "config_error", 500, 6},
    {ErrorCode::speech_failed, "speech_failed", 500, 1},
    {ErrorCode::method_not_allowed, "method_not_allowed", 405, 2},  // never on the command line
    {ErrorCode::rate_limited, "rate_limited", 429, 7},
    {ErrorCode::cancelled, "cancelled", 409, 3},
    {ErrorCode::unknown_job, "unknown_job", 404, 2},
    {ErrorCode::busy_jobs, "busy_jobs", 503, 7},
};

class ErrorMapping : public ::testing::TestWithParam<Mapping> {};

TEST_P(ErrorMapping, Name) { EXPECT_EQ(error_name(GetParam().code), GetParam().name); }

TEST_P(ErrorMapping, HttpStatus) { EXPECT_EQ(http_status(GetParam().code), GetParam().http); }

TEST_P(ErrorMapping, ExitStatus) { EXPECT_EQ(exit_status(GetParam().code), GetParam().exit); }

TEST_P(ErrorMapping, HttpStatusHasAReasonPhrase) {
  EXPECT_NE(http_reason(http_status(GetParam().code)), "Unknown");
}

std::string mapping_name(const ::testing::TestParamInfo<Mapping>& param_info) {
  return param_info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Error, ErrorMapping, ::testing::ValuesIn(mappings), mapping_name);

// A job's answers: the request that started it was accepted; a state was read. The job's own
// error is in the body, not in the status.
TEST(AnswerKind, JobAnswersAre202And200WhateverTheJobsError) {
  for (const auto code : {ErrorCode::none, ErrorCode::busy, ErrorCode::cancelled, ErrorCode::internal_error}) {
    EXPECT_EQ(http_status(code, AnswerKind::job_accepted), 202);
    EXPECT_EQ(http_status(code, AnswerKind::job_state), 200);
    EXPECT_EQ(exit_status(code, AnswerKind::job_accepted), 0);
    EXPECT_EQ(exit_status(code, AnswerKind::job_state), 0);
  }
  EXPECT_EQ(http_reason(202), "Accepted");
}

TEST(Error, NamesAreUniqueSnakeCase) {
  std::set<std::string> seen;
  for (const auto& m : mappings) {
    const std::string name(error_name(m.code));
    EXPECT_TRUE(seen.insert(name).second) << name;
    ASSERT_FALSE(name.empty());
    for (const char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    EXPECT_NE(name.front(), '_');
    EXPECT_NE(name.back(), '_');
  }
}

TEST(Error, ReasonPhrases) {
  EXPECT_EQ(http_reason(200), "OK");
  EXPECT_EQ(http_reason(400), "Bad Request");
  EXPECT_EQ(http_reason(405), "Method Not Allowed");
  EXPECT_EQ(http_reason(429), "Too Many Requests");
  EXPECT_EQ(http_reason(500), "Internal Server Error");
  EXPECT_EQ(http_reason(502), "Bad Gateway");
  EXPECT_EQ(http_reason(504), "Gateway Timeout");
}

TEST(Error, DocumentedExitStatusValues) {
  EXPECT_EQ(static_cast<int>(ExitStatus::success), 0);
  EXPECT_EQ(static_cast<int>(ExitStatus::internal_error), 1);
  EXPECT_EQ(static_cast<int>(ExitStatus::bad_input), 2);
  EXPECT_EQ(static_cast<int>(ExitStatus::pbx_failure), 3);
  EXPECT_EQ(static_cast<int>(ExitStatus::timeout), 4);
}

}  // namespace
}  // namespace eecall
