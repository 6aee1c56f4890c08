// The anti-flood with eecall run as real processes against the simulator: many CGI processes
// hitting max_actions_per_minute together never get past it and never corrupt the state file;
// a state file that is missing, garbage or unreadable costs one log line, not the request;
// repeat_window answers the very same request as a duplicate and sends nothing; the command
// line obeys both.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <sstream>
#include <thread>

#include "eecall/guard/recent_actions.hpp"
#include "support/scratch_dir.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string state_file(const ScratchDir& dir) { return dir.path() + "/recent-actions.json"; }

// The state file as eecall's own reader sees it; fails the test when it does not parse.
RecentActions parsed_state(const ScratchDir& dir) {
  auto state = parse_recent_actions(read_file(state_file(dir)));
  if (!state) {
    ADD_FAILURE() << state.failure().message << ": " << read_file(state_file(dir));
    return {};
  }
  return state.value();
}

// Log lines (stderr) that speak of the state file or state_dir.
std::size_t state_lines(const ProcessResult& p) {
  std::size_t n = 0;
  std::istringstream lines(p.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("state file") != std::string::npos || line.find("recent-actions.json") != std::string::npos) ++n;
  }
  return n;
}

TEST(Flood, ThirtyTwoConcurrentRequestsAgainstALimitOfThirtyLetExactlyThirtyThrough) {
  Simulator sim;
  const ScratchDir state("flood-concurrent");
  constexpr int n = 32;
  std::vector<CgiRun> runs(n);
  std::latch start(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      // Calls and messages alike: one action each, whatever the kind.
      const auto query = i % 2 == 0 ? call_query(sim.port())
                                    : "ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                                          "&user=eedomus&secret=s3cret&drv=pjsip&to=100,101&msg=n" + std::to_string(i);
      runs[static_cast<std::size_t>(i)] = run_cgi_get(
          query, {{"EECALL_STATE_DIR", state.path()}, {"EECALL_MAX_ACTIONS_PER_MINUTE", "30"}, {"EECALL_TIMEOUT", "20"}});
    });
  }
  for (auto& t : threads) t.join();

  int ok = 0;
  int limited = 0;
  for (const auto& run : runs) {
    if (run.answer.status == 200) {
      ++ok;
    } else if (run.answer.status == 429) {
      ++limited;
      EXPECT_EQ(run.answer.xml("error"), "rate_limited");
      const int retry = std::atoi(run.answer.header("Retry-After").c_str());
      EXPECT_GE(retry, 1) << run.answer.headers;
      EXPECT_LE(retry, 60) << run.answer.headers;
    } else {
      ADD_FAILURE() << run.process.out << run.process.err;
    }
  }
  EXPECT_EQ(ok, 30);
  EXPECT_EQ(limited, 2);
  const auto got = sim.received();
  // A message to 100,101 is two MessageSends but one action.
  EXPECT_EQ(count(got, "Action: Originate\r\n") + count(got, "Action: MessageSend\r\nTo: pjsip:100\r\n"), 30u);
  const auto after = parsed_state(state);
  const auto key = "host 127.0.0.1:" + std::to_string(sim.port());
  ASSERT_TRUE(after.keys.count(key)) << read_file(state_file(state));
  EXPECT_EQ(after.keys.at(key).actions.size(), 30u);
  EXPECT_NE(after.keys.at(key).warned, 0) << "the limit was logged";
}

TEST(Flood, TheWarningIsLoggedOnceAMinuteNotOncePerRefusal) {
  Simulator sim;
  const ScratchDir state("flood-warning");
  const Env env = {{"EECALL_STATE_DIR", state.path()}, {"EECALL_MAX_ACTIONS_PER_MINUTE", "1"}};
  EXPECT_EQ(run_cgi_get(call_query(sim.port()), env).answer.status, 200);
  std::size_t warnings = 0;
  for (int i = 0; i < 3; ++i) {
    const auto run = run_cgi_get(call_query(sim.port()), env);
    EXPECT_EQ(run.answer.status, 429);
    warnings += count(run.process.err, "warning: ");
  }
  EXPECT_EQ(warnings, 1u);
}

