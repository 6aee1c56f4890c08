// Profiles from the configuration file, the token and the allow lists, end to end: eecall run as
// CGI with EECALL_CONFIG, against the simulator on loopback.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/answer.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

class Profiles : public ::testing::Test {
 protected:
  Simulator sim;
  ScratchDir dir{"profile-test"};
  std::string path = dir.path() + "/eecall.conf";

  void configure(const std::string& general, const std::string& home_extra = "") {
    std::ofstream(path) << "[general]\n" << general << "\n[home]\nhost = 127.0.0.1\nport = "
                        << sim.port() << "\nuser = eedomus\nsecret = s3cret\n" << home_extra;
    ::chmod(path.c_str(), 0640);
  }

  ProcessResult cgi(const std::string& query, Env extra = {}) {
    Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"},
               {"QUERY_STRING", query},          {"EECALL_CONFIG", path},
               {"EECALL_STATE_DIR", test_state_dir()}, {"SPDLOG_LEVEL", "debug"}};
    for (auto& [k, v] : extra) env[k] = v;
    return run_process({EECALL_BINARY}, env, {}, std::chrono::seconds(30));
  }
};

TEST_F(Profiles, ProfileOnlyUrlWorksWithMd5AndTheSecretAppearsNowhere) {
  configure("");
  const std::string query = "profile=home&from=100&to=291";
  const auto p = cgi(query);
  const auto a = parse_cgi_answer(p.out);
  EXPECT_EQ(a.status, 200) << p.out << p.err;
  EXPECT_EQ(a.xml("result"), "1");
  EXPECT_EQ(query.find("s3cret"), std::string::npos);
  EXPECT_EQ(p.out.find("s3cret"), std::string::npos) << p.out;
  EXPECT_EQ(p.err.find("s3cret"), std::string::npos) << p.err;
  const auto got = sim.received();
  EXPECT_NE(got.find("Action: Challenge\r\nAuthType: MD5\r\n"), std::string::npos) << got;
  EXPECT_NE(got.find("AuthType: MD5\r\nUsername: eedomus\r\nKey: "), std::string::npos) << got;
  EXPECT_EQ(got.find("Secret:"), std::string::npos) << got;
  EXPECT_EQ(got.find("s3cret"), std::string::npos) << got;
}

TEST_F(Profiles, ProfileWithUrlCredentialsIs400AndNothingIsSent) {
  configure("");
  const auto a = parse_cgi_answer(cgi("profile=home&ip=192.0.2.66&from=100&to=291").out);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.xml("error"), "invalid_parameter");
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
}

TEST_F(Profiles, UrlCredentialsCanBeRefusedWith403) {
  configure("allow_url_credentials = no\n");
  const auto a = parse_cgi_answer(cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                                      "&user=eedomus&secret=s3cret&from=100&to=291")
                                      .out);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.xml("error"), "forbidden");
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=100&to=291").out).status, 200);
}

// allow_url_credentials guards URLs (logs, proxies, the box's set-up); the command line is not a
// URL: its --ip/--user/EECALL_SECRET are guarded by the file system and the shell's user, so the
// test commands of docs/freepbx.md keep working after the security advice (issue 19, item 8).
TEST_F(Profiles, CommandLineKeepsItsCredentialOptionsWhenUrlCredentialsAreRefused) {
  configure("allow_url_credentials = no\n");
  const std::vector<std::string> args = {EECALL_BINARY, "--ip", "127.0.0.1", "--port", std::to_string(sim.port()),
                                         "--user", "eedomus", "--from", "100", "--to", "291"};
  const Env env = {{"EECALL_CONFIG", path}, {"EECALL_STATE_DIR", test_state_dir()}, {"EECALL_SECRET", "s3cret"}};
  const auto r = run_process(args, env, {}, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(xml_field(r.out, "result"), "1") << r.out;
  EXPECT_NE(sim.received().find("Username: eedomus"), std::string::npos) << sim.received();
  // --check too prints its report (before: only the refusal).
  auto check_args = args;
  check_args.push_back("--check");
  const auto check = run_process(check_args, env, {}, std::chrono::seconds(30));
  EXPECT_NE(check.out.find("\xE2\x9C\x94 login: 'eedomus' logged in"), std::string::npos) << check.out << check.err;
  // The same PBX named in a CGI URL stays refused.
  const auto a = parse_cgi_answer(cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                                      "&user=eedomus&secret=s3cret&from=100&to=291")
                                      .out);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.xml("error"), "forbidden");
}

TEST_F(Profiles, TokenIsRequiredWhenConfigured) {
  configure("token = 0123456789abcdef-token\n");
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=100&to=291").out).status, 403);
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=100&to=291&token=wrong-but-long-enough").out).status, 403);
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=100&to=291&token=0123456789abcdef-token").out).status, 200);
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=100&to=291",
                                 {{"HTTP_AUTHORIZATION", "Bearer 0123456789abcdef-token"}})
                                 .out)
                .status,
            200);
}

TEST_F(Profiles, NumbersOutsideTheAllowListsAre403AndNeverDialled) {
  configure("", "allow_from = 1[0-9]{2}\nallow_to = 291\n");
  for (const char* bad : {"from=0899123456&to=291", "from=100&to=0899123456", "from=1000&to=291"}) {
    const auto a = parse_cgi_answer(cgi(std::string("profile=home&") + bad).out);
    EXPECT_EQ(a.status, 403) << bad;
    EXPECT_EQ(a.xml("error"), "forbidden") << bad;
  }
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos) << sim.received();
  EXPECT_EQ(parse_cgi_answer(cgi("profile=home&from=101&to=291").out).status, 200);
}

TEST_F(Profiles, DefaultAllowListsRefuseNonDigitsEvenWithoutAConfigFile) {
  const auto p = cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                         "&user=eedomus&secret=s3cret&from=100&to=*97",
                     {{"EECALL_CONFIG", "/dev/null"}});
  EXPECT_EQ(parse_cgi_answer(p.out).status, 403) << p.out;
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
  // Loosened by the admin, *97 reaches Asterisk (whose lab dialplan has no such extension).
  const auto loosened = cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                                "&user=eedomus&secret=s3cret&from=100&to=*97",
                            {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_ALLOW_TO", "[0-9*#]+"}});
  EXPECT_EQ(parse_cgi_answer(loosened.out).xml("error"), "action_failed") << loosened.out;
  EXPECT_NE(sim.received().find("Exten: *97\r\n"), std::string::npos);
}

TEST_F(Profiles, BrokenConfigurationIs500NamingFileAndLine) {
  configure("timeout = forever\n");
  const auto p = cgi("profile=home&from=100&to=291");
  const auto a = parse_cgi_answer(p.out);
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.xml("error"), "config_error");
  EXPECT_NE(a.xml("message").find(path + ":2: "), std::string::npos) << a.body;
  EXPECT_NE(p.err.find(path + ":2: "), std::string::npos) << "the admin reads it in the error log";
}

}  // namespace
}  // namespace eecall::test
