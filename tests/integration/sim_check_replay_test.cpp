// The simulator answers what `eecall --check` asks as the lab's Asterisk 20 did (tests/data/k*:
// eecall's own check sessions, recorded): the recorded client's messages are sent to it one by
// one (the MD5 Key made again from the simulator's own challenge), and what it sends back for
// each ActionID must be what Asterisk sent: the same messages (Response or Event), each header
// the simulator sends with the recorded value (ports aside: the lab's were moved; SystemName
// aside: the lab sets one, the simulator none), and for ListCommands exactly the recorded lines
// of the actions the simulator knows. Headers Asterisk sends beyond those are not simulated
// (docs/simulator.md).
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "eecall/util/text.hpp"
#include "support/process.hpp"
#include "support/raw_ami.hpp"
#include "support/transcript.hpp"

namespace eecall::test {
namespace {

using namespace std::chrono;

// The simulator's actions (tools/ami-sim/session.cpp): their ListCommands lines must be Asterisk's.
const std::set<std::string> simulated_actions = {
    "Challenge",  "Command",     "CoreSettings", "Events",    "Hangup", "ListCommands",      "Login",
    "Logoff",     "MessageSend", "ModuleCheck",  "Originate", "Ping",   "PJSIPShowEndpoint", "Setvar",
    "SIPshowpeer"};

// The lab's users, and the two added for k7 and k8.
const std::map<std::string, std::string> secrets = {
    {"eedomus", "s3cret"}, {"readonly", "ro"}, {"alertonly", "al3rt"}, {"noevents", "n0ev"}, {"checkall", "4ll"}};
const std::vector<std::string> users = {"--user", "eedomus:s3cret:originate,message,system,call:all",
                                        "--user", "readonly:ro::all",
                                        "--user", "alertonly:al3rt:originate,call:call,dtmf,dialplan",
                                        "--user", "noevents:n0ev:originate,call:",
                                        "--user", "checkall:4ll:all:all"};

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers headers_of(const std::string& raw) {
  Headers out;
  std::size_t start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\n', start);
    if (end == std::string::npos) end = raw.size();
    auto line = raw.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    const auto colon = line.find(':');
    if (line.empty() || colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out.emplace_back(line.substr(0, colon), value);
  }
  return out;
}

// 127.0.0.1:45570 (the recording's moved ports) and :5070 (the simulator's) compare equal.
std::string normalised(const std::string& name, const std::string& value) {
  if (name == "Address-Port") return "PORT";
  static const std::regex port("127\\.0\\.0\\.1:[0-9]+");
  return std::regex_replace(value, port, "127.0.0.1:PORT");
}

// Every header the simulator sent, with the recorded value; ListCommands: the simulated
// actions' lines exactly.
::testing::AssertionResult same_message(const std::string& action, const std::string& recorded,
                                        const std::string& simulated) {
  const auto want = headers_of(recorded);
  const auto got = headers_of(simulated);
  if (want.empty() || got.empty() || want.front() != got.front()) {
    return ::testing::AssertionFailure() << "recorded:\n" << recorded << "simulator:\n" << simulated;
  }
  std::map<std::string, std::string> recorded_values;
  for (const auto& [name, value] : want) recorded_values.emplace(name, normalised(name, value));
  for (const auto& [name, value] : got) {
    if (name == "SystemName" || (action == "Challenge" && name == "Challenge") ||
        (action == "ListCommands" && !simulated_actions.contains(name))) {
      continue;
    }
    const auto it = recorded_values.find(name);
    if (it == recorded_values.end() || it->second != normalised(name, value)) {
      return ::testing::AssertionFailure() << action << ": header " << name << ": " << value << "\nrecorded:\n"
                                           << recorded << "simulator:\n"
                                           << simulated;
    }
  }
  if (action == "ListCommands") {
    std::set<std::string> sent;
    for (const auto& [name, value] : got) sent.insert(name);
    for (const auto& [name, value] : want) {
      if (simulated_actions.contains(name) && !sent.contains(name)) {
        return ::testing::AssertionFailure() << "ListCommands: no line for " << name << "\nsimulator:\n" << simulated;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

struct Exchange {
  std::string action;
  std::vector<std::string> recorded;  // the server's messages with this ActionID, in order
  std::vector<std::string> simulated;
};

void replay(const Connection& connection, std::uint16_t port, std::vector<Exchange>& exchanges,
            std::size_t& recorded_varsets, std::size_t& simulated_varsets) {
  const auto server = messages_of(connection, 'S');
  RawAmi ami(port);
  std::map<std::string, std::vector<std::string>> simulated;  // by ActionID
  std::string challenge;
  const auto take = [&](steady_clock::time_point until) {
    const auto left = duration_cast<milliseconds>(until - steady_clock::now());
    const auto raw = ami.next(std::max(left, 1ms));
    if (!raw) return false;
    if (header_value(*raw, "Event") == "VarSet") ++simulated_varsets;
    const auto id = header_value(*raw, "ActionID");
    if (!id.empty()) simulated[id].push_back(*raw);
    if (!header_value(*raw, "Challenge").empty()) challenge = header_value(*raw, "Challenge");
    return true;
  };
  for (const auto& m : server) {
    if (header_value(m.raw, "Event") == "VarSet") ++recorded_varsets;
  }
  for (const auto& client : messages_of(connection, 'C')) {
    std::string bytes = client.raw;
    const auto action = header_value(bytes, "Action");
    const auto id = header_value(bytes, "ActionID");
    if (action == "Login" && header_value(bytes, "AuthType") == "MD5") {
      const auto key = header_value(bytes, "Key");
      const auto fresh = text::md5_hex(challenge + secrets.at(header_value(bytes, "Username")));
      bytes.replace(bytes.find(key), key.size(), fresh);
    }
    Exchange exchange{action, {}, {}};
    for (const auto& m : server) {
      if (header_value(m.raw, "ActionID") == id) exchange.recorded.push_back(m.raw);
    }
    ami.send(bytes);
    // Until the simulator sent as many messages for this ActionID as Asterisk did (an
    // OriginateResponse may come later, or after the session: not waited for beyond 1 s).
    const auto give_up = steady_clock::now() + (action == "Originate" ? 1s : 3s);
    while (simulated[id].size() < exchange.recorded.size() && steady_clock::now() < give_up) {
      if (!take(give_up)) break;
    }
    if (action == "Setvar") {  // its VarSet has no ActionID
      const auto until = steady_clock::now() + 300ms;
      while (steady_clock::now() < until) take(until);
    }
    exchange.simulated = simulated[id];
    exchanges.push_back(std::move(exchange));
  }
}

struct Case {
  const char* file;
  std::vector<std::string> extra_args;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class CheckReplay : public ::testing::TestWithParam<Case> {};

TEST_P(CheckReplay, SimulatorAnswersTheCheckAsTheLabsAsteriskDid) {
  const auto& c = GetParam();
  auto args = users;
  args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
  Simulator sim(args);
  std::size_t compared = 0;
  for (const auto& connection : load_transcript(std::string(c.file) + ".txt")) {
    std::vector<Exchange> exchanges;
    std::size_t recorded_varsets = 0;
    std::size_t simulated_varsets = 0;
    replay(connection, sim.port(), exchanges, recorded_varsets, simulated_varsets);
    EXPECT_EQ(simulated_varsets, recorded_varsets) << c.file;
    for (const auto& e : exchanges) {
      // The recorded messages, in order; an OriginateResponse may be missing from the recording
      // (Asterisk sends it from another thread: after the Logoff it never came).
      const bool late_event_allowed = e.action == "Originate" && e.simulated.size() == e.recorded.size() + 1;
      if (!late_event_allowed) {
        ASSERT_EQ(e.simulated.size(), e.recorded.size()) << c.file << ": " << e.action << "\nfirst recorded:\n"
                                                         << (e.recorded.empty() ? "" : e.recorded.front());
      }
      for (std::size_t i = 0; i < e.recorded.size(); ++i) {
        EXPECT_TRUE(same_message(e.action, e.recorded[i], e.simulated[i])) << c.file;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 5u);
}

INSTANTIATE_TEST_SUITE_P(Recording, CheckReplay,
                         ::testing::Values(Case{"k1_check_call_eedomus", {}}, Case{"k2_check_alert_alertonly", {}},
                                           Case{"k3_check_alert_readonly", {}}, Case{"k4_check_message_eedomus", {}},
                                           Case{"k5_check_failures_eedomus", {}},
                                           Case{"k6_check_module_not_loaded", {"--unload", "app_playback"}},
                                           Case{"k7_check_user_without_read", {}}, Case{"k8_check_user_write_all", {}}),
                         [](const auto& test) { return std::string(test.param.file).substr(0, 2); });

}  // namespace
}  // namespace eecall::test
