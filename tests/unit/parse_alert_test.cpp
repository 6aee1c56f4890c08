// parse_request() for alerts (say / play / ack / repeat / rounds / lang, phone lists) and for
// messages to several phones (issue 11, items 1-4 and 6).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eecall/action/errors.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {
namespace {

Params alert_params() {
  return {{"ip", "127.0.0.1"}, {"user", "eedomus"}, {"secret", "xxx"}, {"from", "100"},
          {"say", "Fuite d'eau au sous-sol"}};
}

Params with(Params params, const std::string& name, const std::string& value) {
  for (auto& [n, v] : params) {
    if (n == name) {
      v = value;
      return params;
    }
  }
  params.emplace_back(name, value);
  return params;
}

Params without(Params params, const std::string& name) {
  std::erase_if(params, [&](const auto& p) { return p.first == name; });
  return params;
}

Request accepted(const Params& params, const RequestLimits& limits = {}) {
  auto result = parse_request(params, limits);
  if (!result.ok()) {
    ADD_FAILURE() << "refused: " << error_name(result.failure().code) << " (" << result.failure().subject
                  << "): " << result.failure().message;
    return {};
  }
  return result.value();
}

Failure refused(const Params& params, const RequestLimits& limits = {}) {
  auto result = parse_request(params, limits);
  if (result.ok()) {
    ADD_FAILURE() << "accepted, expected a failure";
    return {};
  }
  return result.failure();
}

void expect_invalid(const Params& params, const std::string& parameter) {
  const auto failure = refused(params);
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter) << failure.message;
  EXPECT_EQ(failure.subject, parameter) << failure.message;
}

TEST(AlertRequest, SayToOnePhoneWithDefaults) {
  const auto r = accepted(alert_params());
  EXPECT_EQ(r.action, ActionKind::alert);
  EXPECT_EQ(r.phones, std::vector<std::string>{"100"});
  EXPECT_EQ(r.alert.kind, PromptKind::say);
  EXPECT_EQ(r.alert.text, "Fuite d'eau au sous-sol");
  EXPECT_EQ(r.alert.repeat, 2);
  EXPECT_EQ(r.alert.rounds, 1);
  EXPECT_FALSE(r.alert.ack.has_value());
  EXPECT_TRUE(r.alert.prompt.empty()) << "the front end synthesizes the prompt later";
  EXPECT_EQ(r.wait, std::chrono::seconds(RequestLimits{}.max_alert_wait_seconds))
      << "an alert waits for its outcome; by default as long as the front end allows";
}

TEST(AlertRequest, EscalationListAckRepeatRoundsLangWait) {
  const auto r = accepted(with(with(with(with(with(with(alert_params(), "from", "100,0612345678,0698765432"),
                                                        "ack", "1"),
                                                   "repeat", "3"),
                                              "rounds", "2"),
                                         "lang", "en-us"),
                                    "wait", "90"));
  EXPECT_EQ(r.phones, (std::vector<std::string>{"100", "0612345678", "0698765432"}));
  EXPECT_EQ(r.alert.ack, '1');
  EXPECT_EQ(r.alert.repeat, 3);
  EXPECT_EQ(r.alert.rounds, 2);
  EXPECT_EQ(r.alert.voice, "en-us");
  EXPECT_EQ(r.wait, std::chrono::seconds(90));
}

TEST(AlertRequest, EveryAckKey) {
  for (const char* key : {"0", "5", "9", "*", "#"}) {
    EXPECT_EQ(accepted(with(alert_params(), "ack", key)).alert.ack, key[0]) << key;
  }
  for (const char* key : {"11", "a", "A", ",", "1,", " 1", "%"}) expect_invalid(with(alert_params(), "ack", key), "ack");
}

TEST(AlertRequest, PlayTakesARecordingNameAsThePrompt) {
  const auto r = accepted(with(without(alert_params(), "say"), "play", "custom/alarme"));
  EXPECT_EQ(r.alert.kind, PromptKind::play);
  EXPECT_EQ(r.alert.prompt, "custom/alarme");
}

TEST(AlertRequest, PlayNamesThatCouldEscapeOrSplitArgumentsAreRefused) {
  const auto play = without(alert_params(), "say");
  for (const char* bad : {"../etc/passwd", "/etc/passwd", "custom/../x", "a,b", "a&b", "a|b", "a(b", "a)b",
                          "a\"b", "custom/alarme.wav", "custom//a", "custom/", "a b", "a;b", "a'b",
                          "custom/FILE-x", "xDBx", "SHELL", "http://x/y"}) {
    expect_invalid(with(play, "play", bad), "play");
  }
  expect_invalid(with(play, "play", std::string(129, 'a')), "play");
  EXPECT_EQ(accepted(with(play, "play", std::string(128, 'a'))).alert.prompt.size(), 128u);
}

