// The simulator's alert calls driven with raw AMI bytes, for what the replays of the h*
// recordings (sim_alert_replay_test.cpp) do not show: event classes per session and per user,
// the ChannelId and Linkedid of every channel, Read's options, prompts on disk, the Hangup
// action, and the options that make calls faster. Where no recording shows a behaviour, the
// comment names what was checked on the lab's Asterisk 20.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <deque>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/raw_ami.hpp"
#include "support/scratch_dir.hpp"
#include "support/transcript.hpp"
#include "support/wav.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

// Lab delays shortened: answered after 50 ms, first key 200 ms later.
using Strings = std::vector<std::string>;

const std::vector<std::string> fast = {"--answer-delay-ms", "50", "--key-delay-ms", "200"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

struct Received {
  std::string raw;
  steady_clock::time_point at;
  [[nodiscard]] std::string operator[](const std::string& name) const { return header_value(raw, name); }
};

// One logged-in AMI session that keeps every message it receives.
class Ami {
 public:
  Ami(std::uint16_t port, const std::string& events, const std::string& user = "eedomus",
      const std::string& secret = "s3cret")
      : raw_(port) {
    const auto answer = action("Action: Login\r\nUsername: " + user + "\r\nSecret: " + secret +
                               "\r\nEvents: " + events + "\r\n");
    if (answer["Message"] != "Authentication accepted") throw std::runtime_error("login failed");
  }

  /// Sends `headers` (CRLF-terminated lines) with an ActionID and returns the reply.
  Received action(const std::string& headers) {
    const std::string id = "t" + std::to_string(++ids_);
    raw_.send(headers + "ActionID: " + id + "\r\n\r\n");
    const auto reply = wait([&](const Received& m) {
      return m.raw.starts_with("Response:") && m["ActionID"] == id;
    }, 10s);
    if (!reply) throw std::runtime_error("no reply to " + headers);
    return *reply;
  }

  /// Receives until a message satisfies `done` (returned), or `timeout` (nullopt).
  std::optional<Received> wait(const std::function<bool(const Received&)>& done, milliseconds timeout) {
    for (const auto& m : seen_) {
      if (done(m) && !taken(m)) return remember(m);
    }
    const auto deadline = steady_clock::now() + timeout;
    while (steady_clock::now() < deadline) {
      const auto raw = raw_.next(duration_cast<milliseconds>(deadline - steady_clock::now()));
      if (!raw) break;
      seen_.push_back({*raw, steady_clock::now()});
      if (done(seen_.back())) return remember(seen_.back());
    }
    return std::nullopt;
  }

  /// The first event `name` whose `header` is `value` (waiting at most `timeout`).
  std::optional<Received> event(const std::string& name, const std::string& header = {},
                                const std::string& value = {}, milliseconds timeout = 10s) {
    return wait([&](const Received& m) {
      return m["Event"] == name && (header.empty() || m[header] == value);
    }, timeout);
  }

  /// Everything received so far, then more for `extra`.
  const std::deque<Received>& all(milliseconds extra = 300ms) {
    wait([](const Received&) { return false; }, extra);
    return seen_;
  }

  [[nodiscard]] std::vector<Received> events(const std::string& name) {
    std::vector<Received> out;
    for (const auto& m : all(0ms)) {
      if (m["Event"] == name) out.push_back(m);
    }
    return out;
  }

 private:
  bool taken(const Received& m) const {
    return std::find(taken_.begin(), taken_.end(), &m) != taken_.end();
  }
  Received remember(const Received& m) {
    taken_.push_back(&m);
    return m;
  }

  RawAmi raw_;
  std::deque<Received> seen_;
  std::vector<const Received*> taken_;
  int ids_ = 0;
};

std::string originate(const std::string& channel, const std::string& app, const std::string& data,
                      const std::string& extra = {}) {
  return "Action: Originate\r\nChannel: " + channel + "\r\nApplication: " + app + "\r\nData: " + data +
         "\r\nCallerID: \"Alarme\" <0>\r\nTimeout: 30000\r\nAsync: true\r\n" + extra;
}

// --- event classes ---------------------------------------------------------------------------

struct ClassCase {
  const char* name;
  const char* events;   // Login's Events:
  const char* user;     // "" : eedomus (read all)
  bool dtmf;
  bool dialplan;
};

void PrintTo(const ClassCase& c, std::ostream* os) { *os << c.name; }

class EventClasses : public ::testing::TestWithParam<ClassCase> {};

TEST_P(EventClasses, DtmfAndVarSetOnlyWhenTheSessionAndTheUserHaveTheirClass) {
  const auto& c = GetParam();
  Simulator sim(with(fast, {"--user", "eedomus:s3cret:originate,call", "--user", "limited:pw:originate,call:call,dtmf"}));
  const std::string user = *c.user != '\0' ? c.user : "eedomus";
  Ami ami(sim.port(), c.events, user, user == "eedomus" ? "s3cret" : "pw");
  ami.action(originate("PJSIP/105", "Read", "ACK,beep,1,,1,2"));
  ASSERT_TRUE(ami.event("Hangup")) << "the call ends once 1 is pressed";
  EXPECT_EQ(!ami.events("DTMFEnd").empty(), c.dtmf);
  EXPECT_EQ(!ami.events("VarSet").empty(), c.dialplan);
  EXPECT_EQ(!ami.events("Newexten").empty(), c.dialplan);
  EXPECT_EQ(ami.events("OriginateResponse").size(), 1u) << "call class in every case";
}

INSTANTIATE_TEST_SUITE_P(
    Sim, EventClasses,
    ::testing::Values(ClassCase{"call", "call", "", false, false},
                      ClassCase{"call_dtmf", "call,dtmf", "", true, false},
                      ClassCase{"call_dialplan", "call,dialplan", "", false, true},
                      ClassCase{"all", "call,dtmf,dialplan", "", true, true},
                      ClassCase{"on", "on", "", true, true},
                      // read = call,dtmf: however wide the Events mask, no dialplan event
                      ClassCase{"user_read_call_dtmf", "on", "limited", true, false}));

TEST(SimUsers, AlertonlyReadsCallDtmfDialplanAndMayHangUpButNotSendMessages) {
  Simulator sim(fast);
  Ami ami(sim.port(), "on", "alertonly", "al3rt");
  EXPECT_EQ(ami.action("Action: MessageSend\r\nTo: pjsip:100\r\nBody: x\r\n")["Message"], "Permission denied");
  ami.action(originate("PJSIP/105", "Read", "ACK,beep,1,,1,2"));
  ASSERT_TRUE(ami.event("Hangup"));
  EXPECT_FALSE(ami.events("DTMFEnd").empty());
  EXPECT_FALSE(ami.events("VarSet").empty());
  EXPECT_TRUE(ami.events("FullyBooted").empty()) << "no system read class";
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: PJSIP/999-00000000\r\n")["Message"], "No such channel");
}

TEST(SimUsers, SecretWithColonsNeedsTheReadField) {
  Simulator sim({"--user", "odd:a:b:c:originate,call:call"});
  Ami ami(sim.port(), "on", "odd", "a:b:c");
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: x\r\n")["Message"], "No such channel");
}

// --- the ids of an alert's channels -----------------------------------------------------------

TEST(SimAlert, LocalAlertAcknowledgedCarriesTheChannelIdAsLinkedidOnEveryChannel) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dialplan");
  const std::string id = "eecall-1f2e-1";
  ami.action(originate("Local/105@from-internal", "Read", "EECALL_ACK,hello-world,1,e,2,3",
                       "ChannelId: " + id + "\r\n"));
  const auto response = ami.event("OriginateResponse");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Response"], "Success");
  EXPECT_EQ((*response)["Uniqueid"], id);
  EXPECT_TRUE((*response)["Channel"].starts_with("Local/105@from-internal-")) << response->raw;
  const auto ack = ami.event("VarSet", "Variable", "EECALL_ACK");
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["Value"], "1");
  EXPECT_EQ((*ack)["Channel"], (*response)["Channel"]) << "Read runs on ;1";
  ASSERT_TRUE(ami.event("Hangup", "Channel", (*response)["Channel"]));
  const auto channels = ami.events("Newchannel");
  ASSERT_EQ(channels.size(), 3u);
  EXPECT_EQ(channels[0]["Uniqueid"], id);
  EXPECT_EQ(channels[1]["Uniqueid"], id + ";2");
  EXPECT_TRUE(channels[2]["Channel"].starts_with("PJSIP/105-"));
  EXPECT_NE(channels[2]["Uniqueid"], id);
  for (const auto& m : ami.all()) {
    if (!m["Linkedid"].empty()) {
      EXPECT_EQ(m["Linkedid"], id) << m.raw;
    }
  }
  const auto status = ami.events("VarSet");
  ASSERT_FALSE(status.empty());
  EXPECT_EQ(status.back()["Variable"], "READSTATUS");
  EXPECT_EQ(status.back()["Value"], "OK");
}

