// Alerts with answering-machine detection (amd=1, issue 21) through the CGI interface, against
// the simulator's AsyncAGI (tests/data/u*): 109 is a machine, 110 a person who presses 1, the
// silent phones are NOTSURE. What reached the simulator: Originate into AGI(agi:async), then
// the AGI commands, and always the call's end.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <regex>
#include <thread>

#include "eecall/ami/client.hpp"
#include "support/answer.hpp"
#include "support/sessions.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

using nlohmann::json;
using Attempts = std::vector<std::vector<std::string>>;  // phone, outcome, amd, amd_cause

// The lab's users with the write classes amd needs (the recording lab's eedomus has agi).
std::vector<std::string> sim_args(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--answer-delay-ms", "50", "--key-delay-ms", "300",
                                   "--user", "eedomus:s3cret:originate,message,system,call,agi:all",
                                   "--user", "alertonly:al3rt:originate,call:call,dtmf,dialplan",
                                   "--user", "noagi:n0agi:originate,call,system:call,dialplan,agi"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

struct Run {
  int status = 0;
  json answer;
  std::string body;
};

Run cgi(const Simulator& sim, const std::string& options, const std::string& credentials = "user=eedomus&secret=s3cret",
        const std::string& amd_total = "2") {
  static const ScratchDir audio("amd-audio");
  Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"},
             {"REQUEST_METHOD", "GET"},
             {"QUERY_STRING", "ip=127.0.0.1&port=" + std::to_string(sim.port()) + "&" + credentials +
                                  "&format=json" + options},
             {"EECALL_CONFIG", "/dev/null"},
             {"EECALL_STATE_DIR", test_state_dir()},
             {"EECALL_AUDIO_DIR", audio.path()},
             {"EECALL_ACK_TIMEOUT", "1"},
             // AMD gives up on a silent phone after 2 s instead of 5: the setting reaches AMD.
             {"EECALL_AMD_TOTAL_TIME", amd_total}};
  const auto process = run_process({EECALL_BINARY}, env, {}, std::chrono::seconds(60));
  const auto answer = parse_cgi_answer(process.out);
  return {answer.status, json::parse(answer.body, nullptr, false), answer.body};
}

Attempts attempts(const json& answer) {
  Attempts out;
  for (const auto& a : answer.value("attempts", json::array())) {
    out.push_back({a["phone"], a["outcome"], a.value("amd", "-"), a.value("amd_cause", "-")});
  }
  return out;
}

std::vector<std::string> headers(const std::string& received, const std::string& name) {
  std::vector<std::string> values;
  const std::regex line("(^|\n)" + name + ": ([^\r]*)\r\n");
  for (auto it = std::sregex_iterator(received.begin(), received.end(), line); it != std::sregex_iterator(); ++it) {
    values.push_back((*it)[2]);
  }
  return values;
}

const std::string amd_command = "EXEC AMD 2500,1500,800,2000";

TEST(Amd, MachineIsVoicemailThenThePersonAcknowledges) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=109,110&play=hello-world&ack=1&amd=1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.answer["acknowledged_by"], "110");
  EXPECT_EQ(attempts(r.answer), (Attempts{{"109", "voicemail", "MACHINE", "LONGGREETING-1500-1500"},
                                          {"110", "acknowledged", "HUMAN", "HUMAN-810-800"}}));
  EXPECT_LT(r.answer["attempts"][0]["seconds"].get<double>(), 4.0) << "not after ack_timeout: " << r.body;
  const auto received = sim.received();
  EXPECT_NE(received.find("Events: call,agi\r\n"), std::string::npos) << received;
  EXPECT_EQ(headers(received, "Application"), (std::vector<std::string>{"AGI", "AGI"}));
  EXPECT_EQ(headers(received, "Data"), (std::vector<std::string>{"agi:async", "agi:async"}));
  EXPECT_EQ(headers(received, "Command"),
            (std::vector<std::string>{amd_command, "GET VARIABLE AMDSTATUS", "GET VARIABLE AMDCAUSE", "HANGUP",
                                      amd_command, "GET VARIABLE AMDSTATUS", "GET VARIABLE AMDCAUSE",
                                      "EXEC Read EECALL_ACK,hello-world,1,e,2,1", "GET VARIABLE EECALL_ACK",
                                      "HANGUP"}));
  // Every AGI action names the call by the ChannelId of its Originate.
  const auto ids = headers(received, "ChannelId");
  ASSERT_EQ(ids.size(), 2u);
  const auto channels = headers(received, "Channel");
  EXPECT_EQ(std::count(channels.begin(), channels.end(), ids[0]), 4);
  EXPECT_EQ(std::count(channels.begin(), channels.end(), ids[1]), 6);
}

