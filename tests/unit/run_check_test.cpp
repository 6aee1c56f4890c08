// run_check (check.cpp): `--check` and `check=1` through the front ends, in-process: a fake
// prober stands in for the PBX (it records what it was asked), a fake executor proves that no
// call is ever placed; and the report's verdict (settle_report).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "eecall/checkup/check.hpp"
#include "eecall/edge/cgi.hpp"
#include "eecall/edge/cli.hpp"
#include "support/fake_pbx.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

const std::string token = "0123456789abcdef-token";

struct FakeProber {
  std::vector<ami::Endpoint> endpoints;
  std::vector<ami::ProbeQuestions> questions;
  std::vector<std::string> allowed = {"Originate", "MessageSend", "Hangup"};

  Prober prober() {
    return [this](const ami::Endpoint& endpoint, const ami::ProbeQuestions& q, const ami::ClientSettings&) {
      endpoints.push_back(endpoint);
      questions.push_back(q);
      ami::ProbeFacts f;
      f.banner = "Asterisk Call Manager/9.0.0";
      f.local_address = f.remote_address = "127.0.0.1";
      ami::Message list{{"Response", "Success"}};
      for (const auto& a : allowed) list.add(a, "x  (Priv: x)");
      f.commands = ami::Reply{list, {}};
      f.core_settings = ami::Reply{{{"Response", "Success"}, {"AsteriskVersion", "20.20.1"}}, {}};
      if (q.call_events) f.call_events = ami::EventProbe{ami::Reply{}, std::chrono::milliseconds(1)};
      for (const auto& t : q.extensions) f.extensions.emplace_back(t, ami::Reply{});
      return f;
    };
  }
};

class CheckFront : public ::testing::Test, protected test::FakePbx, protected FakeProber {
 protected:
  test::ScratchDir dir{"check-front"};

  std::string config(const std::string& general) {
    const auto path = dir.path() + "/eecall.conf";
    std::ofstream(path) << "[general]\n" << general << "\n[lab]\nhost = 127.0.0.1\nuser = eedomus\nsecret = s3cret\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }

  Environment env(const std::string& config_path = "/dev/null") {
    return {
        {"EECALL_CONFIG", config_path}, {"EECALL_STATE_DIR", dir.path()}, {"EECALL_JOBS_DIR", dir.path() + "/jobs"}};
  }

  struct Run {
    int status;
    std::string out;
  };

  Run cli(std::vector<std::string> args, const Environment& e) {
    args.insert(args.begin(), "eecall");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out;
    std::ostringstream err;
    const int status = run_cli(static_cast<int>(args.size()), argv.data(), e, out, err, executor(), prober());
    return {status, out.str() + err.str()};
  }

  std::string cgi(const std::string& query, const std::string& config_path) {
    auto e = env(config_path);
    e["GATEWAY_INTERFACE"] = "CGI/1.1";
    e["REQUEST_METHOD"] = "GET";
    e["QUERY_STRING"] = query;
    std::istringstream in;
    std::ostringstream out;
    run_cgi(e, in, out, executor(), prober());
    return out.str();
  }
};

const std::vector<std::string> lab = {"--check", "--ip", "127.0.0.1", "--user", "eedomus", "--secret", "s3cret"};

std::vector<std::string> plus(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

TEST_F(CheckFront, CommandLineReportIsTextOneLinePerCheckAndPlacesNoCall) {
  const auto r = cli(plus(lab, {"--from", "100", "--to", "291"}), env());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x94 login: 'eedomus' logged in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x94 dialplan 291: '291' in context from-internal exists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK check: all "), std::string::npos) << r.out;
  EXPECT_TRUE(requests.empty()) << "a check never places a call";
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].host, "127.0.0.1");
  EXPECT_EQ(endpoints[0].port, 5038);
  EXPECT_EQ(endpoints[0].user, "eedomus");
  EXPECT_EQ(questions[0].extensions.size(), 2u);
}

TEST_F(CheckFront, WaitAsksForCallEvents) {
  cli(plus(lab, {"--from", "100", "--to", "291", "--wait", "10"}), env());
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_TRUE(questions[0].call_events);
  EXPECT_EQ(questions[0].events, ami::LoginEvents::call);
}

TEST_F(CheckFront, DrvMakesItAMessageCheck) {
  cli(plus(lab, {"--to", "100", "--drv", "sip"}), env());
  ASSERT_EQ(questions.size(), 1u);
  EXPECT_EQ(questions[0].sip_peers, std::vector<std::string>{"100"});
  EXPECT_EQ(questions[0].modules, std::vector<std::string>{"chan_sip"});
}