TEST(SimAlert, OtherChannelIdNamesTheSecondHalfOfALocalChannel) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("Local/107@from-internal", "Playback", "beep",
                       "ChannelId: eecall-a-1\r\nOtherChannelId: eecall-a-1-other\r\n"));
  ASSERT_TRUE(ami.event("Hangup", "Uniqueid", "eecall-a-1"));
  const auto channels = ami.events("Newchannel");
  ASSERT_EQ(channels.size(), 3u);
  EXPECT_EQ(channels[1]["Uniqueid"], "eecall-a-1-other");
}

TEST(SimAlert, BusyFailureCarriesTheChannelIdAndShowsBusyOnlyInDialEndAndHangup) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("Local/108@from-internal", "Read", "EECALL_ACK,beep,1,e,2,3", "ChannelId: eecall-b-1\r\n"));
  const auto response = ami.event("OriginateResponse");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Response"], "Failure");
  EXPECT_EQ((*response)["Reason"], "0");
  EXPECT_EQ((*response)["Channel"], "Local/108@from-internal");
  EXPECT_EQ((*response)["Uniqueid"], "eecall-b-1");
  EXPECT_TRUE(ami.event("DialEnd", "DialStatus", "BUSY"));
  const auto hangup = ami.event("Hangup", "Channel", "PJSIP/108-00000001");
  ASSERT_TRUE(hangup);
  EXPECT_EQ((*hangup)["Cause"], "17");
  EXPECT_EQ((*hangup)["Cause-txt"], "User busy");
}