TEST(Amd, NotSureIsAPersonWhoHearsThePrompt) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=109,100&play=hello-world&amd=1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(attempts(r.answer), (Attempts{{"109", "voicemail", "MACHINE", "LONGGREETING-1500-1500"},
                                          {"100", "answered", "NOTSURE", "TOOLONG-1900"}}));
  EXPECT_EQ(headers(sim.received(), "Command").at(7), "EXEC Playback hello-world&hello-world");
  // The text answer names the verdicts too.
  EXPECT_NE(r.body.find("\"amd_cause\":\"TOOLONG-1900\""), std::string::npos) << r.body;
}

TEST(Amd, NotSureWithoutTheKeyIsNotAcknowledged) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=107&play=hello-world&ack=1&repeat=1&amd=1");
  EXPECT_EQ(r.answer["error"], "not_acknowledged") << r.body;
  EXPECT_EQ(attempts(r.answer), (Attempts{{"107", "not_acknowledged", "NOTSURE", "TOOLONG-1900"}}));
}

TEST(Amd, OnlyMachinesMeansNobodyAnswered) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=109&play=hello-world&amd=1");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["error"], "no_answer");
  EXPECT_NE(r.answer["message"].get<std::string>().find("answering machine"), std::string::npos) << r.body;
}

TEST(Amd, HangUpDuringDetectionIsAHangup) {
  Simulator sim(sim_args({"--amd-hangup-ms", "300"}));
  const auto r = cgi(sim, "&from=109,110&play=hello-world&amd=1&ack=1");
  EXPECT_EQ(r.answer["error"], "hangup") << r.body;
  EXPECT_EQ(attempts(r.answer), (Attempts{{"109", "hangup", "HANGUP", "-"}, {"110", "hangup", "HANGUP", "-"}}));
  // AMD's AsyncAGIExec comes before AsyncAGIEnd (u6): the verdict is asked once, answered
  // "Channel ... does not exist.", and nothing more is sent to the channel.
  EXPECT_EQ(headers(sim.received(), "Command"),
            (std::vector<std::string>{amd_command, "GET VARIABLE AMDSTATUS", amd_command, "GET VARIABLE AMDSTATUS"}));
}

// A waited call with amd (docs/wait.md): a machine is hung up and `to` never reached; the
// simulator's default eedomus user has agi.
TEST(Amd, WaitedCallAnsweredByAMachineIsNoAnswerAndToIsNeverRung) {
  Simulator sim({"--answer-delay-ms", "50"});
  const auto r = cgi(sim, "&from=109&to=100&wait=20&amd=1");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["error"], "no_answer") << r.body;
  EXPECT_EQ(r.answer["step"], "amd") << r.body;
  const auto message = r.answer["message"].get<std::string>();
  EXPECT_NE(message.find("AMD: MACHINE"), std::string::npos) << message;
  EXPECT_NE(message.find("100 was never rung"), std::string::npos) << message;
  const auto received = sim.received();
  EXPECT_EQ(headers(received, "Action"),
            (std::vector<std::string>{"Challenge", "Login", "Originate", "AGI", "AGI", "AGI", "AGI", "Logoff"}));
  EXPECT_EQ(headers(received, "Application"), std::vector<std::string>{"AGI"});
  EXPECT_EQ(headers(received, "Events"), std::vector<std::string>{"call,agi"});
  EXPECT_EQ(headers(received, "Exten"), std::vector<std::string>{}) << "to is never named to Asterisk";
  EXPECT_EQ(headers(received, "Command").back(), "HANGUP");
}

TEST(Amd, WaitedCallAnsweredByAPersonIsPutThroughToTo) {
  Simulator sim({"--answer-delay-ms", "50"});
  const auto r = cgi(sim, "&from=110&to=100&wait=20&amd=1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.answer["result"], 1) << r.body;
  const auto message = r.answer["message"].get<std::string>();
  EXPECT_NE(message.find("AMD: HUMAN"), std::string::npos) << message;
  EXPECT_NE(message.find("connected to 100"), std::string::npos) << message;
  const auto received = sim.received();
  EXPECT_EQ(headers(received, "Action"),
            (std::vector<std::string>{"Challenge", "Login", "Originate", "AGI", "AGI", "AGI", "Redirect", "Logoff"}));
  EXPECT_EQ(headers(received, "Context"), std::vector<std::string>{"from-internal"});
  EXPECT_EQ(headers(received, "Exten"), std::vector<std::string>{"100"});
  EXPECT_EQ(headers(received, "Channel").back(), headers(received, "ChannelId").at(0)) << "redirected by ChannelId";
  EXPECT_EQ(headers(received, "Command").back(), "GET VARIABLE AMDCAUSE") << "no HANGUP: the call goes on";
}

TEST(Amd, APlainCallWithAmdIsRefusedBeforeAnyAction) {
  Simulator sim({"--answer-delay-ms", "50"});
  const auto r = cgi(sim, "&from=109&to=100&amd=1");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.answer["error"], "invalid_parameter");
  EXPECT_EQ(r.answer["parameter"], "amd");
  EXPECT_EQ(sim.received(), "");
}

