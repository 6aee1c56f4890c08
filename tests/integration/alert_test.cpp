// Alerts (say / play / ack / escalation) through the CGI interface, against the simulator's lab
// phones (105 presses 1 by RFC 2833, 106 by SIP INFO, 107 never presses, 108 is busy, 102 and
// 103 cannot be reached), and what reached the simulator: one Originate per phone, with Read or
// Playback and exactly the arguments eecall meant.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "support/answer.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The simulator with the lab's timings shortened: phones answer after 50 ms and press their
// key 300 ms later.
std::vector<std::string> fast(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--answer-delay-ms", "50", "--key-delay-ms", "300"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

class Alert : public ::testing::Test {
 protected:

  struct Run {
    int status = 0;
    json answer;
    std::string body;
    ProcessResult process;
  };

  // eecall as CGI, JSON answer; Read waits 1 s for the key after each prompt.
  Run cgi(const Simulator& sim, const std::string& options, Env extra = {},
          const std::string& credentials = "user=eedomus&secret=s3cret") const {
    Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"},
               {"REQUEST_METHOD", "GET"},
               {"QUERY_STRING", "ip=127.0.0.1&port=" + std::to_string(sim.port()) + "&" + credentials +
                                    "&format=json" + options},
               {"EECALL_CONFIG", "/dev/null"},
               {"EECALL_STATE_DIR", test_state_dir()},
               {"EECALL_AUDIO_DIR", audio.string()},
               {"EECALL_ACK_TIMEOUT", "1"}};
    for (auto& [k, v] : extra) env[k] = v;
    Run run;
    run.process = run_process({EECALL_BINARY}, env, {}, std::chrono::seconds(60));
    const auto cgi_answer = parse_cgi_answer(run.process.out);
    run.status = cgi_answer.status;
    run.body = cgi_answer.body;
    run.answer = json::parse(cgi_answer.body, nullptr, false);
    return run;
  }

  static std::vector<std::pair<std::string, std::string>> attempts(const json& answer) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& a : answer.value("attempts", json::array())) out.emplace_back(a["phone"], a["outcome"]);
    return out;
  }

  // The value of every `Name:` header the simulator received, in order.
  static std::vector<std::string> headers(const std::string& received, const std::string& name) {
    std::vector<std::string> values;
    const std::regex line("(^|\n)" + name + ": ([^\r]*)\r\n");
    for (auto it = std::sregex_iterator(received.begin(), received.end(), line); it != std::sregex_iterator(); ++it) {
      values.push_back((*it)[2]);
    }
    return values;
  }

  ScratchDir audio_dir{"alert-audio"};
  fs::path audio{audio_dir.path()};
};

using Attempts = std::vector<std::pair<std::string, std::string>>;

TEST_F(Alert, SayAcknowledgedWithTheKey) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=105&say=Fuite%20d'eau%20au%20sous-sol&ack=1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.answer["result"], 1);
  EXPECT_EQ(r.answer["action"], "alert");
  EXPECT_EQ(r.answer["acknowledged_by"], "105");
  EXPECT_EQ(attempts(r.answer), (Attempts{{"105", "acknowledged"}}));
  // Read got the synthesized file by its path without extension, then one key, option e, the
  // default 2 attempts, a 1 s wait.
  const auto received = sim.received();
  EXPECT_NE(received.find("Events: call,dialplan\r\n"), std::string::npos) << received;
  EXPECT_EQ(headers(received, "Application"), std::vector<std::string>{"Read"});
  const auto data = headers(received, "Data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_TRUE(std::regex_match(data[0], std::regex("EECALL_ACK," + audio.string() + "/[0-9a-f]{64},1,e,2,1")))
      << data[0];
  const auto file = fs::path(data[0].substr(11, data[0].find(",1,e") - 11) + ".wav");
  EXPECT_TRUE(fs::exists(file)) << file;
  EXPECT_EQ(headers(received, "ChannelId").size(), 1u);
}

TEST_F(Alert, AcknowledgedBySipInfo) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=106&play=hello-world&ack=1");
  EXPECT_EQ(r.answer["result"], 1) << r.body;
  EXPECT_EQ(r.answer["acknowledged_by"], "106");
}

TEST_F(Alert, NeverPressedIsNotAcknowledged) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=107&play=hello-world&ack=1");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["result"], 0);
  EXPECT_EQ(r.answer["error"], "not_acknowledged");
  EXPECT_FALSE(r.answer.contains("acknowledged_by"));
  EXPECT_EQ(attempts(r.answer), (Attempts{{"107", "not_acknowledged"}}));
  EXPECT_EQ(r.process.exit_code, 0) << "a CGI program answers in HTTP";
}