TEST(SimAlert, ReusingALiveChannelIdFailsTheSecondCall) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("PJSIP/107", "Playback", "tt-monkeys", "ChannelId: eecall-dup\r\n"));
  ASSERT_TRUE(ami.event("OriginateResponse", "Response", "Success"));
  ami.action(originate("PJSIP/107", "Playback", "beep", "ChannelId: eecall-dup\r\n"));
  const auto second = ami.event("OriginateResponse", "Response", "Failure");
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)["Reason"], "0");
}

TEST(SimAlert, LocalToAnAnnouncementEndsTheApplicationWhenTheAnnouncementHangsUp) {
  // The lab: Local/291@from-internal running Read(ACK,tt-monkeys,1,,1,3): 291 answers at once,
  // plays 2.3 s, hangs ;2 up (16); Read ends with HANGUP and ;1 hangs up with 16.
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate("Local/291@from-internal", "Read", "ACK,tt-monkeys,1,,1,3"));
  const auto response = ami.event("OriginateResponse");
  ASSERT_TRUE(response);
  const auto last = ami.event("Hangup", "Channel", (*response)["Channel"]);
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)["Cause"], "16");
  EXPECT_GE(last->at - response->at, 2200ms);
  Strings sequence;
  for (const auto& m : ami.all()) {
    const auto event = m["Event"];
    if (event == "VarSet" || event == "Hangup") {
      sequence.push_back(event + " " + m["Channel"].substr(m["Channel"].size() - 2) + " " + m["Variable"] +
                         m["Value"] + m["Cause"]);
    }
  }
  EXPECT_EQ(sequence, (Strings{"VarSet ;1 READSTATUSERROR", "VarSet ;2 PLAYBACKSTATUSSUCCESS", "Hangup ;2 16",
                               "VarSet ;1 ACK", "VarSet ;1 READSTATUSHANGUP", "Hangup ;1 16"}));
}

