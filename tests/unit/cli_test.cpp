// The command-line front end in-process: options and/or a query string, answer on stdout,
// documented exit statuses, with a fake executor standing in for the PBX.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "eecall/edge/cli.hpp"
#include "support/fake_pbx.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;

const std::string xml_prefix = R"(<?xml version="1.0" encoding="UTF-8"?><eecall>)";

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test, protected test::FakePbx {
 protected:
  CliRun run(std::vector<std::string> args, Environment env = {}) {
    env.emplace("EECALL_CONFIG", "/dev/null");  // never the machine's /etc/eecall
    env.emplace("EECALL_STATE_DIR", test::test_state_dir());  // nor its /var/lib/eecall
    args.insert(args.begin(), "eecall");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::ostringstream out;
    std::ostringstream err;
    CliRun r;
    r.status = run_cli(static_cast<int>(args.size()), argv.data(), env, out, err, executor());
    r.out = out.str();
    r.err = err.str();
    return r;
  }
};

const std::vector<std::string> call_options = {"--ip", "192.168.0.10", "--user", "eedomus",
                                               "--secret", "xxx", "--from", "100", "--to", "291"};

std::vector<std::string> plus(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

// --- Parameters ------------------------------------------------------------------------------

TEST_F(Cli, OptionsMakeACall) {
  const auto r = run(call_options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind(xml_prefix + "<result>1</result>", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("Status:"), std::string::npos) << "no CGI headers on the command line";
  EXPECT_EQ(r.out.find("Content-Type"), std::string::npos);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].action, ActionKind::call);
  EXPECT_EQ(requests[0].host, "192.168.0.10");
  EXPECT_EQ(requests[0].port, 5038);
  EXPECT_EQ(requests[0].user, "eedomus");
  EXPECT_EQ(requests[0].secret, "xxx");
  EXPECT_EQ(requests[0].from, "100");
  EXPECT_EQ(requests[0].to, "291");
}

TEST_F(Cli, OptionsMakeAMessage) {
  const auto r = run({"--ip", "pbx.lan", "--port", "5039", "--user", "eedomus", "--secret", "xxx",
                      "--to", "100", "--drv", "SIP", "--msg", "Alerte d\xe9" "bordement cuve"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].action, ActionKind::message);
  EXPECT_EQ(requests[0].port, 5039);
  EXPECT_EQ(requests[0].from, "eedomus");
  EXPECT_EQ(requests[0].driver, MessageDriver::sip);
  EXPECT_EQ(requests[0].message, "Alerte d\xc3\xa9" "bordement cuve");
}

TEST_F(Cli, OldQueryStringArgument) {
  const auto r = run({"ip=192.168.0.10&port=5038&user=eedomus&secret=xxx&from=0240404040&to=291&msg=&drv="});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].from, "0240404040");
  EXPECT_EQ(requests[0].to, "291");
}

TEST_F(Cli, QueryStringIsFormDecoded) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=eedomus&to=100"
                      "&msg=Alerte+d%E9bordement%20cuve&drv=sip&eedomus_controller_module_id=42"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].message, "Alerte d\xc3\xa9" "bordement cuve");
}

TEST_F(Cli, QueryStringWithLeadingQuestionMarkAndCallFrom) {
  const auto r = run({"?ip=pbx.lan&user=eedomus&secret=xxx&call_from=100&to=291"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].from, "100");
}

TEST_F(Cli, OptionsOverrideTheQueryString) {
  const auto r = run({"ip=192.168.0.10&user=eedomus&secret=xxx&from=100&to=291", "--to", "292",
                      "--ip", "pbx.lan"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, "292");
  EXPECT_EQ(requests[0].host, "pbx.lan");
  EXPECT_EQ(requests[0].from, "100");
}

TEST_F(Cli, FromOptionOverridesCallFromInTheQueryString) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=xxx&call_from=100&to=291", "--from", "101"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].from, "101");
}

TEST_F(Cli, OptionsBeforeTheQueryStringOverrideItToo) {
  const auto r = run({"--to", "292", "ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, "292");
}

TEST_F(Cli, EqualsFormOfOptions) {
  const auto r = run({"--ip=pbx.lan", "--user=eedomus", "--secret=xxx", "--from=100", "--to=291"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].to, "291");
}

TEST_F(Cli, LineBreakInAnOptionNeverReachesTheExecutor) {
  for (const std::string to : {"291\r\nAction: Originate", "291\n", "29\r1"}) {
    const auto r = run({"--ip", "pbx.lan", "--user", "eedomus", "--secret", "xxx", "--from", "100",
                        "--to", to});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("<error>invalid_parameter</error>"), std::string::npos) << r.out;
  }
  const auto q = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=100%0D%0A&to=291"});
  EXPECT_EQ(q.status, 2);
  EXPECT_TRUE(requests.empty());
}

// --- The secret ------------------------------------------------------------------------------

TEST_F(Cli, EecallSecretIsUsedWhenNoSecretIsGiven) {
  const auto r = run({"--ip", "pbx.lan", "--user", "eedomus", "--from", "100", "--to", "291"},
                     {{"EECALL_SECRET", "from-the-environment"}});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].secret, "from-the-environment");
}

