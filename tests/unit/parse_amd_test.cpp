// parse_request() for answering-machine detection (issue 21): amd=0|1 for alerts and waited
// calls, voicemail=skip|leave for alerts only.
#include <gtest/gtest.h>

#include <string>

#include "eecall/action/errors.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {
namespace {

Params alert_params() {
  return {{"ip", "127.0.0.1"}, {"user", "eedomus"}, {"secret", "xxx"}, {"from", "109,110"},
          {"say", "Fuite d'eau"}, {"ack", "1"}};
}

Params with(Params params, const std::string& name, const std::string& value) {
  params.emplace_back(name, value);
  return params;
}

Failure refused(const Params& params) {
  auto result = parse_request(params);
  if (result.ok()) {
    ADD_FAILURE() << "accepted, expected a failure";
    return {};
  }
  return result.failure();
}

TEST(AmdRequest, UnsetByDefaultSoTheAdminsDefaultDecides) {
  auto request = parse_request(alert_params());
  ASSERT_TRUE(request.ok()) << request.failure().message;
  EXPECT_FALSE(request.value().alert.amd.has_value());
  EXPECT_EQ(request.value().alert.voicemail, VoicemailAction::skip);
}

TEST(AmdRequest, ZeroOrOneAndVoicemailSkipOrLeave) {
  auto on = parse_request(with(with(alert_params(), "amd", "1"), "voicemail", "leave"));
  ASSERT_TRUE(on.ok()) << on.failure().message;
  EXPECT_EQ(on.value().alert.amd, true);
  EXPECT_EQ(on.value().alert.voicemail, VoicemailAction::leave);
  auto off = parse_request(with(alert_params(), "amd", "0"));
  ASSERT_TRUE(off.ok()) << off.failure().message;
  EXPECT_EQ(off.value().alert.amd, false);
  // voicemail alone: the admin's default amd may be on.
  auto skip = parse_request(with(alert_params(), "voicemail", "skip"));
  ASSERT_TRUE(skip.ok()) << skip.failure().message;
  EXPECT_EQ(skip.value().alert.voicemail, VoicemailAction::skip);
}

TEST(AmdRequest, BadValuesAreRefusedWithTheirName) {
  for (const char* bad : {"yes", "2", "true", " 1"}) {  // empty counts as absent
    const auto failure = refused(with(alert_params(), "amd", bad));
    EXPECT_EQ(failure.code, ErrorCode::invalid_parameter) << bad;
    EXPECT_EQ(failure.subject, "amd") << bad;
    EXPECT_EQ(failure.message, "amd must be 0 or 1") << bad;
  }
  const auto failure = refused(with(with(alert_params(), "amd", "1"), "voicemail", "record"));
  EXPECT_EQ(failure.subject, "voicemail");
  EXPECT_NE(failure.message.find("skip"), std::string::npos) << failure.message;
}

TEST(AmdRequest, VoicemailWithAmdOffIsRefused) {
  const auto failure = refused(with(with(alert_params(), "amd", "0"), "voicemail", "leave"));
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
  EXPECT_EQ(failure.subject, "voicemail");
  EXPECT_EQ(failure.message, "voicemail says what a machine gets: it needs amd=1");
}

Params call_params() {
  return {{"ip", "127.0.0.1"}, {"user", "u"}, {"secret", "s"}, {"from", "109"}, {"to", "100"}, {"wait", "20"}};
}

TEST(AmdRequest, RefusedForAMessage) {
  const Params message = {{"ip", "127.0.0.1"}, {"user", "u"}, {"secret", "s"},
                          {"to", "100"},       {"drv", "pjsip"}, {"msg", "hello"}};
  for (const char* name : {"amd", "voicemail"}) {
    const auto failure = refused(with(message, name, name == std::string("amd") ? "1" : "skip"));
    EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
    EXPECT_EQ(failure.subject, name);
    EXPECT_EQ(failure.message, std::string(name) + " applies to alerts and waited calls only");
  }
}

TEST(AmdRequest, AWaitedCallTakesAmdButNotVoicemail) {
  auto on = parse_request(with(call_params(), "amd", "1"));
  ASSERT_TRUE(on.ok()) << on.failure().message;
  EXPECT_EQ(on.value().action, ActionKind::call);
  EXPECT_EQ(on.value().alert.amd, true);
  const auto failure = refused(with(with(call_params(), "amd", "1"), "voicemail", "leave"));
  EXPECT_EQ(failure.subject, "voicemail");
  EXPECT_EQ(failure.message, "voicemail applies to alerts (say or play) only");
}

TEST(AmdRequest, APlainCallWithAmdIsRefused) {
  const Params plain = {{"ip", "127.0.0.1"}, {"user", "u"}, {"secret", "s"}, {"from", "109"}, {"to", "100"}};
  for (const auto& base : {plain, with(plain, "wait", "0")}) {
    const auto failure = refused(with(base, "amd", "1"));
    EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
    EXPECT_EQ(failure.subject, "amd");
    EXPECT_NE(failure.message.find("needs wait=SECONDS"), std::string::npos) << failure.message;
  }
  auto off = parse_request(with(plain, "amd", "0"));  // amd=0 asks for nothing: accepted
  ASSERT_TRUE(off.ok()) << off.failure().message;
}

}  // namespace
}  // namespace eecall