// A request admitted, then refused before it could run (here a spoken alert whose audio
// directory does not exist), reached no PBX: it does not use up the minute's actions.
TEST(Flood, ARequestRefusedAfterAdmissionIsNotCounted) {
  Simulator sim;
  const ScratchDir state("flood-not-run");
  const Env env = {{"EECALL_STATE_DIR", state.path()},
                   {"EECALL_MAX_ACTIONS_PER_MINUTE", "1"},
                   {"EECALL_AUDIO_DIR", state.path() + "/no-such-audio"}};
  const auto alert = run_cgi_get(
      "ip=127.0.0.1&port=" + std::to_string(sim.port()) + "&user=eedomus&secret=s3cret&from=105&say=Fuite", env);
  EXPECT_NE(alert.answer.xml("result"), "1") << alert.process.out;
  EXPECT_NE(alert.answer.xml("error"), "rate_limited") << alert.process.out;
  const auto call = run_cgi_get(call_query(sim.port()), env);
  EXPECT_EQ(call.answer.status, 200) << call.process.out;
  EXPECT_EQ(call.answer.xml("result"), "1") << call.process.out;
  EXPECT_EQ(count(sim.received(), "Action: Originate"), 1u);
  const auto key = "host 127.0.0.1:" + std::to_string(sim.port());
  EXPECT_EQ(parsed_state(state).keys.at(key).actions.size(), 1u) << read_file(state_file(state));
}

class StateFileTrouble : public ::testing::Test {
 protected:
  Simulator sim;
  ScratchDir state{"flood-trouble"};

  CgiRun call(const Env& extra = {}) {
    Env env = {{"EECALL_STATE_DIR", state.path()}};
    for (const auto& [k, v] : extra) env[k] = v;
    return run_cgi_get(call_query(sim.port()), env);
  }
  void expect_acted_with_one_line(const CgiRun& run, const std::string& line) {
    EXPECT_EQ(run.answer.status, 200) << run.process.out << run.process.err;
    EXPECT_EQ(run.answer.xml("result"), "1");
    EXPECT_EQ(state_lines(run.process), 1u) << run.process.err;
    EXPECT_NE(run.process.err.find(line), std::string::npos) << run.process.err;
  }
};

TEST_F(StateFileTrouble, MissingFileIsCreatedWithOneLogLine) {
  expect_acted_with_one_line(call(), "created the state file " + state_file(state));
  EXPECT_EQ(parsed_state(state).keys.size(), 1u);
  const auto next = call();
  EXPECT_EQ(next.answer.status, 200);
  EXPECT_EQ(state_lines(next.process), 0u) << next.process.err;
}

TEST_F(StateFileTrouble, GarbageIsStartedAfreshWithOneLogLine) {
  using namespace std::string_literals;
  std::ofstream(state_file(state), std::ios::binary) << "\0\x01{\"version\":1,\"keys\":{"s;
  expect_acted_with_one_line(call(), "was unusable");
  EXPECT_EQ(parsed_state(state).keys.size(), 1u) << "rewritten whole";
}

TEST_F(StateFileTrouble, HalfWrittenFileFromACrashIsStartedAfresh) {
  call();
  const auto whole = read_file(state_file(state));
  std::ofstream(state_file(state), std::ios::binary) << whole.substr(0, whole.size() / 2);
  expect_acted_with_one_line(call(), "was unusable");
}

