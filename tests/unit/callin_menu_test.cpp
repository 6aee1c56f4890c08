// The call-in menu's every branch with a scripted AGI line (replies as a real Asterisk 20 gave
// them, tests/data/agi_*.txt), a fake speaker, a fake box and a real lockout file.
#include <gtest/gtest.h>

#include <deque>

#include "eecall/callin/menu.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::callin {
namespace {

// Asterisk's side, scripted: each command gets the next reply line; "HUP" stands for the
// caller hanging up (SIGHUP) while that command runs. Past the script: hung up.
class ScriptedLine : public AgiLine {
 public:
  explicit ScriptedLine(std::deque<std::string> replies) : replies_(std::move(replies)) {}
  Result<AgiReply> command(std::string_view text) override {
    commands.emplace_back(text);
    if (replies_.empty() || replies_.front() == "HUP") {
      if (!replies_.empty()) replies_.pop_front();
      return Failure{ErrorCode::hangup, "hung up", "agi"};
    }
    auto reply = parse_reply(replies_.front());
    replies_.pop_front();
    return reply;
  }
  std::vector<std::string> commands;

 private:
  std::deque<std::string> replies_;
};

struct Box {
  std::vector<std::string> urls;
  FetchAnswer answer{true, 200, "ok", ""};
};

class CallinMenu : public ::testing::Test {
 protected:
  CallinMenu() : lockout(dir.path(), 3, std::chrono::minutes(15), [this] { return now; }) {
    menu.name = "home";
    menu.pin = "4711";
    menu.allow_callers = {"0612345678", "0611111111"};
    menu.trusted = {"0611111111"};
    menu.keys = {{'1', MenuKey::Kind::act, "Armer", "http://box/set?value=100&by={caller}", ""},
                 {'3', MenuKey::Kind::read, "Alarme", "http://box/get", "body.last_value_text"},
                 {'0', MenuKey::Kind::acknowledge, "Acquitter", "", ""}};
    services.speak = [this](std::string_view sentence) -> Result<std::string> {
      spoken.emplace_back(sentence);
      return "/audio/s" + std::to_string(spoken.size());
    };
    services.fetch = [this](const std::string& url, std::chrono::milliseconds) {
      box.urls.push_back(url);
      return box.answer;
    };
    services.lockout = &lockout;
  }

  CallReport call(std::deque<std::string> replies, std::string caller = "0612345678") {
    line = std::make_unique<ScriptedLine>(std::move(replies));
    spoken.clear();
    return run_menu(*line, menu, caller, services);
  }