TEST_F(CheckFront, MissingRightFailsWithExitStatus3) {
  allowed = {};
  const auto r = cli(plus(lab, {"--from", "100", "--to", "291"}), env());
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x98 rights: 'eedomus' may not send Originate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    fix: add originate to the write = line of [eedomus]"), std::string::npos) << r.out;
}

TEST_F(CheckFront, JsonForScripts) {
  const auto r = cli(plus(lab, {"--format", "json"}), env());
  EXPECT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(j["result"], 1);
  EXPECT_EQ(j["action"], "check");
  ASSERT_TRUE(j["checks"].is_array());
  EXPECT_EQ(j["checks"][0]["name"], "configuration");
  bool login = false;
  for (const auto& c : j["checks"]) login = login || (c["name"] == "login" && c["status"] == "ok" && c["needed"] == 1);
  EXPECT_TRUE(login) << r.out;
}

TEST_F(CheckFront, BrokenConfigurationIsAReportWithExitStatus6) {
  const auto path = config("timeout = forever");
  const auto r = cli({"--check", "--profile", "lab"}, env(path));
  EXPECT_EQ(r.status, 6) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x98 configuration: " + path), std::string::npos) << r.out;
  EXPECT_TRUE(endpoints.empty());
}

TEST_F(CheckFront, CheckIsNotAboutAJob) {
  const auto r = cli(plus(lab, {"--job", "0123456789abcdef0123456789abcdef"}), env());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(endpoints.empty());
}

