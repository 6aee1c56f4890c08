#include "support/sessions.hpp"

#include "support/scratch_dir.hpp"

namespace eecall::test {

Request call_to(std::string host, std::uint16_t port) {
  Request r;
  r.host = std::move(host);
  r.port = port;
  r.user = "eedomus";
  r.secret = "s3cret";
  r.from = "100";
  r.to = "291";
  return r;
}

std::string call_query(std::uint16_t port) {
  return "ip=127.0.0.1&port=" + std::to_string(port) + "&user=eedomus&secret=s3cret&from=100&to=291";
}

CgiRun run_cgi_get(const std::string& query, const Env& extra) { return run_cgi_request("GET", query, extra); }

CgiRun run_cgi_request(const std::string& method, const std::string& query, const Env& extra,
                       const std::string& body) {
  Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", method},
             {"QUERY_STRING", query},          {"SERVER_PROTOCOL", "HTTP/1.1"},
             {"SCRIPT_NAME", "/cgi-bin/eecall"}, {"REMOTE_ADDR", "127.0.0.1"},
             {"SERVER_NAME", "localhost"},     {"SERVER_PORT", "80"},
             {"EECALL_CONFIG", "/dev/null"},   {"EECALL_STATE_DIR", test_state_dir()}};
  if (!body.empty()) {
    env["CONTENT_LENGTH"] = std::to_string(body.size());
    env["CONTENT_TYPE"] = "application/x-www-form-urlencoded";
  }
  for (const auto& [k, v] : extra) env[k] = v;
  CgiRun run;
  run.process = run_process({EECALL_BINARY}, env, body, std::chrono::seconds(30));
  run.answer = parse_cgi_answer(run.process.out);
  return run;
}

}  // namespace eecall::test