// --- Read --------------------------------------------------------------------------------------

struct ReadResult {
  std::vector<std::string> varsets;  // "NAME=value" in order
  std::optional<Received> answered;  // OriginateResponse
  std::optional<Received> hangup;
};

ReadResult read_with(const std::vector<std::string>& sim_args, const std::string& data,
                     const std::string& channel = "PJSIP/105") {
  Simulator sim(with(fast, sim_args));
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate(channel, "Read", data));
  ReadResult r;
  r.answered = ami.event("OriginateResponse");
  r.hangup = ami.event("Hangup", {}, {}, 20s);
  for (const auto& v : ami.events("VarSet")) r.varsets.push_back(v["Variable"] + "=" + v["Value"]);
  return r;
}

TEST(SimRead, TerminatorAloneIsTheDigitWithOptionE) {
  const auto r = read_with({"--keys", "105=#"}, "EECALL_ACK,beep,1,e,2,3");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "EECALL_ACK=#", "READSTATUS=OK"}));
}

TEST(SimRead, AnotherKeyIsReadAsIt) {
  const auto r = read_with({"--keys", "105=7"}, "EECALL_ACK,beep,1,e,2,3");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "EECALL_ACK=7", "READSTATUS=OK"}));
}

TEST(SimRead, MaxdigitsTwoGetsBothKeys) {
  const auto r = read_with({"--keys", "105=42"}, "ACK,beep,2,,1,3");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "ACK=42", "READSTATUS=OK"}));
}

TEST(SimRead, MaxdigitsTwoWithOneKeyTimesOutKeepingIt) {
  // The lab: Read(ACK,beep,2,,1,3) on 105 -> ACK=1, READSTATUS=TIMEOUT.
  const auto r = read_with({}, "ACK,beep,2,,1,0.5");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "ACK=1", "READSTATUS=TIMEOUT"}));
}

TEST(SimRead, NobodyPressesEveryAttemptSetsTheVariableEmptyThenTimeout) {
  // h5b with shorter waits: 2 x (beep 0.3 s + 0.4 s).
  const auto r = read_with({}, "ACK,beep,1,,2,0.4", "PJSIP/107");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "ACK=", "ACK=", "READSTATUS=TIMEOUT"}));
  ASSERT_TRUE(r.answered && r.hangup);
  EXPECT_EQ((*r.hangup)["Cause"], "0");
  EXPECT_GE(r.hangup->at - r.answered->at, 1350ms);
}

TEST(SimRead, MissingPromptAnswersThenFailsAtOnce) {
  // Checked on the lab: a Read whose only prompt does not exist.
  const auto r = read_with({}, "EECALL_ACK,custom/none-such,1,e,2,5", "PJSIP/107");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "EECALL_ACK=", "READSTATUS=ERROR"}));
  ASSERT_TRUE(r.hangup);
  EXPECT_EQ((*r.hangup)["Cause"], "0");
}