TEST(AlertRequest, ToSayAndPlayAreMutuallyExclusive) {
  expect_invalid(with(alert_params(), "to", "291"), "to");
  expect_invalid(with(alert_params(), "play", "custom/alarme"), "play");
  expect_invalid(with(alert_params(), "msg", "hello"), "say");
}

TEST(AlertRequest, SayIsCheckedLikeMsg) {
  // Latin-1 as the box sends it is converted.
  EXPECT_EQ(accepted(with(alert_params(), "say", "Fuite d'eau \xe9t\xe9")).alert.text, "Fuite d'eau \xc3\xa9t\xc3\xa9");
  // Line breaks are text; other control characters, NUL and lone CR are not.
  EXPECT_EQ(accepted(with(alert_params(), "say", "ligne 1\r\nligne 2")).alert.text, "ligne 1\r\nligne 2");
  // A TAB is allowed as in msg and read as a space (issue 19 item 14: the docs said no TAB).
  EXPECT_EQ(accepted(with(alert_params(), "say", "Fuite\td'eau")).alert.text, "Fuite d'eau");
  for (const std::string& bad : {std::string("a\0b", 3), std::string("a\rb"), std::string("a\x07z"),
                                std::string("a\x7fz")}) {
    expect_invalid(with(alert_params(), "say", bad), "say");
  }
  expect_invalid(with(alert_params(), "say", "  \t "), "say");
  EXPECT_EQ(accepted(with(alert_params(), "say", std::string(max_say_bytes, 'a'))).alert.text.size(), max_say_bytes);
  expect_invalid(with(alert_params(), "say", std::string(max_say_bytes + 1, 'a')), "say");
}

TEST(AlertRequest, PhoneListRules) {
  expect_invalid(with(alert_params(), "from", "100,,101"), "from");
  expect_invalid(with(alert_params(), "from", "100,"), "from");
  expect_invalid(with(alert_params(), "from", ",100"), "from");
  expect_invalid(with(alert_params(), "from", "100, 101"), "from");
  expect_invalid(with(alert_params(), "from", "100,PJSIP/101"), "from");
  std::string ten = "100";
  for (int i = 1; i < 10; ++i) ten += "," + std::to_string(100 + i);
  EXPECT_EQ(accepted(with(alert_params(), "from", ten)).phones.size(), 10u);
  expect_invalid(with(alert_params(), "from", ten + ",110"), "from");
  const auto missing = refused(without(alert_params(), "from"));
  EXPECT_EQ(missing.code, ErrorCode::missing_parameter);
  EXPECT_EQ(missing.subject, "from");
}

TEST(AlertRequest, CountsAndWaitAreBounded) {
  for (const char* bad : {"0", "6", "-1", "2x", "", "1.5"}) {
    if (std::string(bad).empty()) continue;  // empty counts as absent
    expect_invalid(with(alert_params(), "repeat", bad), "repeat");
    expect_invalid(with(alert_params(), "rounds", bad), "rounds");
  }
  expect_invalid(with(alert_params(), "wait", "0"), "wait");
  expect_invalid(with(alert_params(), "wait", "301"), "wait");
  RequestLimits cli;
  cli.max_alert_wait_seconds = cli_max_alert_wait_seconds;
  EXPECT_EQ(accepted(with(alert_params(), "wait", "1800"), cli).wait, std::chrono::seconds(1800));
  EXPECT_EQ(accepted(alert_params(), cli).wait, std::chrono::seconds(cli_max_alert_wait_seconds));
}

TEST(AlertRequest, LangIsAVoiceNameAndOnlyForSay) {
  EXPECT_EQ(accepted(with(alert_params(), "lang", "en+F3")).alert.voice, "en+f3");
  const std::vector<std::string> bad_voices = {"fr,en", "fr&x", "../fr", "fr fr", "f r", "fr\"", std::string(41, 'a')};
  for (const auto& bad : bad_voices) {
    expect_invalid(with(alert_params(), "lang", bad), "lang");
  }
  expect_invalid(with(with(without(alert_params(), "say"), "play", "custom/alarme"), "lang", "fr"), "lang");
}

TEST(AlertRequest, AlertOptionsAreRefusedOutsideAlerts) {
  const Params call = {{"ip", "127.0.0.1"}, {"user", "u"}, {"secret", "s"}, {"from", "100"}, {"to", "291"}};
  for (const char* option : {"ack", "repeat", "rounds", "lang"}) {
    expect_invalid(with(call, option, "1"), option);
  }
}

TEST(MessageRequest, ToMayListSeveralRecipients) {
  const Params message = {{"ip", "127.0.0.1"}, {"user", "u"}, {"secret", "s"}, {"to", "100,101"},
                          {"msg", "hello"},    {"drv", "pjsip"}};
  const auto r = accepted(message);
  EXPECT_EQ(r.action, ActionKind::message);
  EXPECT_EQ(r.phones, (std::vector<std::string>{"100", "101"}));
  expect_invalid(with(message, "to", "100,,101"), "to");
}

}  // namespace
}  // namespace eecall