TEST_F(Alert, AnotherKeyIsNotAcknowledgedAndSaysWhichKey) {
  Simulator sim(fast({"--keys", "105=2"}));
  const auto r = cgi(sim, "&from=105&play=hello-world&ack=1");
  EXPECT_EQ(r.answer["error"], "not_acknowledged") << r.body;
  EXPECT_EQ(r.answer["attempts"][0]["message"], "answered and pressed 2, not 1");
}

TEST_F(Alert, HashAloneIsAKey) {
  Simulator sim(fast({"--keys", "105=#"}));
  const auto r = cgi(sim, "&from=105&play=hello-world&ack=%23");
  EXPECT_EQ(r.answer["result"], 1) << r.body;
  EXPECT_EQ(r.answer["acknowledged_by"], "105");
}

TEST_F(Alert, BusyFirstThenTheNextPhoneAcknowledges) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=108,105&say=Alerte&ack=1");
  EXPECT_EQ(r.answer["result"], 1) << r.body;
  EXPECT_EQ(r.answer["acknowledged_by"], "105");
  EXPECT_EQ(attempts(r.answer), (Attempts{{"108", "busy"}, {"105", "acknowledged"}}));
  EXPECT_EQ(headers(sim.received(), "Action"),
            (std::vector<std::string>{"Challenge", "Login", "Originate", "Originate", "Logoff"}))
      << "one session for the whole alert";
}

TEST_F(Alert, NobodyAcknowledgesThroughTheListAndTheRounds) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=102,107&play=hello-world&ack=1&repeat=1&rounds=2");
  EXPECT_EQ(r.answer["error"], "not_acknowledged") << r.body;
  EXPECT_EQ(attempts(r.answer), (Attempts{{"102", "call_failed"},
                                          {"107", "not_acknowledged"},
                                          {"102", "call_failed"},
                                          {"107", "not_acknowledged"}}));
}

TEST_F(Alert, WithoutAckAnsweringAndHearingIsEnough) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=103,100&play=hello-world&repeat=3");
  EXPECT_EQ(r.answer["result"], 1) << r.body;
  EXPECT_EQ(attempts(r.answer), (Attempts{{"103", "call_failed"}, {"100", "answered"}}));
  EXPECT_FALSE(r.answer.contains("acknowledged_by"));
  const auto received = sim.received();
  EXPECT_EQ(headers(received, "Application"), (std::vector<std::string>{"Playback", "Playback"}));
  EXPECT_EQ(headers(received, "Data")[0], "hello-world&hello-world&hello-world");
}

TEST_F(Alert, APromptAsteriskCannotPlayStopsTheAlert) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=100,101&play=custom/nothere");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["error"], "playback_failed");
  EXPECT_EQ(attempts(r.answer), (Attempts{{"100", "playback_failed"}}));
  const auto with_ack = cgi(sim, "&from=105&play=custom/nothere&ack=1");
  EXPECT_EQ(with_ack.answer["error"], "playback_failed") << with_ack.body;
}

TEST_F(Alert, WithoutTheDialplanReadClassTheAnswerNamesIt) {
  Simulator sim(fast({"--user", "nodialplan:pw:originate,call:call"}));
  const auto r = cgi(sim, "&from=105&play=hello-world&ack=1", {}, "user=nodialplan&secret=pw");
  EXPECT_EQ(r.answer["error"], "permission_denied") << r.body;
  EXPECT_EQ(r.answer["step"], "events");
  EXPECT_NE(r.answer["message"].get<std::string>().find("read = call,dialplan"), std::string::npos);
}

TEST_F(Alert, WithoutTheCallReadClassTheAnswerNamesItAndTheCallIsHungUp) {
  Simulator sim(fast({"--user", "noevents:pw:originate,call:dialplan"}));
  const auto r = cgi(sim, "&from=107&play=hello-world&ring=5", {}, "user=noevents&secret=pw");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.answer["error"], "timeout");
  EXPECT_EQ(r.answer["step"], "ring");
  EXPECT_NE(r.answer["message"].get<std::string>().find("read = call"), std::string::npos);
  const auto received = sim.received();
  EXPECT_EQ(headers(received, "Channel").back(), headers(received, "ChannelId").at(0))
      << "Hangup by the call's ChannelId: " << received;
}