TEST(SimRead, MissingPromptIsSkippedWhenAnotherPlays) {
  // The lab: Read(ACK,no-such-sound&beep,1,,1,1) on 107 -> beep, 1 s, TIMEOUT.
  const auto r = read_with({}, "ACK,no-such-sound&beep,1,,1,0.3", "PJSIP/107");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "ACK=", "READSTATUS=TIMEOUT"}));
}

TEST(SimRead, KeyDuringThePromptInterruptsIt) {
  // tt-monkeys lasts 16 s: the key 200 ms after the answer ends the Read long before.
  const auto r = read_with({}, "ACK,tt-monkeys&beep,1,,1,3");
  EXPECT_EQ(r.varsets, (Strings{"READSTATUS=ERROR", "ACK=1", "READSTATUS=OK"}));
  ASSERT_TRUE(r.answered && r.hangup);
  EXPECT_LT(r.hangup->at - r.answered->at, 5s);
}

TEST(SimRead, SipInfoPhoneThroughLocalShowsEndOnThePhoneThenBeginAndEndOnTheLocalPair) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dtmf");
  ami.action(originate("Local/106@from-internal", "Read", "ACK,beep,1,,1,3"));
  ASSERT_TRUE(ami.event("Hangup"));
  static const std::regex sequence("-[0-9a-f]{8}");
  std::vector<std::string> dtmf;
  for (const auto& m : ami.all()) {
    if (m["Event"].starts_with("DTMF")) {
      dtmf.push_back(m["Event"] + " " + std::regex_replace(m["Channel"], sequence, "") + " " + m["Direction"] +
                     " " + m["DurationMs"]);
    }
  }
  // h4c
  EXPECT_EQ(dtmf, (Strings{"DTMFEnd PJSIP/106 Received 160", "DTMFBegin Local/106@from-internal;2 Sent ",
                           "DTMFBegin Local/106@from-internal;1 Received ",
                           "DTMFEnd Local/106@from-internal;2 Sent 160",
                           "DTMFEnd Local/106@from-internal;1 Received 160"}));
}

// --- Playback and prompts on disk ------------------------------------------------------------

class TempDir {
 public:
  [[nodiscard]] std::string file(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ / name, std::ios::binary) << bytes;
    return (path_ / name).string();
  }

 private:
  ScratchDir scratch_{"sim-audio"};
  fs::path path_{scratch_.path()};
};

struct Played {
  std::string status;
  milliseconds after_answer{0};
};

Played play(const std::vector<std::string>& sim_args, const std::string& data) {
  Simulator sim(with(fast, sim_args));
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate("PJSIP/107", "Playback", data));
  const auto answered = ami.event("OriginateResponse");
  const auto status = ami.event("VarSet", "Variable", "PLAYBACKSTATUS");
  if (!answered || !status) return {};
  return {(*status)["Value"], duration_cast<milliseconds>(status->at - answered->at)};
}

TEST(SimPlayback, Wav8kOnDiskPlaysForTheLengthOfTheFile) {
  const TempDir dir;
  const auto path = dir.file("alert.wav", wav_file(8000, 1.2));
  const auto played = play({}, path.substr(0, path.size() - 4));  // without the extension
  EXPECT_EQ(played.status, "SUCCESS");
  EXPECT_GE(played.after_answer, 1150ms);
  EXPECT_LT(played.after_answer, 3s);
}

TEST(SimPlayback, Wav22kOnDiskFailsAtOnce) {
  const TempDir dir;
  const auto path = dir.file("alert.wav", wav_file(22050, 1.2));
  const auto played = play({}, path.substr(0, path.size() - 4));
  EXPECT_EQ(played.status, "FAILED");
  EXPECT_LT(played.after_answer, 1s) << "not the 1.2 s the file would last";
}

TEST(SimPlayback, PathWithItsExtensionFails) {
  const TempDir dir;
  const auto played = play({}, dir.file("alert.wav", wav_file(8000, 0.3)));
  EXPECT_EQ(played.status, "FAILED");
}

