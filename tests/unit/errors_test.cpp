// Error codes: their stable names and the HTTP and exit statuses they map to (issue 2, 5 and 6).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

TEST(AnswerKind, ACheckReportIs200AndExitsWithItsErrorsStatus) {
  for (const auto& row : error_table) {
    EXPECT_EQ(http_status(row.code, AnswerKind::check), 200) << row.name;
    EXPECT_EQ(exit_status(row.code, AnswerKind::check), exit_status(row.code)) << row.name;
  }
}

TEST(Error, CodeNamedIsTheInverseOfErrorName) {
  for (const auto& m : mappings) EXPECT_EQ(error_code_named(m.name), m.code) << m.name;
  EXPECT_EQ(error_code_named(""), std::nullopt);
  EXPECT_EQ(error_code_named("Busy"), std::nullopt);
  EXPECT_EQ(error_code_named("no such code"), std::nullopt);
}

TEST(Error, TheTableHasOneRowPerCodeInOrder) {
  ASSERT_EQ(error_table.size(), std::size(mappings));
  for (std::size_t i = 0; i < error_table.size(); ++i) {
    EXPECT_EQ(error_table[i].code, mappings[i].code);
    EXPECT_FALSE(error_table[i].text.empty()) << error_table[i].name;
  }
}

// A value outside the enumeration reads as internal_error, as it always did.
TEST(Error, AnUnknownValueReadsAsInternalError) {
  const auto stray = static_cast<ErrorCode>(200);
  EXPECT_EQ(error_name(stray), "internal_error");
  EXPECT_EQ(http_status(stray), 500);
  EXPECT_EQ(exit_status(stray), 1);
}

// --- The documentation's error tables say what the table says ---------------------------------

// One code as a document lists it, with the statuses printed next to it.
struct Documented {
  std::string code;
  std::string http;
  std::string exit;
  int line;
};

std::vector<std::string> lines_of(const std::string& relative_path) {
  const std::string path = std::string(EECALL_TEST_DATA) + "/../../" + relative_path;
  std::ifstream file(path);
  EXPECT_TRUE(file) << "cannot read " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (auto at = text.find(separator); at != std::string::npos; at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : text.substr(first, text.find_last_not_of(' ') - first + 1);
}

bool is_identifier(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// A Markdown table of error codes in `document`, under the line `header`: the codes of a row are
// the `quoted` words of its first cell outside parentheses (which explain, and may quote
// settings), after a "context: "; a row with other words there is prose ("a job accepted").
std::vector<Documented> markdown_error_table(const std::string& document, const std::string& header) {
  const auto lines = lines_of(document);
  std::vector<Documented> listed;
  auto at = std::find(lines.begin(), lines.end(), header);
  if (at == lines.end()) return listed;
  for (at += 2; at != lines.end() && at->starts_with("|"); ++at) {
    const auto cells = split(*at, "|");  // "", codes, HTTP, exit, meaning, ""
    if (cells.size() < 4) ADD_FAILURE() << document << ":" << (at - lines.begin() + 1) << ": not a table row";
    if (cells.size() < 4) continue;
    // "with `wait`: `busy`, ..." or "background: `busy_jobs`": the codes follow the context.
    std::string codes;  // the cell without its (explanations)
    int depth = 0;
    for (const char c : cells[1]) {
      depth += c == '(' ? 1 : 0;
      if (depth == 0) codes.push_back(c);
      depth -= c == ')' && depth > 0 ? 1 : 0;
    }
    if (const auto colon = codes.rfind(": "); colon != std::string::npos) codes = codes.substr(colon + 2);
    const auto quoted = split(codes, "`");
    bool prose = false;  // what is not quoted must be separators (", ", " and "), or the row is prose
    for (std::size_t i = 0; i < quoted.size(); i += 2) {
      const auto gap = trimmed(quoted[i]);
      prose = prose || !(gap.empty() || gap == "," || gap == "and" || gap == ", and");
    }
    if (prose) continue;
    for (std::size_t i = 1; i < quoted.size(); i += 2) {
      listed.push_back({quoted[i], trimmed(cells[2]), trimmed(cells[3]), static_cast<int>(at - lines.begin() + 1)});
    }
  }
  return listed;
}

// docs/eecall.1: the tbl table of EXIT STATUS (tab-separated cells). A first cell may start with
// "context: " and list codes separated by ", "; a cell of prose ("a job accepted") names no code.
std::vector<Documented> man_error_table() {
  const auto lines = lines_of("docs/eecall.1");
  std::vector<Documented> listed;
  auto at = std::find(lines.begin(), lines.end(), ".SH EXIT STATUS");
  at = std::find(at, lines.end(), "error\tHTTP\texit");
  if (at == lines.end()) return listed;
  for (++at; at != lines.end() && *at != ".TE"; ++at) {
    const auto cells = split(*at, "\t");
    if (cells.size() != 3) ADD_FAILURE() << "docs/eecall.1:" << (at - lines.begin() + 1) << ": not a table row";
    if (cells.size() != 3) continue;
    const auto colon = cells[0].rfind(": ");
    const auto words = split(colon == std::string::npos ? cells[0] : cells[0].substr(colon + 2), ", ");
    if (!std::all_of(words.begin(), words.end(), is_identifier)) continue;
    for (const auto& word : words) listed.push_back({word, cells[1], cells[2], static_cast<int>(at - lines.begin() + 1)});
  }
  return listed;
}

// Every code but none listed once, with its statuses. method_not_allowed has no exit status in
// the documentation (`dash`): only a web server can cause it.
void expect_the_error_table(const std::vector<Documented>& listed, const std::string& document,
                            const std::string& dash) {
  ASSERT_FALSE(listed.empty()) << document << ": no error table found";
  std::set<std::string> seen;
  for (const auto& doc : listed) {
    const auto where = document + ":" + std::to_string(doc.line) + ": " + doc.code;
    const auto code = error_code_named(doc.code);
    if (!code || *code == ErrorCode::none) {
      ADD_FAILURE() << where << " is no error code";
      continue;
    }
    EXPECT_TRUE(seen.insert(doc.code).second) << where << " is listed twice";
    EXPECT_EQ(doc.http, std::to_string(http_status(*code))) << where;
    const auto exit = *code == ErrorCode::method_not_allowed ? dash : std::to_string(exit_status(*code));
    EXPECT_EQ(doc.exit, exit) << where;
  }
  for (const auto& row : error_table) {
    if (row.code == ErrorCode::none) continue;  // success is no error: its row is prose
    EXPECT_EQ(seen.count(std::string(row.name)), 1U) << document << " lacks " << row.name;
  }
}

TEST(ErrorDocs, ReadmeTableMatchesTheErrorTable) {
  expect_the_error_table(markdown_error_table("README.md", "| error | HTTP | exit | meaning |"), "README.md",
                         "\xE2\x80\x94");  // an em dash
}

TEST(ErrorDocs, UsageTableMatchesTheErrorTable) {
  expect_the_error_table(markdown_error_table("docs/usage.md", "| error | HTTP status | exit status |"),
                         "docs/usage.md", "\xE2\x80\x94");
}

TEST(ErrorDocs, ManPageExitStatusTableMatchesTheErrorTable) {
  expect_the_error_table(man_error_table(), "docs/eecall.1", "\\(em");
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