TEST_F(Alert, TheDeadlineHangsUpTheCallInProgress) {
  Simulator sim(fast());
  // Read would keep 107 for 2 x (prompt + 20 s); the alert may last timeout 2 s + wait 3 s.
  const auto r = cgi(sim, "&from=107&play=hello-world&ack=1&wait=3",
                     {{"EECALL_TIMEOUT", "2"}, {"EECALL_ACK_TIMEOUT", "20"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.answer["step"], "prompt");
  EXPECT_LT(r.process.elapsed, std::chrono::milliseconds(5500));
  const auto received = sim.received();
  const auto actions = headers(received, "Action");
  ASSERT_GE(actions.size(), 4u) << received;
  EXPECT_EQ(actions[3], "Hangup");
  EXPECT_EQ(headers(received, "Channel").back(), headers(received, "ChannelId").at(0));
}

TEST_F(Alert, ValuesNeverReachAsteriskAsMoreThanTheirOneArgument) {
  Simulator sim(fast());
  // A text to say never reaches Asterisk at all: only the hash-named file's path does.
  for (const char* say : {"a,b", "a%26b", "a|b", "a)b", "a%0D%0Ab", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd"}) {
    const auto r = cgi(sim, std::string("&from=105&ack=1&say=") + say);
    EXPECT_EQ(r.answer["result"], 1) << say << ": " << r.body;
  }
  for (const auto& data : headers(sim.received(), "Data")) {
    EXPECT_TRUE(std::regex_match(data, std::regex("EECALL_ACK," + audio.string() + "/[0-9a-f]{64},1,e,2,1")))
        << data;
  }
  // A recording name that would split arguments or leave the sounds directory is refused before
  // anything is sent.
  Simulator untouched(fast());
  for (const char* play : {"a,b", "a%26b", "a|b", "a)b", "a%0D%0Ab", "..%2Fx", "%2Fetc%2Fpasswd", "custom%2FFILE"}) {
    const auto r = cgi(untouched, std::string("&from=105&play=") + play);
    EXPECT_EQ(r.status, 400) << play << ": " << r.body;
  }
  EXPECT_EQ(untouched.received(), "");
}

TEST_F(Alert, TheSameTextIsSynthesizedOnce) {
  Simulator sim(fast());
  ASSERT_EQ(cgi(sim, "&from=100&say=Une%20seule%20fois").answer["result"], 1);
  std::vector<fs::path> files(fs::directory_iterator(audio), fs::directory_iterator{});
  ASSERT_EQ(files.size(), 1u);
  struct stat before {};
  ASSERT_EQ(::stat(files[0].c_str(), &before), 0);
  const auto again = cgi(sim, "&from=101&say=Une%20seule%20fois");
  EXPECT_EQ(again.answer["result"], 1) << again.body;
  // A new synthesis would have renamed a new file into place: another inode.
  struct stat after {};
  ASSERT_EQ(::stat(files[0].c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_size, before.st_size);
  EXPECT_EQ(std::distance(fs::directory_iterator(audio), fs::directory_iterator{}), 1);
  EXPECT_EQ(headers(sim.received(), "Data")[0], headers(sim.received(), "Data")[1]) << "the same file played";
}

TEST_F(Alert, AnUnknownVoiceIsABadParameterAndNothingIsSent) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=105&say=Hello&lang=xx-nothere");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.answer["error"], "invalid_parameter");
  EXPECT_EQ(r.answer["parameter"], "lang");
  EXPECT_EQ(sim.received(), "");
}

TEST_F(Alert, EveryPhoneOfTheListMustBeAllowed) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&from=105,106&play=hello-world", {{"EECALL_ALLOW_FROM", "10[0-5]"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.answer["error"], "forbidden");
  EXPECT_EQ(sim.received(), "");
}

TEST_F(Alert, MessagesToSeveralPhonesOneResultEach) {
  Simulator sim(fast());
  const auto r = cgi(sim, "&to=100,999,101&msg=Alerte&drv=pjsip");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.answer["error"], "action_failed");
  EXPECT_EQ(attempts(r.answer), (Attempts{{"100", "sent"}, {"999", "failed"}, {"101", "sent"}}));
  EXPECT_EQ(headers(sim.received(), "To"), (std::vector<std::string>{"pjsip:100", "pjsip:999", "pjsip:101"}));
  const auto all = cgi(sim, "&to=100,101&msg=Alerte&drv=pjsip");
  EXPECT_EQ(all.answer["result"], 1) << all.body;
}

}  // namespace
}  // namespace eecall::test