TEST_F(Cli, EecallSecretAlsoCompletesAQueryString) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=&from=100&to=291"},
                     {{"EECALL_SECRET", "env-secret"}});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].secret, "env-secret");
}

TEST_F(Cli, GivenSecretBeatsEecallSecret) {
  run(call_options, {{"EECALL_SECRET", "env-secret"}});
  run({"ip=pbx.lan&user=eedomus&secret=query-secret&from=100&to=291"},
      {{"EECALL_SECRET", "env-secret"}});
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].secret, "xxx");
  EXPECT_EQ(requests[1].secret, "query-secret");
}

TEST_F(Cli, NoSecretAnywhereIsMissing) {
  const auto r = run({"--ip", "pbx.lan", "--user", "eedomus", "--from", "100", "--to", "291"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("missing_parameter"), std::string::npos) << r.out;
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, SecretNeverAppearsInTheOutput) {
  const std::string secret = "Zq9xKw7SecretValue";
  for (const char* format : {"xml", "json", "text"}) {
    fail_with(ErrorCode::auth_failed, "Authentication failed", "login");
    const auto r = run({"--format", format, "--ip", "pbx.lan", "--user", "eedomus", "--secret",
                        secret, "--from", "100", "--to", "291"});
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    const auto bad = run({"--format", format, "--ip", "pbx.lan", "--user", "eedomus", "--secret",
                          secret + "\n", "--from", "100", "--to", "291"});
    EXPECT_EQ(bad.out.find(secret), std::string::npos) << bad.out;
    EXPECT_EQ(bad.err.find(secret), std::string::npos) << bad.err;
  }
}

// --- Formats ---------------------------------------------------------------------------------

TEST_F(Cli, FormatJson) {
  const auto r = run(plus(call_options, {"--format", "json"}));
  EXPECT_EQ(r.status, 0);
  ASSERT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("result"), 1);
  EXPECT_EQ(j.at("action"), "call");
  EXPECT_EQ(j.at("action_id"), "x1");
}

TEST_F(Cli, FormatText) {
  const auto r = run(plus(call_options, {"--format", "text"}));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("OK call", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
}

TEST_F(Cli, FormatTextOnFailure) {
  fail_with(ErrorCode::action_failed, "Extension does not exist.", "originate");
  const auto r = run(plus(call_options, {"--format", "TEXT"}));
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out.rfind("FAILED", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("action_failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Extension does not exist."), std::string::npos) << r.out;
}

TEST_F(Cli, FormatInTheQueryStringChoosesTheAnswerFormat) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291&format=json"});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("result"), 1);
  const auto text = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291&format=TEXT"});
  EXPECT_EQ(text.out.rfind("OK call", 0), 0u) << text.out;
}

TEST_F(Cli, FormatOptionWinsOverTheQueryString) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291&format=yaml", "--format", "text"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("OK call", 0), 0u) << r.out;
  const auto before = run({"--format", "text", "ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291&format=json"});
  EXPECT_EQ(before.out.rfind("OK call", 0), 0u) << before.out;
}