TEST_F(CheckFront, OverHttpOnlyWithTheConfigurationsToken) {
  const auto path = config("token = " + token);
  // No token configured at all: nobody may ask.
  auto answer = cgi("check=1&ip=127.0.0.1&user=eedomus&secret=s3cret", "/dev/null");
  EXPECT_EQ(answer.rfind("Status: 403", 0), 0u) << answer;
  EXPECT_NE(answer.find("<step>token</step>"), std::string::npos) << answer;
  // Configured, but not given, or wrong.
  answer = cgi("check=1&profile=lab", path);
  EXPECT_EQ(answer.rfind("Status: 403", 0), 0u) << answer;
  answer = cgi("check=1&profile=lab&token=wrong-but-long-enough", path);
  EXPECT_EQ(answer.rfind("Status: 403", 0), 0u) << answer;
  EXPECT_TRUE(endpoints.empty()) << "nothing is asked of the PBX for a refused check";
  // Given: the report, 200.
  answer = cgi("check=1&profile=lab&token=" + token + "&from=100&to=291", path);
  EXPECT_EQ(answer.rfind("Status: 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("<action>check</action>"), std::string::npos) << answer;
  EXPECT_NE(answer.find("<check><name>login</name><status>ok</status><needed>1</needed>"), std::string::npos) << answer;
  EXPECT_EQ(endpoints.size(), 1u);
  EXPECT_TRUE(requests.empty());
}

TEST_F(CheckFront, ReportWithFailuresIsStill200OverHttp) {
  allowed = {};
  const auto path = config("token = " + token);
  const auto answer = cgi("check=1&profile=lab&token=" + token + "&format=json", path);
  EXPECT_EQ(answer.rfind("Status: 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"result\":0"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"error\":\"permission_denied\""), std::string::npos) << answer;
}

TEST_F(CheckFront, AllowHostsKeepsTheCheckFromConnecting) {
  auto e = env();
  e["EECALL_ALLOW_HOSTS"] = "192.0.2.10";
  const auto r = cli(plus(lab, {"--from", "100", "--to", "291"}), e);
  EXPECT_EQ(r.status, 5) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x98 policy: ip '127.0.0.1' is not allowed"), std::string::npos) << r.out;
  EXPECT_TRUE(endpoints.empty()) << "no connection to a host allow_hosts refuses";
}

TEST_F(CheckFront, AllowListsAreCheckedForTheGivenNumbers) {
  auto e = env();
  e["EECALL_ALLOW_TO"] = "2[0-9]{2}";
  auto r = cli(plus(lab, {"--from", "100", "--to", "0899123456"}), e);
  EXPECT_EQ(r.status, 5) << r.out;
  EXPECT_NE(r.out.find("\xE2\x9C\x98 policy: to '0899123456' is not allowed on this server (allow_to)"),
            std::string::npos)
      << r.out;
  r = cli(plus(lab, {"--from", "100", "--to", "291"}), e);
  EXPECT_NE(r.out.find("\xE2\x9C\x94 policy: from 100, to 291: allowed"), std::string::npos) << r.out;
}

TEST_F(CheckFront, XmlReportCarriesEachCheck) {
  const auto r = cli(plus(lab, {"--format", "xml", "--from", "100", "--to", "291"}), env());
  EXPECT_NE(r.out.find("<checks><check><name>configuration</name>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<check><name>rights</name><status>ok</status><needed>1</needed><found>&apos;eedomus&apos; "
                       "may send Originate (write = originate)</found></check>"),
            std::string::npos)
      << r.out;
}

TEST_F(CheckFront, HelpListsTheCheckAndItsExitStatuses) {
  const auto r = cli({"--help"}, env());
  EXPECT_EQ(r.status, 0);
  for (const char* part : {"--check ", "--check-notify", "--strict", "CHECK (--check, check=1",
                           "--check exits 0 when no check the use needs failed", "--strict: a ? fails too",
                           "eecall --check --profile home --from 100 --to 291"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part;
  }
}

// --- the verdict -----------------------------------------------------------------------------

CheckItem item(std::string name, CheckStatus status, bool needed = true, ErrorCode error = ErrorCode::action_failed) {
  return {std::move(name), status, "found", "fix", needed, error};
}

TEST(CheckReport, FirstNeededMissDecidesTheErrorAndOthersAreListed) {
  Outcome report;
  report.checks = {item("configuration", CheckStatus::ok),
                   item("state_dir", CheckStatus::failed, false, ErrorCode::config_error),
                   item("rights", CheckStatus::failed, true, ErrorCode::permission_denied),
                   item("module app_read", CheckStatus::unknown, true, ErrorCode::permission_denied)};
  settle_report(report);
  EXPECT_EQ(report.answer, AnswerKind::check);
  EXPECT_EQ(report.error, ErrorCode::permission_denied);
  EXPECT_EQ(report.subject, "rights");
  EXPECT_EQ(report.message,
            "1 of 3 needed checks did not pass: rights; 1 could not be known, verify by hand (see its ? line): "
            "module app_read; not needed here, but not \xE2\x9C\x94: state_dir");
  EXPECT_EQ(exit_status(report.error, report.answer), 3);
  EXPECT_EQ(http_status(report.error, report.answer), 200);
  // --strict: a ? counts as not passed (the rule before issue 19).
  settle_report(report, true);
  EXPECT_EQ(report.subject, "rights");
  EXPECT_EQ(report.message,
            "2 of 3 needed checks did not pass: rights, module app_read; not needed here, but not "
            "\xE2\x9C\x94: state_dir");
  EXPECT_EQ(exit_status(report.error, report.answer), 3);
}

// A ? is no failure: what would tell (e.g. write = system for ModuleCheck) is a right eecall's
// user must not have; the summary names what to verify by hand. --strict makes it fail.
TEST(CheckReport, UnknownNeededChecksPassAndAreNamedUnlessStrict) {
  Outcome report;
  report.checks = {item("login", CheckStatus::ok), item("asterisk", CheckStatus::unknown, false)};
  settle_report(report);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(exit_status(report.error, report.answer), 0);
  EXPECT_EQ(report.message, "all 1 needed checks passed; not needed here, but not \xE2\x9C\x94: asterisk");
  report.checks.push_back(item("dialplan 291", CheckStatus::unknown, true, ErrorCode::permission_denied));
  report.checks.push_back(item("module app_read", CheckStatus::unknown, true, ErrorCode::permission_denied));
  settle_report(report);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(exit_status(report.error, report.answer), 0);
  EXPECT_EQ(report.subject, "");
  EXPECT_EQ(report.message,
            "1 of 3 needed checks passed; 2 could not be known, verify by hand (see their ? lines): dialplan 291, "
            "module app_read; not needed here, but not \xE2\x9C\x94: asterisk");
  settle_report(report, true);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.subject, "dialplan 291");
  EXPECT_EQ(exit_status(report.error, report.answer), 3);
}

TEST(CheckReport, ConfigurationAndPolicyHaveTheirOwnExitStatuses) {
  auto config = check_report_for_config_failure({ErrorCode::config_error, "eecall.conf:2: bad", "config"});
  EXPECT_EQ(exit_status(config.error, config.answer), 6);
  Outcome policy;
  policy.checks = {item("policy", CheckStatus::failed, true, ErrorCode::forbidden)};
  settle_report(policy);
  EXPECT_EQ(exit_status(policy.error, policy.answer), 5);
  Outcome slow;
  slow.checks = {item("connection", CheckStatus::failed, true, ErrorCode::timeout)};
  settle_report(slow);
  EXPECT_EQ(exit_status(slow.error, slow.answer), 4);
}

}  // namespace
}  // namespace eecall
