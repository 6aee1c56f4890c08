// wait=SECONDS: eecall run as CGI against the simulator playing each call outcome, and the
// call options ring= and callerid= as the simulator receives them.
#include <gtest/gtest.h>

#include "support/answer.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

CgiAnswer cgi(const std::string& query, Env extra, ProcessResult* process = nullptr) {
  Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"}, {"QUERY_STRING", query},
             {"EECALL_CONFIG", "/dev/null"}, {"EECALL_STATE_DIR", test_state_dir()}};
  for (auto& [k, v] : extra) env[k] = v;
  auto result = run_process({EECALL_BINARY}, env, {}, std::chrono::seconds(30));
  if (process != nullptr) *process = result;
  return parse_cgi_answer(result.out);
}

std::string call(std::uint16_t port, const std::string& options) {
  return "ip=127.0.0.1&port=" + std::to_string(port) + "&user=eedomus&secret=s3cret&from=100&to=291" + options;
}

struct OutcomeCase {
  const char* simulated;  // --originate-outcome
  int status;
  const char* result;
  const char* error;  // "" on success
  const char* reason;
};

void PrintTo(const OutcomeCase& c, std::ostream* os) { *os << c.simulated; }

class WaitOutcome : public ::testing::TestWithParam<OutcomeCase> {};

TEST_P(WaitOutcome, GivesItsCodeStatusAndReason) {
  const auto& c = GetParam();
  Simulator sim({"--originate-outcome", c.simulated});
  const auto a = cgi(call(sim.port(), "&wait=5"), {});
  EXPECT_EQ(a.status, c.status) << a.body;
  EXPECT_EQ(a.xml("result"), c.result);
  EXPECT_EQ(a.xml("error"), c.error);
  EXPECT_EQ(a.xml("reason"), c.reason);
  EXPECT_FALSE(a.xml("channel").empty()) << a.body;
  EXPECT_NE(sim.received().find("Events: call\r\n"), std::string::npos)
      << "waiting needs the call event class at Login";
}

INSTANTIATE_TEST_SUITE_P(Wait, WaitOutcome,
                         ::testing::Values(OutcomeCase{"answered", 200, "1", "", "4"},
                                           OutcomeCase{"busy", 502, "0", "busy", "5"},
                                           OutcomeCase{"no-answer", 502, "0", "no_answer", "3"},
                                           OutcomeCase{"congestion", 502, "0", "congestion", "8"},
                                           OutcomeCase{"hangup", 502, "0", "hangup", "1"},
                                           OutcomeCase{"failed", 502, "0", "call_failed", "0"}));

TEST(Wait, AnsweredCallGivesTheUniqueid) {
  Simulator sim;
  const auto a = cgi(call(sim.port(), "&wait=5&format=xml"), {});
  EXPECT_EQ(a.xml("result"), "1");
  EXPECT_FALSE(a.xml("uniqueid").empty()) << a.body;
}

TEST(Wait, NoEventAnswersAtTheWaitNotAtTheTotalDeadline) {
  Simulator sim({"--originate-outcome", "none"});
  ProcessResult p;
  const auto a = cgi(call(sim.port(), "&wait=2"), {{"EECALL_TIMEOUT", "10"}}, &p);
  EXPECT_EQ(a.status, 504) << a.body;
  EXPECT_EQ(a.xml("error"), "timeout");
  EXPECT_EQ(a.xml("step"), "wait");
  EXPECT_NE(a.xml("message").find("may still be ringing"), std::string::npos) << a.body;
  EXPECT_NE(a.xml("message").find("read = call"), std::string::npos) << a.body;
  // About 2 s: not before the wait is over, and far from the 12 s total deadline.
  EXPECT_GE(p.elapsed, std::chrono::milliseconds(1900));
  EXPECT_LT(p.elapsed, std::chrono::seconds(7));
}

TEST(Wait, WithoutWaitEventsStayOffAndTheAnswerComesAtOnce) {
  Simulator sim({"--originate-outcome", "busy"});
  const auto a = cgi(call(sim.port(), "&wait=0"), {});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.xml("message"), "Originate successfully queued");
  EXPECT_EQ(a.xml("reason"), "");
  EXPECT_NE(sim.received().find("Events: off\r\n"), std::string::npos);
}

// The lab's phones that cannot answer end through Local/...@from-internal as the real
// Asterisk 20 reports them (tests/real/test_wait.py), whatever --originate-outcome says.
TEST(Wait, LabPhonesThatCannotAnswerEndAsOnTheRealAsterisk) {
  Simulator sim;  // --originate-outcome answered
  struct Case {
    const char* from;
    const char* error;
    const char* reason;
  };
  for (const auto& c : {Case{"102", "call_failed", "0"}, Case{"103", "call_failed", "0"},
                        Case{"104", "no_answer", "3"}, Case{"100", "", "4"}}) {
    // 104 fails when the Originate's Timeout (ring=) runs out, as on the real Asterisk.
    const auto a = cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                           "&user=eedomus&secret=s3cret&to=291&ring=5&wait=10&from=" + c.from,
                       {});
    EXPECT_EQ(a.xml("error"), c.error) << c.from << ": " << a.body;
    EXPECT_EQ(a.xml("reason"), c.reason) << c.from;
    if (*c.error != '\0') {
      EXPECT_EQ(a.xml("channel"), std::string("Local/") + c.from + "@from-internal");
    }
  }
}

TEST(CallOptions, RingAndCallerIdReachTheOriginate) {
  Simulator sim;
  const auto a = cgi(call(sim.port(), "&ring=20&callerid=eeDomus"), {});
  EXPECT_EQ(a.xml("result"), "1") << a.body;
  const auto got = sim.received();
  EXPECT_NE(got.find("CallerID: \"eeDomus\" <291>\r\nTimeout: 20000\r\n"), std::string::npos) << got;
}

TEST(CallOptions, AdminDefaultsApplyAndTheRequestOverridesThem) {
  Simulator sim;
  EXPECT_EQ(cgi(call(sim.port(), ""), {{"EECALL_RING", "45"}, {"EECALL_CALLERID", "Maison"}}).xml("result"), "1");
  EXPECT_EQ(cgi(call(sim.port(), "&callerid=Alarme%20cave"), {{"EECALL_CALLERID", "Maison"}}).xml("result"), "1");
  const auto got = sim.received();
  EXPECT_NE(got.find("CallerID: \"Maison\" <291>\r\nTimeout: 45000\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("CallerID: \"Alarme cave\" <291>\r\nTimeout: 30000\r\n"), std::string::npos) << got;
}

TEST(CallOptions, BadValuesAre400AndNothingIsSent) {
  Simulator sim;
  for (const char* bad : {"&wait=121", "&wait=-1", "&wait=2s", "&ring=4", "&ring=121", "&ring=30000",
                          "&callerid=%22evil%22%20%3Csip:x%3E", "&callerid=a%0D%0AAction:%20Originate"}) {
    const auto a = cgi(call(sim.port(), bad), {});
    EXPECT_EQ(a.status, 400) << bad;
    EXPECT_EQ(a.xml("error"), "invalid_parameter") << bad;
  }
  const auto msg = cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                           "&user=eedomus&secret=s3cret&to=100&drv=sip&msg=hi&wait=5",
                       {});
  EXPECT_EQ(msg.status, 400) << "wait applies to calls only";
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos) << sim.received();
}

}  // namespace
}  // namespace eecall::test
