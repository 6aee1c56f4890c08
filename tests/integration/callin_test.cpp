// eecall run exactly as Asterisk's AGI() runs it for an incoming call: `eecall callin=home`
// with a scripted Asterisk on stdin (the agi_ block of a real Asterisk 20, tests/data/agi_pin.txt,
// and the replies it gives) and what eecall wrote on stdout checked line by line; the box a
// recording HTTP server on 127.0.0.1; real speech (the audio files exist).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "support/answer.hpp"
#include "support/http_recorder.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;
using test::HttpRecorder;
using test::run_process;
using test::ScratchDir;

// The agi_ block Asterisk 20 sent for a call from the lab's caller (tests/data/agi_pin.txt),
// with AGI(eecall,callin=home).
std::string agi_block(const std::string& caller = "0612345678") {
  return "agi_request: eecall\nagi_channel: PJSIP/caller-00000000\nagi_language: en\nagi_type: PJSIP\n"
         "agi_uniqueid: lab-1796610092.0\nagi_version: 20.20.1\nagi_callerid: " + caller +
         "\nagi_calleridname: " + caller +
         "\nagi_callingpres: 0\nagi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\n"
         "agi_dnid: 4000\nagi_rdnis: unknown\nagi_context: from-internal\nagi_extension: 4000\n"
         "agi_priority: 1\nagi_enhanced: 0.0\nagi_accountcode: \nagi_threadid: 140496534578880\n"
         "agi_arg_1: callin=home\n\n";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class Callin : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(audio);
    write_config("");
  }
  void write_config(const std::string& extra, const std::string& general = {}) {
    std::ofstream(config) << "[general]\nstate_dir = " << dir.path() << "\naudio_dir = " << audio
                          << "\njobs_dir = " << dir.path() << "\n" << general << "\n[callin home]\npin = 4711\n"
                          << "allow_callers = 0612345678\n"
                          << "key1 = act Armer | " << box.base_url() << "/set?value=100&caller={caller}\n"
                          << "key3 = read Alarme | " << box.base_url() << "/get | body.last_value_text\n"
                          << extra;
    ::chmod(config.c_str(), 0600);
  }
  test::ProcessResult call(const std::string& asterisk_side, const std::string& caller = "0612345678") {
    return run_process({EECALL_BINARY, "callin=home"}, {{"EECALL_CONFIG", config}},
                       agi_block(caller) + asterisk_side, 30s);
  }
  ScratchDir dir{"callin"};
  std::string audio = dir.path() + "/audio";
  std::string config = dir.path() + "/eecall.conf";
  HttpRecorder box;
};

// A command eecall wrote: its verb and, for a prompt, that the file it names exists as WAV.
void expect_prompt(const std::string& line, const std::string& verb, const std::string& audio) {
  ASSERT_EQ(line.substr(0, verb.size()), verb) << line;
  const auto path = line.substr(verb.size() + 1, line.find(' ', verb.size() + 1) - verb.size() - 1);
  EXPECT_EQ(path.substr(0, audio.size()), audio) << line;
  EXPECT_TRUE(std::filesystem::exists(path + ".wav")) << path;
}

