// The `eecall` binary from a shell: the same answers, no CGI headers, documented exit statuses.
#include <gtest/gtest.h>

#include "support/answer.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

ProcessResult eecall(std::vector<std::string> args, Env env = {}) {
  args.insert(args.begin(), EECALL_BINARY);
  env.emplace("EECALL_CONFIG", "/dev/null");  // never the machine's /etc/eecall
  env.emplace("EECALL_STATE_DIR", test_state_dir());  // nor its /var/lib/eecall
  return run_process(args, env, {}, std::chrono::seconds(30));
}

std::vector<std::string> pbx(std::uint16_t port) {
  return {"--ip", "127.0.0.1", "--port", std::to_string(port), "--user", "eedomus"};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(CommandLine, CallWithOptionsPrintsXmlWithoutCgiHeadersAndExits0) {
  Simulator sim;
  const auto r = eecall(pbx(sim.port()) + std::vector<std::string>{"--secret", "s3cret", "--from", "100", "--to", "291"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("<?xml")) << r.out;
  EXPECT_EQ(r.out.find("Status:"), std::string::npos);
  EXPECT_EQ(xml_field(r.out, "result"), "1");
}

TEST(CommandLine, OldQueryStringWorksAndSecretMayComeFromTheEnvironment) {
  Simulator sim;
  const auto r = eecall({"--format", "text", "ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                                                 "&user=eedomus&to=100&msg=Alerte+d%E9bordement+cuve&drv=sip"},
                        {{"EECALL_SECRET", "s3cret"}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("OK message: Message successfully sent")) << r.out;
  EXPECT_NE(sim.received().find("Body: Alerte d\xc3\xa9" "bordement cuve\r\n"), std::string::npos);
}

TEST(CommandLine, ExitStatusesSayWhatHappened) {
  Simulator sim;
  const auto secret = std::vector<std::string>{"--secret", "s3cret"};
  EXPECT_EQ(eecall(pbx(sim.port()) + secret + std::vector<std::string>{"--to", "291"}).exit_code, 2)
      << "missing --from";
  EXPECT_EQ(eecall(pbx(sim.port()) + secret + std::vector<std::string>{"--from", "1/0", "--to", "291"}).exit_code, 2);
  EXPECT_EQ(eecall({"--no-such-option"}).exit_code, 2);
  EXPECT_EQ(eecall(pbx(sim.port()) + secret + std::vector<std::string>{"--from", "100", "--to", "999"}).exit_code, 3);
  EXPECT_EQ(eecall(pbx(closed_port()) + secret + std::vector<std::string>{"--from", "100", "--to", "291"}).exit_code, 3);
  Simulator silent({"--fault", "stall-action"});
  const auto t = eecall(pbx(silent.port()) + secret +
                        std::vector<std::string>{"--from", "100", "--to", "291", "--timeout", "0.5", "--format", "json"});
  EXPECT_EQ(t.exit_code, 4) << t.out;
  EXPECT_NE(t.out.find("\"error\":\"timeout\""), std::string::npos) << t.out;
}

TEST(CommandLine, HelpDocumentsParametersAndExitStatuses) {
  const auto r = eecall({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* must : {"--ip", "--to", "--msg", "--drv", "EXIT STATUS", "EECALL_TIMEOUT", "auth_failed"}) {
    EXPECT_NE(r.out.find(must), std::string::npos) << must;
  }
}

}  // namespace
}  // namespace eecall::test