TEST_F(Cli, BadFormatInTheQueryStringIsBadInput) {
  const auto r = run({"ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291&format=yaml"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("format must be xml, json or text"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, BadFormatIsBadInput) {
  const auto r = run(plus(call_options, {"--format", "yaml"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(requests.empty());
}

// --- Exit statuses ---------------------------------------------------------------------------

struct ExitCase {
  ErrorCode code;
  int status;
};

void PrintTo(const ExitCase& c, std::ostream* os) { *os << error_name(c.code); }

class CliExit : public Cli, public ::testing::WithParamInterface<ExitCase> {};

TEST_P(CliExit, PbxOutcomeGivesTheDocumentedExitStatus) {
  fail_with(GetParam().code, "it went wrong", "login");
  const auto r = run(call_options);
  EXPECT_EQ(r.status, GetParam().status);
  EXPECT_NE(r.out.find("<result>0</result>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<error>" + std::string(error_name(GetParam().code)) + "</error>"),
            std::string::npos)
      << r.out;
}

INSTANTIATE_TEST_SUITE_P(Cli, CliExit,
                         ::testing::Values(ExitCase{ErrorCode::resolve_failed, 3},
                                           ExitCase{ErrorCode::connect_failed, 3},
                                           ExitCase{ErrorCode::not_asterisk, 3},
                                           ExitCase{ErrorCode::auth_failed, 3},
                                           ExitCase{ErrorCode::permission_denied, 3},
                                           ExitCase{ErrorCode::action_failed, 3},
                                           ExitCase{ErrorCode::protocol_error, 3},
                                           ExitCase{ErrorCode::no_answer, 3},
                                           ExitCase{ErrorCode::hangup, 3},
                                           ExitCase{ErrorCode::timeout, 4},
                                           ExitCase{ErrorCode::internal_error, 1}));

TEST_F(Cli, MissingParameterIsBadInput) {
  const auto r = run({"--ip", "pbx.lan", "--to", "291"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("<error>missing_parameter</error>"), std::string::npos) << r.out;
  for (const char* name : {"user", "secret", "from"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << r.out;
  }
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, InvalidParameterIsBadInput) {
  const auto r = run(plus(call_options, {"--port", "70000"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("<error>invalid_parameter</error>"), std::string::npos) << r.out;
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, NoArgumentsAtAllIsBadInput) {
  const auto r = run({});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, UnknownOptionIsBadInput) {
  const auto r = run(plus(call_options, {"--bogus", "1"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, HelpExitsZeroAndDocumentsExitStatuses) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  const auto text = r.out + r.err;
  EXPECT_NE(text.find("--ip"), std::string::npos) << text;
  EXPECT_NE(text.find("--to"), std::string::npos);
  EXPECT_NE(text.find("--format"), std::string::npos);
  EXPECT_NE(text.find("EECALL_SECRET"), std::string::npos);
  EXPECT_NE(text.find("EXIT STATUS"), std::string::npos);
  for (const char* code : {"0 ", "2 ", "3 ", "4 ", "7 try again later: rate limited"}) {
    EXPECT_NE(text.find(code), std::string::npos) << code;
  }
  for (const char* variable : {"EECALL_MAX_ACTIONS_PER_MINUTE", "EECALL_REPEAT_WINDOW", "EECALL_STATE_DIR",
                               "EECALL_ALLOW_HOSTS"}) {
    EXPECT_NE(text.find(variable), std::string::npos) << variable;
  }
  EXPECT_TRUE(requests.empty());
  EXPECT_EQ(run({"-h"}).status, 0);
}

TEST_F(Cli, RateLimitedIsExitStatus7AndNothingIsSent) {
  const test::ScratchDir state("cli-unit-limit");
  const Environment env = {{"EECALL_STATE_DIR", state.path()}, {"EECALL_MAX_ACTIONS_PER_MINUTE", "1"}};
  EXPECT_EQ(run(call_options, env).status, 0);
  const auto r = run(call_options, env);
  EXPECT_EQ(r.status, 7) << r.out << r.err;
  EXPECT_NE(r.out.find("<error>rate_limited</error>"), std::string::npos) << r.out;
  EXPECT_EQ(requests.size(), 1u);
}

TEST_F(Cli, IpOutsideAllowHostsIsForbiddenExit5) {
  const auto r = run(call_options, {{"EECALL_ALLOW_HOSTS", "127.0.0.1"}});
  EXPECT_EQ(r.status, 5) << r.out;
  EXPECT_TRUE(requests.empty());
}

// --- Admin options ---------------------------------------------------------------------------

TEST_F(Cli, TimeoutOption) {
  const auto r = run(plus(call_options, {"--timeout", "2.5"}));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(settings[0].total_timeout, 2500ms);
  EXPECT_LE(settings[0].step_timeout, 2500ms);
}

TEST_F(Cli, BadTimeoutIsBadInput) {
  for (const char* t : {"abc", "0", "-1", "121", "10s"}) {
    const auto r = run(plus(call_options, {"--timeout", t}));
    EXPECT_EQ(r.status, 2) << t;
    EXPECT_FALSE(r.err.empty()) << t;
  }
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, TimeoutOptionBeatsEecallTimeout) {
  run(plus(call_options, {"--timeout", "7"}), {{"EECALL_TIMEOUT", "3"}});
  run(call_options, {{"EECALL_TIMEOUT", "3"}});
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0].total_timeout, 7000ms);
  EXPECT_EQ(settings[1].total_timeout, 3000ms);
}

TEST_F(Cli, ContextChannelAndAuthOptions) {
  const auto r = run(plus(call_options, {"--context", "eedomus", "--channel", "PJSIP/{from}",
                                         "--auth", "md5"}));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(settings[0].call.context, "eedomus");
  EXPECT_EQ(settings[0].call.channel_template, "PJSIP/{from}");
  EXPECT_EQ(settings[0].auth, ami::AuthMethod::md5);
}

TEST_F(Cli, BadAdminOptionsAreBadInput) {
  EXPECT_EQ(run(plus(call_options, {"--context", "from internal"})).status, 2);
  EXPECT_EQ(run(plus(call_options, {"--channel", "PJSIP/100"})).status, 2);
  EXPECT_EQ(run(plus(call_options, {"--auth", "sha1"})).status, 2);
  EXPECT_TRUE(requests.empty());
}

TEST_F(Cli, BadAdminVariableIsAConfigurationError) {
  const auto r = run(call_options, {{"EECALL_AUTH", "sha1"}});
  EXPECT_EQ(r.status, 6);
  EXPECT_NE(r.out.find("<error>config_error</error>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EECALL_AUTH"), std::string::npos) << r.out;
  EXPECT_TRUE(requests.empty());
}

}  // namespace
}  // namespace eecall