TEST(SimPlayback, MissingFileFailsButTheNextOnePlays) {
  // The lab: Playback(no-such-sound&beep) -> FAILED after the 0.3 s beep.
  const auto played = play({}, "no-such-sound&beep");
  EXPECT_EQ(played.status, "FAILED");
  EXPECT_GE(played.after_answer, 250ms);
}

TEST(SimPlayback, SoundOptionAddsARelativePrompt) {
  EXPECT_EQ(play({}, "custom/alarme").status, "FAILED");
  const auto played = play({"--sound", "custom/alarme=0.6"}, "custom/alarme");
  EXPECT_EQ(played.status, "SUCCESS");
  EXPECT_GE(played.after_answer, 550ms);
}

TEST(SimPlayback, UnknownApplicationIsAnsweredThenHungUpAtOnce) {
  // The lab: Application NoSuchApp -> OriginateResponse Success 4, Hangup Cause 0 at once.
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate("PJSIP/100", "NoSuchApp", "x"));
  const auto response = ami.event("OriginateResponse");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Reason"], "4");
  const auto hangup = ami.event("Hangup");
  ASSERT_TRUE(hangup);
  EXPECT_EQ((*hangup)["Cause"], "0");
  EXPECT_LT(hangup->at - response->at, 1s);
  EXPECT_TRUE(ami.events("VarSet").empty());
}

// --- the Hangup action -------------------------------------------------------------------------

TEST(SimHangup, ByUniqueidInAnyCaseDuringReadEndsItWithHangupStatus) {
  // The lab: Hangup of EECALL-AB12-1 (ChannelId eecall-ab12-1) during Read.
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate("PJSIP/107", "Read", "ACK,tt-monkeys,1,,1,3", "ChannelId: eecall-ab12-1\r\n"));
  ASSERT_TRUE(ami.event("OriginateResponse"));
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: EECALL-AB12-1\r\n")["Message"], "Channel Hungup");
  const auto hangup = ami.event("Hangup");
  ASSERT_TRUE(hangup);
  EXPECT_EQ((*hangup)["Cause"], "0");
  Strings varsets;
  for (const auto& v : ami.events("VarSet")) varsets.push_back(v["Variable"] + "=" + v["Value"]);
  EXPECT_EQ(varsets, (Strings{"READSTATUS=ERROR", "ACK=", "READSTATUS=HANGUP"}));
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: eecall-ab12-1\r\n")["Message"], "No such channel")
      << "a hung-up channel is forgotten";
}

TEST(SimHangup, WithACauseGivesThatCause) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("PJSIP/107", "Playback", "tt-monkeys", "ChannelId: eecall-c\r\n"));
  ASSERT_TRUE(ami.event("OriginateResponse"));
  ami.action("Action: Hangup\r\nChannel: eecall-c\r\nCause: 21\r\n");
  const auto hangup = ami.event("Hangup");
  ASSERT_TRUE(hangup);
  EXPECT_EQ((*hangup)["Cause"], "21");
  EXPECT_EQ((*hangup)["Cause-txt"], "Call Rejected");
}

TEST(SimHangup, OfTheSecondHalfTakesTheLocalCallDownWithCause16) {
  // The lab: Hangup of Local/107@from-internal-...;2 during Read: ;2, PJSIP, then ;1, all 16.
  Simulator sim(fast);
  Ami ami(sim.port(), "call,dialplan");
  ami.action(originate("Local/107@from-internal", "Read", "ACK,tt-monkeys,1,,1,3", "ChannelId: eecall-d\r\n"));
  ASSERT_TRUE(ami.event("OriginateResponse"));
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: eecall-d;2\r\n")["Message"], "Channel Hungup");
  ASSERT_TRUE(ami.event("Hangup", "Uniqueid", "eecall-d"));
  Strings hangups;
  for (const auto& h : ami.events("Hangup")) hangups.push_back(h["Channel"].substr(h["Channel"].size() - 2) + " " + h["Cause"]);
  ASSERT_EQ(hangups.size(), 3u);
  EXPECT_EQ(hangups[0], ";2 16");
  EXPECT_EQ(hangups[2], ";1 16");
  EXPECT_EQ(ami.events("VarSet").back()["Value"], "HANGUP");
}

