// Only GET and POST act: eecall run exactly as a web server runs it, with HEAD (link checkers,
// monitoring probes, prefetching browsers), PUT, DELETE and OPTIONS, answers 405 with
// `Allow: GET, POST` — a HEAD gets the headers only — and the simulator never even sees a
// connection.
#include <gtest/gtest.h>

#include "support/sessions.hpp"

namespace eecall::test {
namespace {

TEST(Methods, NoMethodButGetAndPostEverReachesThePbx) {
  Simulator sim;
  const auto call = call_query(sim.port());
  const auto message = "ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                       "&user=eedomus&secret=s3cret&to=100&drv=pjsip&msg=Hello";
  for (const char* method : {"HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    for (const auto& query : {call, message}) {
      SCOPED_TRACE(std::string(method) + " " + query);
      // A body too, as PUT would carry one: it must not be read as the request either.
      const auto run = run_cgi_request(method, query, {}, query);
      EXPECT_EQ(run.answer.status, 405) << run.process.out << run.process.err;
      EXPECT_EQ(run.answer.header("Allow"), "GET, POST");
      EXPECT_EQ(run.process.exit_code, 0);
      if (std::string(method) == "HEAD") {
        EXPECT_EQ(run.answer.body, "") << "HEAD: the headers only";
        EXPECT_EQ(run.answer.content_type, "text/xml; charset=utf-8");
      } else {
        EXPECT_EQ(run.answer.xml("result"), "0");
        EXPECT_EQ(run.answer.xml("error"), "method_not_allowed");
      }
    }
  }
  EXPECT_EQ(sim.received(), "") << "no connection at all";

  // The same request by GET and by POST acts: the log above was empty for the right reason.
  EXPECT_EQ(run_cgi_request("GET", call).answer.status, 200);
  EXPECT_EQ(run_cgi_request("POST", "", {}, message).answer.status, 200);
  EXPECT_NE(sim.received().find("Action: Originate"), std::string::npos);
  EXPECT_NE(sim.received().find("Action: MessageSend"), std::string::npos);
}

TEST(Methods, The405AnswerHonoursAcceptAndIsLogged) {
  const auto run = run_cgi_request("DELETE", call_query(1), {{"HTTP_ACCEPT", "application/json"}});
  EXPECT_EQ(run.answer.status, 405);
  EXPECT_EQ(run.answer.content_type, "application/json");
  EXPECT_NE(run.answer.body.find("\"error\":\"method_not_allowed\""), std::string::npos) << run.answer.body;
  EXPECT_NE(run.process.err.find("method_not_allowed"), std::string::npos) << run.process.err;
}

}  // namespace
}  // namespace eecall::test