TEST_F(StateFileTrouble, FileTheWebServersUserCannotOpenIsReplacedWithOneLogLine) {
  // The usual way to get there: root ran eecall by hand first and its file is root's, 0600.
  std::ofstream(state_file(state)) << "{\"version\":1,\"keys\":{}}\n";
  ::chmod(state_file(state).c_str(), 0600);
  ::chmod(state.path().c_str(), 0777);  // the directory is the web server's user's
  CgiRun run;
  if (::geteuid() == 0) {
    // As the web server would run it: another user (nobody) than the file's owner.
    Env env = {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"},
               {"QUERY_STRING", call_query(sim.port())}, {"EECALL_CONFIG", "/dev/null"},
               {"EECALL_STATE_DIR", state.path()}};
    run.process = run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               EECALL_BINARY},
                              env, {}, std::chrono::seconds(30));
    run.answer = parse_cgi_answer(run.process.out);
  } else {
    ::chmod(state_file(state).c_str(), 0);
    run = call();
  }
  expect_acted_with_one_line(run, "could not be opened (Permission denied): replaced by a new one");
  EXPECT_EQ(parsed_state(state).keys.size(), 1u);
}

TEST_F(StateFileTrouble, MissingStateDirActsWithoutLimitsAndSaysWhy) {
  const auto run = call({{"EECALL_STATE_DIR", state.path() + "/not-there"}, {"EECALL_MAX_ACTIONS_PER_MINUTE", "1"}});
  EXPECT_EQ(run.answer.status, 200) << run.process.out << run.process.err;
  EXPECT_NE(run.process.err.find("are not applied"), std::string::npos) << run.process.err;
  EXPECT_EQ(count(run.process.err, "\n"), 2u) << "that warning and the request's line: " << run.process.err;
}

TEST_F(StateFileTrouble, NoLimitAndNoWindowNeverTouchTheStateFile) {
  const auto run = call({{"EECALL_MAX_ACTIONS_PER_MINUTE", "0"}});
  EXPECT_EQ(run.answer.status, 200);
  EXPECT_FALSE(fs::exists(state_file(state)));
}

// --- repeat_window -------------------------------------------------------------------------

TEST(RepeatWindow, TheSameRequestAgainIsADuplicateAnotherTextIsNotAndAfterTheWindowItActsAgain) {
  Simulator sim;
  const ScratchDir state("flood-repeat");
  const Env env = {{"EECALL_STATE_DIR", state.path()}, {"EECALL_REPEAT_WINDOW", "2"}};
  const auto text = [&](const std::string& msg) {
    return "ip=127.0.0.1&port=" + std::to_string(sim.port()) + "&user=eedomus&secret=s3cret&to=100&drv=sip&msg=" + msg;
  };
  const auto sent = [&](const std::string& body) { return count(sim.received(), "Body: " + body + "\r\n"); };

  const auto first = run_cgi_get(text("Fuite"), env);
  EXPECT_EQ(first.answer.status, 200) << first.process.out << first.process.err;
  EXPECT_EQ(first.answer.xml("duplicate"), "");
  const auto second = run_cgi_get(text("Fuite"), env);
  EXPECT_EQ(second.answer.status, 200);
  EXPECT_EQ(second.answer.xml("result"), "1");
  EXPECT_EQ(second.answer.xml("duplicate"), "1");
  EXPECT_EQ(second.answer.xml("action_id"), "") << "nothing was sent";
  EXPECT_EQ(sent("Fuite"), 1u);

  const auto other = run_cgi_get(text("Fuite+au+garage"), env);
  EXPECT_EQ(other.answer.xml("duplicate"), "");
  EXPECT_EQ(sent("Fuite au garage"), 1u);

  const auto json = run_cgi_get(text("Fuite") + "&format=json", env);
  EXPECT_NE(json.answer.body.find("\"duplicate\":1"), std::string::npos) << json.answer.body;
  EXPECT_EQ(sent("Fuite"), 1u) << "the format is not part of what makes a request the same";

  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const auto later = run_cgi_get(text("Fuite"), env);
  EXPECT_EQ(later.answer.status, 200);
  EXPECT_EQ(later.answer.xml("duplicate"), "");
  EXPECT_EQ(sent("Fuite"), 2u);

  // The file holds digests, never the text.
  EXPECT_EQ(read_file(state_file(state)).find("Fuite"), std::string::npos) << read_file(state_file(state));
}