TEST(SimHangup, WhileRingingIsAFailureWithReason0) {
  // The lab: Hangup of PJSIP/104 (ChannelId given) while it rings.
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("PJSIP/104", "Read", "ACK,beep,1,,1,3", "ChannelId: eecall-r\r\n"));
  ASSERT_TRUE(ami.event("DialBegin"));
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: eecall-r\r\n")["Message"], "Channel Hungup");
  const auto response = ami.event("OriginateResponse");
  ASSERT_TRUE(response);
  EXPECT_EQ((*response)["Response"], "Failure");
  EXPECT_EQ((*response)["Reason"], "0");
  EXPECT_EQ((*response)["Uniqueid"], "eecall-r");
  EXPECT_TRUE(ami.event("DialEnd", "DialStatus", "NOANSWER"));
}

TEST(SimHangup, ErrorsAsAsteriskWords) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  EXPECT_EQ(ami.action("Action: Hangup\r\n")["Message"], "No channel specified");
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: PJSIP/999-00000000\r\n")["Message"], "No such channel");
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: /^PJSIP\r\n")["Message"],
            "Regex format invalid, Channel param should be /regex/");
  EXPECT_EQ(ami.action("Action: Hangup\r\nChannel: /[/\r\n")["Message"], "Regex compile failed on: /[/");
  Ami readonly(sim.port(), "on", "readonly", "ro");
  EXPECT_EQ(readonly.action("Action: Hangup\r\nChannel: x\r\n")["Message"], "Permission denied");
}

TEST(SimHangup, RegexHangsUpEveryMatchingChannelAndListsThem) {
  Simulator sim(fast);
  Ami ami(sim.port(), "call");
  ami.action(originate("PJSIP/107", "Playback", "tt-monkeys"));
  ASSERT_TRUE(ami.event("OriginateResponse"));
  const auto ack = ami.action("Action: Hangup\r\nChannel: /^PJSIP\\/107-/\r\n");
  EXPECT_EQ(ack["EventList"], "start");
  EXPECT_EQ(ack["Message"], "Channels hung up will follow");
  EXPECT_TRUE(ami.event("ChannelHungup"));
  const auto complete = ami.event("ChannelsHungupListComplete");
  ASSERT_TRUE(complete);
  EXPECT_EQ((*complete)["ListItems"], "1");
  EXPECT_TRUE(ami.event("Hangup"));
}

// --- timing ------------------------------------------------------------------------------------

TEST(SimTiming, LabDelaysByDefaultShorterOnRequest) {
  for (const bool lab : {true, false}) {
    Simulator sim(lab ? std::vector<std::string>{} : std::vector<std::string>{"--answer-delay-ms", "20", "--key-delay-ms", "50"});
    Ami ami(sim.port(), "call,dtmf");
    const auto start = steady_clock::now();
    ami.action(originate("PJSIP/106", "Read", "ACK,beep,1,,1,5"));
    const auto response = ami.event("OriginateResponse");
    const auto key = ami.event("DTMFEnd");
    ASSERT_TRUE(response && key);
    if (lab) {
      EXPECT_GE(response->at - start, 280ms);  // answered after about 0.3 s (h4a: 0.31 s)
      EXPECT_GE(key->at - response->at, 1950ms);  // 1 two seconds after the answer (h4a)
    } else {
      EXPECT_LT(key->at - start, 1500ms) << "the lab's delays alone make 2.3 s";
    }
  }
}

}  // namespace
}  // namespace eecall::test