TEST(Amd, AUserWithoutSystemIsRefusedBeforeAnyCall) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=109,110&play=hello-world&amd=1", "user=alertonly&secret=al3rt");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["error"], "permission_denied");
  EXPECT_EQ(r.answer["step"], "amd");
  EXPECT_NE(r.answer["message"].get<std::string>().find("write = system and agi"), std::string::npos) << r.body;
  EXPECT_FALSE(r.answer.contains("attempts"));
  EXPECT_EQ(headers(sim.received(), "Action"), (std::vector<std::string>{"Challenge", "Login", "Originate", "Logoff"}));
}

TEST(Amd, AUserWithoutAgiGetsAClearErrorAndTheCallIsHungUp) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=110&play=hello-world&amd=1", "user=noagi&secret=n0agi");
  EXPECT_EQ(r.answer["error"], "permission_denied") << r.body;
  EXPECT_NE(r.answer["message"].get<std::string>().find("write = agi"), std::string::npos) << r.body;
  const auto received = sim.received();
  EXPECT_EQ(headers(received, "Action"),
            (std::vector<std::string>{"Challenge", "Login", "Originate", "AGI", "Hangup", "Logoff"}));
  EXPECT_EQ(headers(received, "Channel").back(), headers(received, "ChannelId").at(0));
}

TEST(Amd, VoicemailLeaveWaitsForTheGreetingThenPlaysOnce) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=109,110&play=hello-world&ack=1&amd=1&voicemail=leave");
  EXPECT_EQ(r.answer["acknowledged_by"], "110") << r.body;
  EXPECT_NE(r.answer["attempts"][0]["message"].get<std::string>().find("left once"), std::string::npos) << r.body;
  const auto commands = headers(sim.received(), "Command");
  ASSERT_GE(commands.size(), 6u);
  EXPECT_EQ(commands[3], "EXEC WaitForSilence 1000,1,20");
  EXPECT_EQ(commands[4], "EXEC Playback hello-world");
  EXPECT_EQ(commands[5], "HANGUP");
}

TEST(Amd, WithoutAmdTheAlertIsUnchanged) {
  Simulator sim(sim_args());
  const auto r = cgi(sim, "&from=105&play=hello-world&ack=1&amd=0");
  EXPECT_EQ(r.answer["acknowledged_by"], "105") << r.body;
  EXPECT_FALSE(r.answer["attempts"][0].contains("amd"));
  EXPECT_EQ(headers(sim.received(), "Application"), std::vector<std::string>{"Read"});
}

// A cancel (a background job's SIGTERM) while AMD listens: the call is hung up by its ChannelId
// at once (a channel in AsyncAGI would stay up), no further phone is rung.
TEST(Amd, ACancelDuringDetectionHangsUpTheCall) {
  Simulator sim(sim_args());
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ami::ClientSettings settings;
  settings.cancel_fd = fds[0];
  Request request = call_to("127.0.0.1", sim.port());
  request.action = ActionKind::alert;
  request.to.clear();
  request.phones = {"110", "105"};
  request.alert.kind = PromptKind::play;
  request.alert.prompt = "hello-world";
  request.alert.amd = true;
  request.wait = std::chrono::seconds(30);
  // The cancel comes once the simulator got EXEC AMD (bounded: 10 s).
  std::thread canceller([&] {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sim.received().find("EXEC AMD") == std::string::npos && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(::write(fds[1], "x", 1), 1);
  });
  const auto outcome = ami::Client(settings).run(request);
  canceller.join();
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(outcome.error, ErrorCode::cancelled) << outcome.message;
  ASSERT_EQ(outcome.attempts.size(), 1u);
  EXPECT_EQ(outcome.attempts[0].outcome, AttemptOutcome::cancelled);
  EXPECT_LT(outcome.elapsed, std::chrono::milliseconds(1700)) << "AMD's verdict on 110 was not waited for";
  const auto received = sim.received();
  const auto ids = headers(received, "ChannelId");
  ASSERT_EQ(ids.size(), 1u) << "105 was rung after the cancel";
  EXPECT_EQ(headers(received, "Action").back(), "Logoff");
  const auto actions = headers(received, "Action");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "Hangup"), 1) << received;
  EXPECT_EQ(headers(received, "Channel").back(), ids[0]);
}

}  // namespace
}  // namespace eecall::test
