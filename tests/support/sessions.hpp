// One eecall session, run the two ways the integration tests need: the client core in-process
// (a sample call Request) or the eecall program as a web server runs a CGI program.
#pragma once

#include <cstdint>
#include <string>

#include "eecall/request/parse.hpp"
#include "support/answer.hpp"
#include "support/process.hpp"

namespace eecall::test {

/// A call from 100 to 291 as user eedomus / s3cret (the simulator's default user).
Request call_to(std::string host, std::uint16_t port);

/// `ip=127.0.0.1&port=PORT&user=eedomus&secret=s3cret&from=100&to=291`.
std::string call_query(std::uint16_t port);

struct CgiRun {
  CgiAnswer answer;
  ProcessResult process;
};

/// Runs eecall as a CGI GET with `query`, plus `extra` variables (e.g. EECALL_TIMEOUT), without
/// the machine's configuration file and with the test's own state_dir.
CgiRun run_cgi_get(const std::string& query, const Env& extra = {});

/// The same with any REQUEST_METHOD, and `body` on stdin (CONTENT_LENGTH set when not empty).
CgiRun run_cgi_request(const std::string& method, const std::string& query, const Env& extra = {},
                       const std::string& body = {});

}  // namespace eecall::test