TEST_F(Callin, RightPinArmsThenLeaves) {
  // ANSWER; PIN prompt → 4711; menu → 1; "Armer : fait." played; menu → #; goodbye; HANGUP.
  const auto result = call("200 result=0\n200 result=4711\n200 result=1\n200 result=0 endpos=9000\n"
                           "200 result=\n200 result=0 endpos=8000\n200 result=0\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto out = lines_of(result.out);
  ASSERT_EQ(out.size(), 7u) << result.out;
  EXPECT_EQ(out[0], "ANSWER");
  expect_prompt(out[1], "GET DATA", audio);
  EXPECT_EQ(out[1].substr(out[1].size() - 8), " 6000 12");
  expect_prompt(out[2], "GET DATA", audio);
  EXPECT_EQ(out[2].substr(out[2].size() - 7), " 6000 1");
  expect_prompt(out[3], "STREAM FILE", audio);
  EXPECT_EQ(out[3].substr(out[3].size() - 15), " \"0123456789*#\"");
  expect_prompt(out[4], "GET DATA", audio);
  EXPECT_EQ(out[2], out[4]);  // the same menu again, from the cache
  expect_prompt(out[5], "STREAM FILE", audio);
  EXPECT_EQ(out[6], "HANGUP");
  EXPECT_EQ(box.requests(), std::vector<std::string>{"GET /set?value=100&caller=0612345678 HTTP/1.1"});
  EXPECT_NE(result.err.find("call-in from 0612345678: PIN ok, keys '1#', Armer: done: left"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("4711"), std::string::npos);  // the PIN is never logged
}

TEST_F(Callin, ReadKeyFetchesAndSpeaks) {
  box.set_body(R"({"success":1,"body":{"last_value":"100","last_value_text":"activée"}})");
  const auto result = call("200 result=0\n200 result=4711\n200 result=3\n200 result=0\n200 result=\n"
                           "200 result=0\n200 result=0\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(box.requests(), std::vector<std::string>{"GET /get HTTP/1.1"});
  EXPECT_NE(result.err.find("Alarme: read: left"), std::string::npos) << result.err;
}

TEST_F(Callin, UnknownCallerIsHungUpWithoutAnswer) {
  const auto result = call("200 result=1\n", "0699999999");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "HANGUP\n");
  EXPECT_TRUE(box.requests().empty());
}

TEST_F(Callin, WrongPinsLockOutTheNextCall) {
  auto result = call("200 result=0\n200 result=1\n200 result=2\n200 result=3\n200 result=0\n200 result=0\n");
  EXPECT_NE(result.err.find("PIN locked out, keys '': locked out"), std::string::npos) << result.err;
  result = call("200 result=0\n200 result=0\n200 result=0\n");
  const auto out = lines_of(result.out);
  ASSERT_EQ(out.size(), 3u) << result.out;  // ANSWER, the sentence, HANGUP: no PIN asked
  EXPECT_EQ(out[1].substr(0, 11), "STREAM FILE");
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/callin-lockout.json"));
}

TEST_F(Callin, CallerHangingUpEndsAtOnce) {
  // stdin closes after the PIN prompt was sent: Asterisk is gone.
  const auto result = call("200 result=0\n");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_LT(result.elapsed, 10s);
  EXPECT_NE(result.err.find(": hung up"), std::string::npos) << result.err;
}

TEST_F(Callin, BoxDownIsSpokenAndLogged) {
  write_config("fetch_timeout = 1\nkey2 = act Porte | http://127.0.0.1:9/open\n");
  const auto result = call("200 result=0\n200 result=4711\n200 result=2\n200 result=0\n200 result=\n"
                           "200 result=0\n200 result=0\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("Porte: failed ("), std::string::npos) << result.err;
  EXPECT_LT(result.elapsed, 20s);
}

TEST_F(Callin, UnknownMenuIsHungUpAndLogged) {
  const auto result = run_process({EECALL_BINARY, "callin=garage"}, {{"EECALL_CONFIG", config}}, agi_block(), 30s);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "HANGUP\n");
  EXPECT_NE(result.err.find("no [callin garage]"), std::string::npos) << result.err;
}

// An alert job, started in the background through CGI, ringing 107 (the simulator's phone
// answers and never presses): the job offers itself in state_dir/alerts while it runs.
class CallinAck : public Callin {
 protected:
  void TearDown() override {
    if (!job.empty()) (void)cgi("job=" + job + "&cancel=1");  // no job outlives its test
  }
  test::CgiAnswer cgi(const std::string& query) const {
    return test::parse_cgi_answer(run_process({EECALL_BINARY},
                                              {{"EECALL_CONFIG", config},
                                               {"EECALL_ACK_TIMEOUT", "30"},
                                               {"EECALL_JOB_LOG", dir.path() + "/job.log"},
                                               {"GATEWAY_INTERFACE", "CGI/1.1"},
                                               {"REQUEST_METHOD", "GET"},
                                               {"QUERY_STRING", query}},
                                              {}, 30s)
                                      .out);
  }
  nlohmann::json state() const { return nlohmann::json::parse(cgi("format=json&job=" + job).body); }
  // Polls the job's state until `done` holds, for at most `budget`.
  template <typename Done>
  nlohmann::json state_when(const Done& done, std::chrono::milliseconds budget = 15s) const {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    auto s = state();
    while (!done(s) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      s = state();
    }
    EXPECT_TRUE(done(s)) << "gave up waiting; last state: " << s.dump();
    return s;
  }
  std::string job;
};

TEST_F(CallinAck, KeyZeroAcknowledgesTheRunningAlertJob) {
  write_config("key0 = acknowledge\n", "notify_url = " + box.base_url() + "/notify?state={state}&by={acknowledged_by}\n");
  test::Simulator sim;
  const auto accepted = cgi("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                            "&user=eedomus&secret=s3cret&from=107&play=hello-world&ack=1&repeat=5&background=1");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  job = accepted.xml("job");
  ASSERT_TRUE(std::regex_match(job, std::regex("[0-9a-f]{32}"))) << accepted.body;
  state_when([](const nlohmann::json& s) { return s.value("detail", "") == "107 answered"; });
  const auto offer = dir.path() + "/alerts/" + job;
  ASSERT_TRUE(std::filesystem::exists(offer + "/alert.json"));
  EXPECT_EQ(std::filesystem::status(offer).permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);

  // ANSWER; PIN → 4711; the menu (the alert first) → 0; "Alerte acquittée." played; menu → #;
  // goodbye; HANGUP.
  const auto result = call("200 result=0\n200 result=4711\n200 result=0\n200 result=0 endpos=9000\n"
                           "200 result=\n200 result=0 endpos=8000\n200 result=0\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("keys '0#', acknowledge " + job + ": done: left"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(offer)) << "the job removes its offer once ended";

  const auto end = state_when([](const nlohmann::json& s) {
    return s.value("state", "") != "running" && s.contains("notify") && s["notify"].value("state", "") != "sending";
  });
  EXPECT_EQ(end["state"], "done") << end.dump();
  EXPECT_EQ(end["result"], 1);
  EXPECT_EQ(end["acknowledged_by"], "0612345678 (call-in)");
  const auto received = sim.received();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(received, m, std::regex("Action: Originate\r\n(?:[^\r\n]+\r\n)*?ChannelId: ([^\r\n]+)")));
  EXPECT_NE(received.find("Action: Hangup\r\nChannel: " + m[1].str() + "\r\n"), std::string::npos)
      << "the alert's call is hung up";
  ASSERT_EQ(box.requests().size(), 1u) << "exactly one notify";
  EXPECT_EQ(box.requests()[0], "GET /notify?state=done&by=0612345678%20%28call-in%29 HTTP/1.1");
}

TEST_F(CallinAck, WithoutARunningAlertTheKeyIsNotOffered) {
  write_config("key0 = acknowledge\n");
  // A stale offer (its process long gone) is swept, not offered: the menu's key 0 is unknown.
  const auto stale = dir.path() + "/alerts/0123456789abcdef0123456789abcdef";
  std::filesystem::create_directories(stale);
  std::ofstream(stale + "/alert.json")
      << R"({"job":"0123456789abcdef0123456789abcdef","text":"x","started":0,"pid":999999999,"pid_start":1})";
  const auto result = call("200 result=0\n200 result=4711\n200 result=0\n200 result=0\n200 result=\n"
                           "200 result=0\n200 result=0\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("keys '0#': left"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(stale));
}

}  // namespace
}  // namespace eecall
