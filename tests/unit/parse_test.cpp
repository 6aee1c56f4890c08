// parse_request(): the rules of issue 2, point 2 (parameters of the old eeCall.php).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "eecall/action/errors.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {
namespace {

using namespace std::string_literals;

// The old README's first scenario, exactly as the eeDomus box sends it.
Params call_params() {
  return {{"ip", "192.168.0.10"}, {"port", "5038"}, {"user", "eedomus"}, {"secret", "xxx"},
          {"from", "100"},        {"to", "291"},    {"msg", ""},        {"drv", ""}};
}

// The old README's third scenario (msg already percent-decoded, UTF-8).
Params message_params() {
  return {{"ip", "192.168.0.10"}, {"port", "5038"},
          {"user", "eedomus"},    {"secret", "xxx"},
          {"from", "eedomus"},    {"to", "100"},
          {"msg", "Alerte d\xc3\xa9" "bordement cuve"}, {"drv", "sip"}};
}

Params with(Params params, const std::string& name, const std::string& value) {
  bool replaced = false;
  for (auto& [n, v] : params) {
    if (n == name) {
      v = value;
      replaced = true;
    }
  }
  if (!replaced) params.emplace_back(name, value);
  return params;
}

Params without(Params params, const std::string& name) {
  std::erase_if(params, [&](const auto& p) { return p.first == name; });
  return params;
}

Request accepted(const Params& params) {
  auto result = parse_request(params);
  if (!result.ok()) {
    ADD_FAILURE() << "refused: " << error_name(result.failure().code) << " ("
                  << result.failure().subject << "): " << result.failure().message;
    return {};
  }
  return result.value();
}

Failure refused(const Params& params) {
  auto result = parse_request(params);
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
  EXPECT_FALSE(failure.message.empty());
}

// --- The three scenarios of the old README -------------------------------------------------

TEST(ParseRequest, CallScenarioPhoneToVoiceMessage) {
  const auto r = accepted(call_params());
  EXPECT_EQ(r.action, ActionKind::call);
  EXPECT_EQ(r.host, "192.168.0.10");
  EXPECT_EQ(r.port, 5038);
  EXPECT_EQ(r.user, "eedomus");
  EXPECT_EQ(r.secret, "xxx");
  EXPECT_EQ(r.from, "100");
  EXPECT_EQ(r.to, "291");
  EXPECT_EQ(r.message, "");
}

TEST(ParseRequest, CallScenarioExternalNumber) {
  const auto r = accepted(with(call_params(), "from", "0240404040"));
  EXPECT_EQ(r.action, ActionKind::call);
  EXPECT_EQ(r.from, "0240404040");
  EXPECT_EQ(r.to, "291");
}

TEST(ParseRequest, MessageScenario) {
  const auto r = accepted(message_params());
  EXPECT_EQ(r.action, ActionKind::message);
  EXPECT_EQ(r.from, "eedomus");
  EXPECT_EQ(r.to, "100");
  EXPECT_EQ(r.driver, MessageDriver::sip);
  EXPECT_EQ(r.message, "Alerte d\xc3\xa9" "bordement cuve");
}

TEST(ParseRequest, NonEmptyMsgMakesItAMessageEmptyMsgACall) {
  EXPECT_EQ(accepted(with(message_params(), "msg", "x")).action, ActionKind::message);
  auto call = with(call_params(), "drv", "sip");
  EXPECT_EQ(accepted(call).action, ActionKind::call);
  EXPECT_EQ(accepted(without(call_params(), "msg")).action, ActionKind::call);
}

// --- Required parameters ---------------------------------------------------------------------

class CallRequires : public ::testing::TestWithParam<std::string> {};

TEST_P(CallRequires, AbsentParameterIsMissing) {
  const auto failure = refused(without(call_params(), GetParam()));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_EQ(failure.subject, GetParam());
  EXPECT_NE(failure.message.find(GetParam()), std::string::npos) << failure.message;
}

TEST_P(CallRequires, EmptyParameterCountsAsAbsent) {
  const auto failure = refused(with(call_params(), GetParam(), ""));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_EQ(failure.subject, GetParam());
}

INSTANTIATE_TEST_SUITE_P(ParseRequest, CallRequires,
                         ::testing::Values("ip", "user", "secret", "from", "to"));

class MessageRequires : public ::testing::TestWithParam<std::string> {};

TEST_P(MessageRequires, AbsentParameterIsMissing) {
  const auto failure = refused(without(message_params(), GetParam()));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_EQ(failure.subject, GetParam());
  EXPECT_NE(failure.message.find(GetParam()), std::string::npos) << failure.message;
}

TEST_P(MessageRequires, EmptyParameterCountsAsAbsent) {
  const auto failure = refused(with(message_params(), GetParam(), ""));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_EQ(failure.subject, GetParam());
}

INSTANTIATE_TEST_SUITE_P(ParseRequest, MessageRequires,
                         ::testing::Values("ip", "user", "secret", "to", "drv"));

TEST(ParseRequest, CallDoesNotNeedDrvNorMsg) {
  const auto r = accepted(without(without(call_params(), "drv"), "msg"));
  EXPECT_EQ(r.action, ActionKind::call);
}

TEST(ParseRequest, MessageFromDefaultsToEedomus) {
  EXPECT_EQ(accepted(without(message_params(), "from")).from, "eedomus");
  EXPECT_EQ(accepted(with(message_params(), "from", "")).from, "eedomus");
  EXPECT_EQ(accepted(with(message_params(), "from", "alarme")).from, "alarme");
}

TEST(ParseRequest, AllMissingCallParametersAreNamedInOneMessage) {
  const auto failure = refused({});
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  for (const char* name : {"ip", "user", "secret", "from", "to"}) {
    EXPECT_NE(failure.message.find(name), std::string::npos) << name << ": " << failure.message;
  }
  EXPECT_EQ(failure.message.find("drv"), std::string::npos) << failure.message;
}

TEST(ParseRequest, AllMissingMessageParametersAreNamedInOneMessage) {
  const auto failure = refused({{"msg", "hello"}, {"from", "alarme"}});
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  for (const char* name : {"ip", "user", "secret", "to", "drv"}) {
    EXPECT_NE(failure.message.find(name), std::string::npos) << name << ": " << failure.message;
  }
}

TEST(ParseRequest, TwoMissingParametersAreBothNamedNotJustTheLast) {
  const auto failure = refused(without(without(call_params(), "user"), "to"));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_NE(failure.message.find("user"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("to"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.message.find("secret"), std::string::npos) << failure.message;
}

// --- port ------------------------------------------------------------------------------------

TEST(ParseRequest, PortAbsentOrEmptyIs5038) {
  EXPECT_EQ(accepted(without(call_params(), "port")).port, 5038);
  EXPECT_EQ(accepted(with(call_params(), "port", "")).port, 5038);
}

TEST(ParseRequest, PortRange) {
  EXPECT_EQ(accepted(with(call_params(), "port", "1")).port, 1);
  EXPECT_EQ(accepted(with(call_params(), "port", "65535")).port, 65535);
  EXPECT_EQ(accepted(with(call_params(), "port", "5039")).port, 5039);
}

class BadPort : public ::testing::TestWithParam<std::string> {};

TEST_P(BadPort, IsInvalid) { expect_invalid(with(call_params(), "port", GetParam()), "port"); }

INSTANTIATE_TEST_SUITE_P(ParseRequest, BadPort,
                         ::testing::Values("0", "65536", "99999", "4294972334", "-1", "+5038",
                                           "abc", "5038 ", " 5038", "50 38", "5038x", "0x13ae",
                                           "1e3", "5038.0"));

// --- ip --------------------------------------------------------------------------------------

struct HostCase {
  std::string ip;
  std::string host;
};

class GoodHost : public ::testing::TestWithParam<HostCase> {};

TEST_P(GoodHost, IsAccepted) {
  EXPECT_EQ(accepted(with(call_params(), "ip", GetParam().ip)).host, GetParam().host);
}

INSTANTIATE_TEST_SUITE_P(
    ParseRequest, GoodHost,
    ::testing::Values(HostCase{"192.168.0.10", "192.168.0.10"}, HostCase{"127.0.0.1", "127.0.0.1"},
                      HostCase{"::1", "::1"}, HostCase{"[::1]", "::1"},
                      HostCase{"2001:db8::10", "2001:db8::10"},
                      HostCase{"[2001:db8::10]", "2001:db8::10"},
                      HostCase{"[2001:DB8:0:0:0:0:0:10]", "2001:db8::10"},
                      HostCase{"localhost", "localhost"},
                      HostCase{"pbx.example.com", "pbx.example.com"},
                      HostCase{"freepbx-1.lan", "freepbx-1.lan"},
                      HostCase{"PBX.Example.COM", "PBX.Example.COM"},
                      HostCase{"3cx.example", "3cx.example"}));

class BadHost : public ::testing::TestWithParam<std::string> {};

TEST_P(BadHost, IsInvalid) { expect_invalid(with(call_params(), "ip", GetParam()), "ip"); }

INSTANTIATE_TEST_SUITE_P(
    ParseRequest, BadHost,
    ::testing::Values("192.168.0.10:5038", "[::1]:5038", "[::1", "::1]", "[192.168.0.10]",
                      "[pbx.example.com]", "[]", "pbx example", "pbx/evil", "http://pbx",
                      "user@pbx", "pbx;id", "pbx,1", "-pbx.lan", "pbx-.lan", "pbx..lan",
                      ".pbx", "pbx_1.lan", "p\xc3\xa9" "bx.lan", "\xe9", "%", "*",
                      // Not IPv4 and, with an all-numeric top label, not a host name either
                      // (RFC 1123 2.1): the resolver would read these in its own way
                      // (inet_aton: 010 is octal 8).
                      "256.1.1.1", "192.168.0.010", "1.2.3.4.5", "999"));

TEST(ParseRequest, OverlongHostNameIsInvalid) {
  const std::string label(64, 'a');
  expect_invalid(with(call_params(), "ip", label + ".lan"), "ip");
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'b') + ".";
  long_name += "lan";  // 308 characters
  expect_invalid(with(call_params(), "ip", long_name), "ip");
}

// --- drv -------------------------------------------------------------------------------------

TEST(ParseRequest, DrvAnyCase) {
  EXPECT_EQ(accepted(with(message_params(), "drv", "sip")).driver, MessageDriver::sip);
  EXPECT_EQ(accepted(with(message_params(), "drv", "SIP")).driver, MessageDriver::sip);
  EXPECT_EQ(accepted(with(message_params(), "drv", "Sip")).driver, MessageDriver::sip);
  EXPECT_EQ(accepted(with(message_params(), "drv", "pjsip")).driver, MessageDriver::pjsip);
  EXPECT_EQ(accepted(with(message_params(), "drv", "PJSIP")).driver, MessageDriver::pjsip);
  EXPECT_EQ(accepted(with(message_params(), "drv", "PjSip")).driver, MessageDriver::pjsip);
}

TEST(ParseRequest, DrvOtherValuesAreInvalid) {
  for (const char* drv : {"iax2", "sips", "pjsip2", "sip ", "xmpp", "SIP/100", "local"}) {
    expect_invalid(with(message_params(), "drv", drv), "drv");
  }
}

// --- from / to -------------------------------------------------------------------------------

class GoodDialToken : public ::testing::TestWithParam<std::string> {};

TEST_P(GoodDialToken, IsAcceptedAsFromAndAsTo) {
  EXPECT_EQ(accepted(with(call_params(), "from", GetParam())).from, GetParam());
  EXPECT_EQ(accepted(with(call_params(), "to", GetParam())).to, GetParam());
  EXPECT_EQ(accepted(with(message_params(), "to", GetParam())).to, GetParam());
}

INSTANTIATE_TEST_SUITE_P(ParseRequest, GoodDialToken,
                         ::testing::Values("100", "0240404040", "+33240404040", "*97", "#31#",
                                           "eedomus", "Alarm_1.zone-2", "0", std::string(64, '9')));

class BadDialToken : public ::testing::TestWithParam<std::string> {};

TEST_P(BadDialToken, IsInvalidAsFrom) {
  expect_invalid(with(call_params(), "from", GetParam()), "from");
  expect_invalid(with(message_params(), "from", GetParam()), "from");
}

TEST_P(BadDialToken, IsInvalidAsTo) {
  expect_invalid(with(call_params(), "to", GetParam()), "to");
  expect_invalid(with(message_params(), "to", GetParam()), "to");
}

INSTANTIATE_TEST_SUITE_P(
    ParseRequest, BadDialToken,
    ::testing::Values("PJSIP/100", "100/n", "100@from-internal", "sip:100@pbx",
                      "100;x", "10 0", " 100", "100 ", "100&to=200", "${EXTEN}", "100|200",
                      "\"100\"", "<100>", "100\t", "10\xc3\xa9", "10\xe9", "100%", "100!",
                      std::string(65, '1')));

// A comma-separated list is for alerts (from) and messages (to); a call connects one phone to
// one extension. (Lists: tests/unit/parse_alert_test.cpp.)
TEST(ParseRequest, ListInACallIsInvalid) {
  expect_invalid(with(call_params(), "from", "100,1"), "from");
  expect_invalid(with(call_params(), "to", "100,1"), "to");
  expect_invalid(with(message_params(), "from", "100,1"), "from");
}

TEST(ParseRequest, CallFromIsAnAliasOfFrom) {
  const auto r = accepted(with(without(call_params(), "from"), "call_from", "0240404040"));
  EXPECT_EQ(r.from, "0240404040");
  EXPECT_EQ(r.action, ActionKind::call);
}

TEST(ParseRequest, CallFromAliasIsValidatedLikeFrom) {
  const auto failure = refused(with(without(call_params(), "from"), "call_from", "PJSIP/100"));
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
}

TEST(ParseRequest, EmptyFromWithCallFromUsesCallFrom) {
  const auto r = accepted(with(with(call_params(), "from", ""), "call_from", "101"));
  EXPECT_EQ(r.from, "101");
}

TEST(ParseRequest, FromAndCallFromWithTheSameValueAreFine) {
  EXPECT_EQ(accepted(with(call_params(), "call_from", "100")).from, "100");
}

TEST(ParseRequest, FromAndCallFromDisagreeingIsRefusedNotGuessed) {
  const auto failure = refused(with(call_params(), "call_from", "101"));
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
}

TEST(ParseRequest, CallWithNeitherFromNorCallFromNamesFrom) {
  const auto failure = refused(without(call_params(), "from"));
  EXPECT_EQ(failure.code, ErrorCode::missing_parameter);
  EXPECT_EQ(failure.subject, "from");
}

// --- Unknown parameters ----------------------------------------------------------------------

TEST(ParseRequest, UnknownParametersAreIgnored) {
  auto params = call_params();
  params.emplace_back("eedomus_controller_module_id", "123456");
  params.insert(params.begin(), {"exec", "eeCall.php"});
  params.emplace_back("Channel", "PJSIP/evil");
  params.emplace_back("IP", "10.0.0.1");  // names are case-sensitive, like PHP's $_GET
  const auto r = accepted(params);
  EXPECT_EQ(r.host, "192.168.0.10");
  EXPECT_EQ(r.from, "100");
}

TEST(ParseRequest, UnknownParameterWithLineBreakIsStillJustIgnored) {
  auto params = call_params();
  params.emplace_back("eedomus_controller_module_id", "1\r\nAction: Originate");
  EXPECT_TRUE(parse_request(params).ok());
}

// --- CR, LF and NUL --------------------------------------------------------------------------

struct InjectionCase {
  std::string parameter;
  std::string bad;
};

void PrintTo(const InjectionCase& c, std::ostream* os) {
  *os << c.parameter << " + " << ::testing::PrintToString(c.bad);
}

class LineBreakOrNul : public ::testing::TestWithParam<InjectionCase> {};

TEST_P(LineBreakOrNul, IsRejectedNamingTheParameter) {
  const auto& [parameter, bad] = GetParam();
  // A value that would be fine without the bad bytes: they are refused, never stripped.
  std::string good = "100";
  if (parameter == "ip") good = "192.168.0.10";
  if (parameter == "port") good = "5038";
  if (parameter == "user") good = "eedomus";
  if (parameter == "secret") good = "xxx";
  if (parameter == "drv") good = "sip";
  auto base = parameter == "drv" ? message_params() : call_params();
  if (parameter == "call_from") base = without(base, "from");
  for (const std::string& value : {good + bad, bad + good, good + bad + "Action: Originate"}) {
    SCOPED_TRACE(parameter + " = " + ::testing::PrintToString(value));
    expect_invalid(with(base, parameter, value), parameter);
  }
}

std::vector<InjectionCase> injection_cases() {
  std::vector<InjectionCase> cases;
  for (const char* parameter :
       {"ip", "port", "user", "secret", "from", "call_from", "to", "drv"}) {
    for (const std::string& bad : {"\r"s, "\n"s, "\r\n"s, "\0"s, "\r\n\r\n"s}) {
      cases.push_back({parameter, bad});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(ParseRequest, LineBreakOrNul, ::testing::ValuesIn(injection_cases()));

TEST(ParseRequest, LineBreakInAMessageRequestsToIsRejected) {
  expect_invalid(with(message_params(), "to", "100\r\nAction: Originate"), "to");
  expect_invalid(with(message_params(), "from", "eedomus\n"), "from");
}

TEST(ParseRequest, NulInMsgIsRejected) {
  expect_invalid(with(message_params(), "msg", "Alerte\0cuve"s), "msg");
  expect_invalid(with(message_params(), "msg", "Alerte\0"s), "msg");
}

TEST(ParseRequest, LoneCarriageReturnInMsgIsRejected) {
  expect_invalid(with(message_params(), "msg", "Alerte\rcuve"), "msg");
  expect_invalid(with(message_params(), "msg", "Alerte cuve\r"), "msg");
}

TEST(ParseRequest, ControlCharacterInMsgIsRejected) {
  expect_invalid(with(message_params(), "msg", "Alerte \x1b[31mcuve"), "msg");
  expect_invalid(with(message_params(), "msg", "Alerte \x7f"), "msg");
}

TEST(ParseRequest, TabInMsgIsKept) {
  EXPECT_EQ(accepted(with(message_params(), "msg", "Cuve\t2")).message, "Cuve\t2");
}

TEST(ParseRequest, MsgWithLineBreaksIsKeptExactly) {
  // They travel base64-encoded (actions_test), so they are allowed and never stripped.
  for (const std::string& msg : {"ligne 1\nligne 2"s, "ligne 1\r\nligne 2"s, "a\n\nb"s,
                                 "hi\r\n\r\nAction: Originate\r\nChannel: PJSIP/1"s}) {
    const auto r = accepted(with(message_params(), "msg", msg));
    EXPECT_EQ(r.message, msg);
  }
}

TEST(ParseRequest, FailureNeverEchoesTheSecret) {
  const std::string secret = "Tr3sS3cr3t-value";
  for (const auto& params :
       {with(call_params(), "secret", secret + "\r\n"), with(call_params(), "secret", " " + secret),
        with(with(call_params(), "secret", secret), "to", "PJSIP/1"),
        with(without(call_params(), "to"), "secret", secret)}) {
    const auto failure = refused(params);
    EXPECT_EQ(failure.message.find(secret), std::string::npos) << failure.message;
    EXPECT_EQ(failure.subject.find(secret), std::string::npos) << failure.subject;
  }
}

// --- user / secret ---------------------------------------------------------------------------

TEST(ParseRequest, SecretIsKeptByteForByte) {
  const std::string secret = "p@ss w0rd;,/&=%+#\xc3\xa9";
  EXPECT_EQ(accepted(with(call_params(), "secret", secret)).secret, secret);
}

TEST(ParseRequest, SecretWithEdgeBlanksIsRefused) {
  // Asterisk would strip the leading blanks (ami-protocol.md 1.4): a different secret.
  expect_invalid(with(call_params(), "secret", " xxx"), "secret");
  expect_invalid(with(call_params(), "secret", "xxx "), "secret");
  expect_invalid(with(call_params(), "user", "\teedomus"), "user");
}

// Asterisk skips any byte < 0x21 at the start of a value and ami::encode() refuses a control
// byte there, so such a credential is refused here with an accurate message, not at the Login.
Failure refused_credential(const std::string& parameter, const std::string& value) {
  const auto failure = refused(with(call_params(), parameter, value));
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter) << failure.message;
  EXPECT_EQ(http_status(failure.code), 400);
  EXPECT_EQ(failure.subject, parameter) << failure.message;
  EXPECT_EQ(failure.message.find(value), std::string::npos) << "echoes the value";
  return failure;
}

TEST(ParseRequest, SecretWithControlCharactersIsRefused) {
  for (const std::string& secret : {"\x01xxx"s, "xxx\x7f"s, "xx\x01x"s, "\x0bxxx"s, "xxx\x1b"s,
                                    "\x7fxxx"s, "xx\tx"s}) {
    SCOPED_TRACE(::testing::PrintToString(secret));
    EXPECT_EQ(refused_credential("secret", secret).message,
              "secret must not contain control characters");
  }
}

TEST(ParseRequest, UserWithControlCharactersIsRefused) {
  for (const std::string& user : {"\x01" "eedomus"s, "eedomus\x7f"s, "eedo\x01mus"s}) {
    SCOPED_TRACE(::testing::PrintToString(user));
    EXPECT_EQ(refused_credential("user", user).message, "user must not contain control characters");
  }
}

TEST(ParseRequest, CredentialEdgeBlankKeepsItsOwnMessage) {
  for (const std::string& secret : {" xxx"s, "xxx "s, "\txxx"s, "xxx\t"s, " \x01xxx"s}) {
    SCOPED_TRACE(::testing::PrintToString(secret));
    EXPECT_EQ(refused_credential("secret", secret).message,
              "secret starts or ends with a blank, which AMI would alter");
  }
}

TEST(ParseRequest, SecretWithHighBytesAtTheEdgesIsKept) {
  // Not control characters (Latin-1 / UTF-8 bytes): Asterisk keeps them, encode() sends them.
  const std::string secret = "\xc3\xa9t\xc3\xa9";
  EXPECT_EQ(accepted(with(call_params(), "secret", secret)).secret, secret);
}

// --- msg character set -----------------------------------------------------------------------

TEST(ParseRequest, Latin1MsgBecomesUtf8) {
  EXPECT_EQ(accepted(with(message_params(), "msg", "d\xe9" "bordement")).message,
            "d\xc3\xa9" "bordement");
  EXPECT_EQ(accepted(with(message_params(), "msg", "Alerte d\xe9" "bordement cuve")).message,
            "Alerte d\xc3\xa9" "bordement cuve");
  EXPECT_EQ(accepted(with(message_params(), "msg", "\xc0 bient\xf4t, \xe7" "a d\xe9" "borde")).message,
            "\xc3\x80 bient\xc3\xb4t, \xc3\xa7" "a d\xc3\xa9" "borde");
}

TEST(ParseRequest, ValidUtf8MsgIsKeptNotDoubleEncoded) {
  const std::string utf8 = "Alerte d\xc3\xa9" "bordement cuve \xe2\x82\xac \xf0\x9f\x9a\xb0";
  EXPECT_EQ(accepted(with(message_params(), "msg", utf8)).message, utf8);
}

TEST(ParseRequest, Windows1252EuroIsConverted) {
  EXPECT_EQ(accepted(with(message_params(), "msg", "Facture 12\x80")).message,
            "Facture 12\xe2\x82\xac");
  EXPECT_EQ(accepted(with(message_params(), "msg", "\x93" "cuve\x94 \x85")).message,
            "\xe2\x80\x9c" "cuve\xe2\x80\x9d \xe2\x80\xa6");
}

TEST(ParseRequest, BytesUndefinedInWindows1252AreInvalid) {
  expect_invalid(with(message_params(), "msg", "cuve \x81"), "msg");
  expect_invalid(with(message_params(), "msg", "cuve \x9d"), "msg");
}

// --- msg length ------------------------------------------------------------------------------

TEST(ParseRequest, LongestOneLineMsgFits) {
  EXPECT_EQ(accepted(with(message_params(), "msg", std::string(max_body_bytes, 'a'))).message.size(),
            max_body_bytes);
}

TEST(ParseRequest, TooLongMsgIsInvalidNotTruncated) {
  const auto failure = refused(with(message_params(), "msg", std::string(max_body_bytes + 1, 'a')));
  EXPECT_EQ(failure.code, ErrorCode::invalid_parameter);
  EXPECT_EQ(failure.subject, "msg");
  expect_invalid(with(message_params(), "msg", std::string(5000, 'a')), "msg");
}

TEST(ParseRequest, MsgLengthIsCountedInUtf8Bytes) {
  // 496 Latin-1 'é' are 992 UTF-8 bytes: fits; 497 do not.
  const auto r = accepted(with(message_params(), "msg", std::string(496, '\xe9')));
  EXPECT_EQ(r.message.size(), 992u);
  expect_invalid(with(message_params(), "msg", std::string(497, '\xe9')), "msg");
}

TEST(ParseRequest, MultiLineMsgLimitAllowsForBase64) {
  std::string fits(max_base64_body_bytes, 'a');
  fits[10] = '\n';
  EXPECT_EQ(accepted(with(message_params(), "msg", fits)).message, fits);
  std::string too_long(max_base64_body_bytes + 1, 'a');
  too_long[10] = '\n';
  expect_invalid(with(message_params(), "msg", too_long), "msg");
}

// --- call options: wait, ring, callerid ------------------------------------------------------


TEST(ParseRequest, CallOptionsAreParsed) {
  auto params = with(with(with(call_params(), "wait", "20"), "ring", "45"), "callerid", "eeDomus");
  const auto r = accepted(params);
  EXPECT_EQ(r.wait, std::chrono::seconds(20));
  EXPECT_EQ(r.ring_seconds, 45);
  EXPECT_EQ(r.caller_id_name, "eeDomus");
}

TEST(ParseRequest, CallOptionsDefaultToNotWaitingAndAdminDefaults) {
  const auto r = accepted(with(call_params(), "wait", ""));
  EXPECT_EQ(r.wait, std::chrono::seconds(0));
  EXPECT_FALSE(r.ring_seconds.has_value());
  EXPECT_TRUE(r.caller_id_name.empty());
}

TEST(ParseRequest, WaitAndRingBounds) {
  EXPECT_EQ(accepted(with(call_params(), "wait", "120")).wait, std::chrono::seconds(120));
  EXPECT_EQ(accepted(with(call_params(), "ring", "5")).ring_seconds, 5);
  EXPECT_EQ(accepted(with(call_params(), "ring", "120")).ring_seconds, 120);
  for (const char* bad : {"121", "-1", "2s", "1.5", " 5", "abc", "00000"}) {
    expect_invalid(with(call_params(), "wait", bad), "wait");
  }
  for (const char* bad : {"4", "121", "30000", "0", "x"}) {
    expect_invalid(with(call_params(), "ring", bad), "ring");
  }
}

TEST(ParseRequest, CallerIdNameIsADisplayNameNothingMore) {
  EXPECT_EQ(accepted(with(call_params(), "callerid", "Alarme d\xe9" "but")).caller_id_name,
            "Alarme d\xc3\xa9" "but")
      << "Latin-1 from the box is converted like msg";
  for (const char* bad : {"\"x\" <0899>", "a<b", "a>b", "a\\b", " eeDomus", "eeDomus ",
                          "tab\there", "0123456789012345678901234567890123456789X"}) {
    expect_invalid(with(call_params(), "callerid", bad), "callerid");
  }
}

TEST(ParseRequest, CallOptionsAreRefusedForAMessage) {
  for (const char* option : {"wait", "ring", "callerid"}) {
    expect_invalid(with(message_params(), option, "10"), option);
  }
}

}  // namespace
}  // namespace eecall