  test::ScratchDir dir{"callin-menu"};
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  Lockout lockout;
  Menu menu;
  MenuServices services;
  Box box;
  std::vector<std::string> spoken;
  std::unique_ptr<ScriptedLine> line;
};

const std::string ok = "200 result=0";
const std::string silence = "200 result= (timeout)";
const std::string pound = "200 result=";  // GET DATA ended by '#' alone

TEST_F(CallinMenu, UnknownCallerIsNotEvenAnswered) {
  const auto report = call({ok}, "0699999999");
  EXPECT_EQ(line->commands, std::vector<std::string>{"HANGUP"});
  EXPECT_EQ(report.outcome, "refused caller");
  EXPECT_TRUE(spoken.empty());
  EXPECT_TRUE(box.urls.empty());
}

TEST_F(CallinMenu, HiddenCallerIsRefusedEvenWithAllowAny) {
  menu.allow_any = true;
  EXPECT_EQ(call({ok}, "").outcome, "refused caller");
  EXPECT_EQ(call({ok}, "unknown").outcome, "refused caller");
}

TEST_F(CallinMenu, RightPinThenLeave) {
  const auto report = call({ok, "200 result=4711", pound, ok, ok});
  const std::vector<std::string> expected = {"ANSWER", "GET DATA /audio/s1 6000 12", "GET DATA /audio/s2 6000 1",
                                             "STREAM FILE /audio/s3 \"0123456789*#\"", "HANGUP"};
  EXPECT_EQ(line->commands, expected);
  EXPECT_EQ(spoken[0], "Bonjour. Entrez votre code, puis dièse.");
  EXPECT_EQ(spoken[1], "Armer : touche 1. Alarme : touche 3. Étoile pour répéter, dièse pour quitter.");
  EXPECT_EQ(spoken[2], "Au revoir.");
  EXPECT_EQ(report.pin, "ok");
  EXPECT_EQ(report.keys, "#");
  EXPECT_EQ(report.outcome, "left");
  EXPECT_EQ(describe(report).find("4711"), std::string::npos);
}

TEST_F(CallinMenu, TrustedCallerSkipsThePin) {
  const auto report = call({ok, ok, pound, ok, ok}, "0611111111");
  EXPECT_EQ(line->commands[1], "STREAM FILE /audio/s1 \"0123456789*#\"");
  EXPECT_EQ(spoken[0], "Bonjour.");
  EXPECT_EQ(report.pin, "trusted caller");
  EXPECT_EQ(report.outcome, "left");
}

TEST_F(CallinMenu, ThreeWrongPinsLockTheCallerOutAcrossCalls) {
  auto report = call({ok, "200 result=1111", "200 result=2222", "200 result=3333", ok, ok});
  EXPECT_EQ(report.pin, "locked out");
  EXPECT_EQ(report.outcome, "locked out");
  EXPECT_EQ(spoken[1], "Code incorrect. Entrez votre code, puis dièse.");
  EXPECT_EQ(spoken.back(), "Code incorrect. Accès verrouillé. Au revoir.");
  EXPECT_EQ(line->commands.back(), "HANGUP");
  // The next call, even with the right PIN, is not asked for it.
  report = call({ok, ok, ok});
  EXPECT_EQ(report.outcome, "locked out");
  EXPECT_EQ(spoken, std::vector<std::string>{"Accès verrouillé. Au revoir."});
  EXPECT_EQ(line->commands.size(), 3u);  // ANSWER, STREAM FILE, HANGUP: no GET DATA
  // Another caller is not concerned.
  menu.allow_any = true;
  EXPECT_EQ(call({ok, "200 result=4711", pound, ok, ok}, "0622222222").outcome, "left");
  // Once the lockout time has passed, the right PIN works again and clears the count.
  now += std::chrono::minutes(16);
  EXPECT_EQ(call({ok, "200 result=4711", pound, ok, ok}).pin, "ok");
}

TEST_F(CallinMenu, WrongPinsInSeveralCallsAddUp) {
  EXPECT_EQ(call({ok, "200 result=1111", "HUP"}).outcome, "hung up");
  EXPECT_EQ(call({ok, "200 result=1111", "HUP"}).outcome, "hung up");
  EXPECT_EQ(call({ok, "200 result=1111", ok, ok}).outcome, "locked out");
}

TEST_F(CallinMenu, RightPinClearsEarlierMistakes) {
  call({ok, "200 result=1111", "200 result=4711", pound, ok, ok});
  call({ok, "200 result=1111", "200 result=4711", pound, ok, ok});
  EXPECT_EQ(call({ok, "200 result=1111", "200 result=4711", pound, ok, ok}).outcome, "left");
}

TEST_F(CallinMenu, NoPinTypedEndsTheCall) {
  const auto report = call({ok, silence, silence, ok, ok});
  EXPECT_EQ(report.pin, "not given");
  EXPECT_EQ(report.outcome, "no key");
  EXPECT_EQ(spoken.back(), "Au revoir.");
  EXPECT_FALSE(lockout.locked("0612345678").value());
}

TEST_F(CallinMenu, HangupDuringThePinPrompt) {
  const auto report = call({ok, "200 result=-1"});
  EXPECT_EQ(report.outcome, "hung up");
  EXPECT_EQ(line->commands.size(), 2u);  // nothing after the hang-up
}

TEST_F(CallinMenu, ActKeyFetchesTheUrlAndSaysDone) {
  const auto report = call({ok, "200 result=4711", "200 result=1", ok, pound, ok, ok});
  EXPECT_EQ(box.urls, std::vector<std::string>{"http://box/set?value=100&by=0612345678"});
  EXPECT_EQ(spoken[2], "Armer : fait.");
  EXPECT_EQ(report.keys, "1#");
  EXPECT_EQ(report.actions, std::vector<std::string>{"Armer: done"});
}

TEST_F(CallinMenu, BoxDownIsSaidAndTheCallGoesOn) {
  box.answer = {false, 0, "", "Failed to connect to box port 80"};
  const auto report = call({ok, "200 result=4711", "200 result=1", ok, pound, ok, ok});
  EXPECT_EQ(spoken[2], "Armer : échec, la box ne répond pas.");
  EXPECT_EQ(report.actions, std::vector<std::string>{"Armer: failed (Failed to connect to box port 80)"});
  EXPECT_EQ(report.outcome, "left");
  box.answer = {true, 500, "", ""};
  call({ok, "200 result=4711", "200 result=1", ok, pound, ok, ok});
  EXPECT_EQ(spoken[2], "Armer : échec, la box a refusé.");
}

TEST_F(CallinMenu, ReadKeySpeaksTheValue) {
  box.answer.body = R"({"success":1,"body":{"last_value":"100","last_value_text":"Activée"}})";
  auto report = call({ok, "200 result=4711", "200 result=3", ok, pound, ok, ok});
  EXPECT_EQ(box.urls, std::vector<std::string>{"http://box/get"});
  EXPECT_EQ(spoken[2], "Alarme : Activée.");
  box.answer.body = R"({"success":0})";
  call({ok, "200 result=4711", "200 result=3", ok, pound, ok, ok});
  EXPECT_EQ(spoken[2], "Alarme : inconnu.");
}

TEST_F(CallinMenu, KeyDuringTheAnswerIsTheNextChoice) {
  // '3' (51) interrupts "Armer : fait.": no menu in between.
  call({ok, "200 result=4711", "200 result=1", "200 result=51 endpos=800", ok, pound, ok, ok});
  EXPECT_EQ(box.urls.size(), 2u);
  EXPECT_EQ(spoken[3], "Alarme : inconnu.");  // "ok" is no JSON
  EXPECT_EQ(line->commands[3].substr(0, 11), "STREAM FILE");
  EXPECT_EQ(line->commands[4].substr(0, 11), "STREAM FILE");
}

TEST_F(CallinMenu, StarRepeatsAndAnUnknownKeyIsSaid) {
  const auto report = call({ok, "200 result=4711", "200 result=*", "200 result=7", ok, pound, ok, ok});
  EXPECT_EQ(spoken[1], spoken[2]);  // the menu again
  EXPECT_EQ(spoken[3], "Touche inconnue.");
  EXPECT_EQ(report.keys, "*7#");
  EXPECT_TRUE(box.urls.empty());
}

TEST_F(CallinMenu, ThreeSilentMenusSayGoodbye) {
  const auto report = call({ok, "200 result=4711", silence, silence, silence, ok, ok});
  EXPECT_EQ(report.outcome, "no key");
  EXPECT_EQ(line->commands.back(), "HANGUP");
}

TEST_F(CallinMenu, AcknowledgeIsOfferedOnlyWhileAnAlertRuns) {
  std::vector<std::string> acknowledged;
  services.running_alert = [] { return std::optional<RunningAlert>(RunningAlert{"j1", "Fuite d'eau"}); };
  services.acknowledge = [&](const RunningAlert& alert, std::string_view by) -> Status {
    acknowledged.push_back(alert.job_id + " by " + std::string(by));
    return std::nullopt;
  };
  const auto report = call({ok, "200 result=4711", "200 result=0", ok, pound, ok, ok});
  EXPECT_EQ(spoken[1], "Alerte en cours : Fuite d'eau. Armer : touche 1. Alarme : touche 3. "
                       "Acquitter : touche 0. Étoile pour répéter, dièse pour quitter.");
  EXPECT_EQ(spoken[2], "Alerte acquittée.");
  EXPECT_EQ(spoken[3], "Armer : touche 1. Alarme : touche 3. Étoile pour répéter, dièse pour quitter.");
  EXPECT_EQ(acknowledged, std::vector<std::string>{"j1 by 0612345678"});
  EXPECT_EQ(report.actions, std::vector<std::string>{"acknowledge j1: done"});
}

// A key typed during a synthesis is lost: what the call will say is made ready before ANSWER.
TEST_F(CallinMenu, TheSentencesKnownBeforeTheAnswerAreMadeReadyBeforeIt) {
  std::vector<std::string> warmed;
  std::size_t commands_then = 99;
  services.warm_up = [&](const std::vector<std::string>& sentences) {
    warmed = sentences;
    commands_then = line->commands.size();
  };
  services.running_alert = [] { return std::optional<RunningAlert>(RunningAlert{"j1", "Fuite d'eau"}); };
  const auto report = call({ok, "200 result=4711", pound, ok, ok});
  EXPECT_EQ(commands_then, 0u) << "before ANSWER";
  const std::vector<std::string> expected = {
      "Bonjour. Entrez votre code, puis dièse.", "Code incorrect. Entrez votre code, puis dièse.",
      "Alerte en cours : Fuite d'eau. Armer : touche 1. Alarme : touche 3. Acquitter : touche 0. "
      "Étoile pour répéter, dièse pour quitter.",
      "Alerte acquittée.", "Armer : touche 1. Alarme : touche 3. Étoile pour répéter, dièse pour quitter.",
      "Armer : fait.", "Touche inconnue.", "Au revoir."};
  EXPECT_EQ(warmed, expected);
  // The call said what was made ready: the same texts, nothing else before the menu.
  EXPECT_EQ(spoken[0], warmed[0]);
  EXPECT_EQ(spoken[1], warmed[2]);
  EXPECT_EQ(report.outcome, "left");
  // A trusted caller is greeted without the PIN prompt; a refused one costs nothing.
  call({ok, ok, pound, ok, ok}, "0611111111");
  EXPECT_EQ(warmed[0], "Bonjour.");
  warmed.clear();
  call({ok}, "0699999999");
  EXPECT_TRUE(warmed.empty());
}

TEST_F(CallinMenu, UnusableLockoutFileLetsNobodyIn) {
  Lockout broken("/nonexistent/dir", 3, std::chrono::minutes(15));
  services.lockout = &broken;
  const auto report = call({ok, ok, ok});
  EXPECT_EQ(report.pin, "locked out");
  EXPECT_NE(report.outcome.find("failed: "), std::string::npos);
}

}  // namespace
}  // namespace eecall::callin