TEST(RepeatWindow, ACallThatFailedIsNoDuplicateItsRetryActs) {
  const ScratchDir state("flood-retry");
  const Env env = {{"EECALL_STATE_DIR", state.path()}, {"EECALL_REPEAT_WINDOW", "60"}};
  const auto port = closed_port();
  EXPECT_EQ(run_cgi_get(call_query(port), env).answer.xml("error"), "connect_failed");
  EXPECT_EQ(run_cgi_get(call_query(port), env).answer.xml("error"), "connect_failed")
      << "tried again, not answered as a duplicate of a failure";
}

// --- the command line ------------------------------------------------------------------------

ProcessResult cli(const std::vector<std::string>& args, const Env& extra) {
  std::vector<std::string> argv = {EECALL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  Env env = {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_SECRET", "s3cret"}};
  for (const auto& [k, v] : extra) env[k] = v;
  return run_process(argv, env, {}, std::chrono::seconds(30));
}

TEST(FloodCommandLine, RateLimitIsExitStatus7AndRepeatIsADuplicate) {
  Simulator sim;
  const ScratchDir state("flood-cli");
  const std::vector<std::string> call = {"--ip", "127.0.0.1", "--port", std::to_string(sim.port()), "--user",
                                         "eedomus", "--from", "100", "--to", "291"};
  const Env limit = {{"EECALL_STATE_DIR", state.path()}, {"EECALL_MAX_ACTIONS_PER_MINUTE", "1"}};
  EXPECT_EQ(cli(call, limit).exit_code, 0);
  const auto refused = cli(call, limit);
  EXPECT_EQ(refused.exit_code, 7) << refused.out << refused.err;
  EXPECT_EQ(xml_field(refused.out, "error"), "rate_limited");
  EXPECT_FALSE(xml_field(refused.out, "retry_after").empty());
  EXPECT_EQ(count(sim.received(), "Action: Originate"), 1u);

  const ScratchDir other("flood-cli-repeat");
  const Env window = {{"EECALL_STATE_DIR", other.path()}, {"EECALL_REPEAT_WINDOW", "60"}};
  EXPECT_EQ(cli(call, window).exit_code, 0);
  const auto again = cli(call, window);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(xml_field(again.out, "duplicate"), "1") << again.out;
  EXPECT_EQ(count(sim.received(), "Action: Originate"), 2u);
}

// --- per profile -----------------------------------------------------------------------------

TEST(FloodProfiles, EachProfileAndEachUrlPbxCountsOnItsOwn) {
  Simulator sim;
  const ScratchDir dir("flood-profiles");
  const auto config = dir.path() + "/eecall.conf";
  std::ofstream(config) << "[general]\nmax_actions_per_minute = 1\nstate_dir = " << dir.path()
                        << "\n[home]\nhost = 127.0.0.1\nport = " << sim.port()
                        << "\nuser = eedomus\nsecret = s3cret\n[office]\nhost = 127.0.0.1\nport = " << sim.port()
                        << "\nuser = eedomus\nsecret = s3cret\nmax_actions_per_minute = 2\n";
  ::chmod(config.c_str(), 0640);
  // The configuration's state_dir wins over the EECALL_STATE_DIR run_cgi_request sets.
  auto status = [&](const std::string& query) {
    return run_cgi_request("GET", query, {{"EECALL_CONFIG", config}}).answer.status;
  };
  EXPECT_EQ(status("profile=home&from=100&to=291"), 200);
  EXPECT_EQ(status("profile=home&from=100&to=291"), 429);
  EXPECT_EQ(status("profile=office&from=100&to=291"), 200);
  EXPECT_EQ(status("profile=office&from=100&to=291"), 200) << "its own limit of 2";
  EXPECT_EQ(status("profile=office&from=100&to=291"), 429);
  EXPECT_EQ(status(call_query(sim.port())), 200) << "the same PBX named in the URL has its own count";
  EXPECT_TRUE(parsed_state(dir).keys.count("profile home"));
}

}  // namespace
}  // namespace eecall::test
