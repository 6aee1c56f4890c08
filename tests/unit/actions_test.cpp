// The AMI actions, compared byte for byte with what real Asterisk 20 accepted
// (../shared/ami-transcripts, copied under tests/data for the replay tests).
#include <gtest/gtest.h>

#include <string>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/framing.hpp"
#include "eecall/request/parse.hpp"

namespace eecall::ami {
namespace {

using namespace std::string_literals;

std::string wire(const Message& message) {
  auto bytes = encode(message);
  if (!bytes.ok()) {
    ADD_FAILURE() << "encode() refused: " << bytes.failure().message;
    return {};
  }
  return bytes.value();
}

Request call(std::string from, std::string to) {
  Request r;
  r.action = ActionKind::call;
  r.host = "127.0.0.1";
  r.user = "eedomus";
  r.secret = "s3cret";
  r.from = std::move(from);
  r.to = std::move(to);
  return r;
}

Request message(std::string text, MessageDriver driver = MessageDriver::pjsip,
                std::string to = "100") {
  Request r;
  r.action = ActionKind::message;
  r.host = "127.0.0.1";
  r.user = "eedomus";
  r.secret = "s3cret";
  r.from = "eedomus";
  r.to = std::move(to);
  r.message = std::move(text);
  r.driver = driver;
  return r;
}

CallSettings eedomus_caller_id() {
  CallSettings settings;
  settings.caller_id_name = "eeDomus";
  return settings;
}

// --- Login, Challenge, Logoff ----------------------------------------------------------------

TEST(MakeLogin, TranscriptB4Bytes) {
  EXPECT_EQ(wire(make_login("eedomus", "s3cret", LoginEvents::off, "L1")),
            "Action: Login\r\n"
            "Username: eedomus\r\n"
            "Secret: s3cret\r\n"
            "Events: off\r\n"
            "ActionID: L1\r\n"
            "\r\n");
}

TEST(MakeLogin, TranscriptB8EventsCall) {
  EXPECT_EQ(wire(make_login("eedomus", "s3cret", LoginEvents::call, "L1")),
            "Action: Login\r\n"
            "Username: eedomus\r\n"
            "Secret: s3cret\r\n"
            "Events: call\r\n"
            "ActionID: L1\r\n"
            "\r\n");
}

TEST(MakeLogin, SecretWithLineBreakCannotBeEncoded) {
  EXPECT_FALSE(encode(make_login("eedomus", "s3cret\r\nAction: Command", LoginEvents::off, "L1")).ok());
}

TEST(MakeChallenge, TranscriptA3Bytes) {
  EXPECT_EQ(wire(make_challenge("C1")),
            "Action: Challenge\r\n"
            "AuthType: MD5\r\n"
            "ActionID: C1\r\n"
            "\r\n");
}

TEST(MakeMd5Login, TranscriptA3Bytes) {
  const auto bytes = wire(make_md5_login("eedomus", "s3cret", "147026317", LoginEvents::off, "L1"));
  EXPECT_EQ(bytes,
            "Action: Login\r\n"
            "AuthType: MD5\r\n"
            "Username: eedomus\r\n"
            "Key: d7469cc1ea90b88a592e391879e69b9a\r\n"
            "Events: off\r\n"
            "ActionID: L1\r\n"
            "\r\n");
  EXPECT_EQ(bytes.find("s3cret"), std::string::npos);
}

TEST(MakeMd5Login, KeyDependsOnChallengeAndSecret) {
  const auto a = make_md5_login("eedomus", "s3cret", "147026317", LoginEvents::off, "L1");
  const auto b = make_md5_login("eedomus", "s3cret", "147026318", LoginEvents::off, "L1");
  const auto c = make_md5_login("eedomus", "s3creT", "147026317", LoginEvents::off, "L1");
  EXPECT_NE(a.get_or("Key"), b.get_or("Key"));
  EXPECT_NE(a.get_or("Key"), c.get_or("Key"));
  EXPECT_EQ(a.get_or("Key").size(), 32u);
}

TEST(MakeLogoff, TranscriptB4Bytes) {
  EXPECT_EQ(wire(make_logoff("L2")), "Action: Logoff\r\nActionID: L2\r\n\r\n");
}

// --- Originate -------------------------------------------------------------------------------

TEST(MakeOriginate, TranscriptB4Bytes) {
  // b4_originate_local_async_events_off: Local/100@from-internal -> 291, queued by Asterisk.
  EXPECT_EQ(wire(make_originate(call("100", "291"), eedomus_caller_id(), "x1")),
            "Action: Originate\r\n"
            "Channel: Local/100@from-internal\r\n"
            "Context: from-internal\r\n"
            "Exten: 291\r\n"
            "Priority: 1\r\n"
            "CallerID: \"eeDomus\" <291>\r\n"
            "Timeout: 30000\r\n"
            "Async: true\r\n"
            "ActionID: x1\r\n"
            "\r\n");
}

TEST(MakeOriginate, RequestRingAndCallerIdOverrideTheDefaults) {
  auto r = call("100", "291");
  r.ring_seconds = 20;
  r.caller_id_name = "Alarme cave";
  const auto m = make_originate(r, eedomus_caller_id(), "x1");
  EXPECT_EQ(m.get_or("Timeout"), "20000") << "Asterisk's Timeout is in milliseconds";
  EXPECT_EQ(m.get_or("CallerID"), "\"Alarme cave\" <291>");
  EXPECT_EQ(make_originate(call("100", "291"), CallSettings{}, "x1").get_or("Timeout"), "30000");
}

TEST(MakeOriginate, TranscriptB8ExternalNumberBytes) {
  EXPECT_EQ(wire(make_originate(call("0612345678", "291"), eedomus_caller_id(), "x1")),
            "Action: Originate\r\n"
            "Channel: Local/0612345678@from-internal\r\n"
            "Context: from-internal\r\n"
            "Exten: 291\r\n"
            "Priority: 1\r\n"
            "CallerID: \"eeDomus\" <291>\r\n"
            "Timeout: 30000\r\n"
            "Async: true\r\n"
            "ActionID: x1\r\n"
            "\r\n");
}

TEST(MakeOriginate, TranscriptB1PjsipChannelTemplate) {
  auto settings = eedomus_caller_id();
  settings.channel_template = "PJSIP/{from}";
  EXPECT_EQ(wire(make_originate(call("100", "291"), settings, "x1")),
            "Action: Originate\r\n"
            "Channel: PJSIP/100\r\n"
            "Context: from-internal\r\n"
            "Exten: 291\r\n"
            "Priority: 1\r\n"
            "CallerID: \"eeDomus\" <291>\r\n"
            "Timeout: 30000\r\n"
            "Async: true\r\n"
            "ActionID: x1\r\n"
            "\r\n");
}

TEST(MakeOriginate, DefaultsAreTheIssuesCall) {
  // Issue 2 point 4: CallerID is the bare `to`, Async true, Timeout 30000, from-internal.
  EXPECT_EQ(wire(make_originate(call("100", "291"), CallSettings{}, "a-1")),
            "Action: Originate\r\n"
            "Channel: Local/100@from-internal\r\n"
            "Context: from-internal\r\n"
            "Exten: 291\r\n"
            "Priority: 1\r\n"
            "CallerID: 291\r\n"
            "Timeout: 30000\r\n"
            "Async: true\r\n"
            "ActionID: a-1\r\n"
            "\r\n");
}

TEST(MakeOriginate, OtherContextAppliesToChannelAndContext) {
  CallSettings settings;
  settings.context = "eedomus-calls";
  const auto m = make_originate(call("100", "291"), settings, "x1");
  EXPECT_EQ(m.get_or("Channel"), "Local/100@eedomus-calls");
  EXPECT_EQ(m.get_or("Context"), "eedomus-calls");
}

TEST(MakeOriginate, ChannelTemplates) {
  CallSettings settings;
  settings.context = "ctx";
  const auto r = call("100", "291");
  settings.channel_template = "SIP/{from}";
  EXPECT_EQ(channel_for(r, settings), "SIP/100");
  settings.channel_template = "Local/{from}@{context}/n";
  EXPECT_EQ(channel_for(r, settings), "Local/100@ctx/n");
  settings.channel_template = "Local/{from}@{context}-{from}";
  EXPECT_EQ(channel_for(r, settings), "Local/100@ctx-100");
  settings.channel_template = "PJSIP/{from}@trunk";
  EXPECT_EQ(make_originate(r, settings, "x1").get_or("Channel"), "PJSIP/100@trunk");
}

TEST(MakeOriginate, RingTimeoutSetting) {
  CallSettings settings;
  settings.ring_timeout_ms = 45000;
  EXPECT_EQ(make_originate(call("100", "291"), settings, "x1").get_or("Timeout"), "45000");
}

TEST(MakeOriginate, LongestDialTokensStillEncode) {
  const std::string from(64, '1');
  const std::string to(64, '2');
  const auto bytes = wire(make_originate(call(from, to), eedomus_caller_id(), "eecall-0123456789abcdef-1"));
  EXPECT_NE(bytes.find("Channel: Local/" + from + "@from-internal\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Exten: " + to + "\r\n"), std::string::npos);
}

// --- MessageSend -----------------------------------------------------------------------------

TEST(MakeMessageSend, TranscriptE1PlainFromBytes) {
  // e1_messagesend_pjsip, ActionID m2: accepted and delivered byte for byte.
  EXPECT_EQ(wire(make_message_send(message("Alerte d\xc3\xa9" "bordement cuve", MessageDriver::pjsip,
                                           "101"),
                                   "m2")),
            "Action: MessageSend\r\n"
            "To: pjsip:101\r\n"
            "From: eedomus\r\n"
            "Body: Alerte d\xc3\xa9" "bordement cuve\r\n"
            "ActionID: m2\r\n"
            "\r\n");
}

TEST(MakeMessageSend, SipDriver) {
  const auto m = make_message_send(message("Alerte", MessageDriver::sip), "m1");
  EXPECT_EQ(m.get_or("To"), "sip:100");
  EXPECT_EQ(m.get_or("From"), "eedomus");
}

TEST(MakeMessageSend, FromIsTheRequestsFromNotAFixedName) {
  auto r = message("Alerte");
  r.from = "alarme-cuve";
  EXPECT_EQ(make_message_send(r, "m1").get_or("From"), "alarme-cuve");
}

TEST(MakeMessageSend, MultiLineTextGoesAsBase64Body) {
  const auto bytes = wire(make_message_send(message("ligne 1\nligne 2"), "m5"));
  EXPECT_EQ(bytes,
            "Action: MessageSend\r\n"
            "To: pjsip:100\r\n"
            "From: eedomus\r\n"
            "Base64Body: bGlnbmUgMQpsaWduZSAy\r\n"
            "ActionID: m5\r\n"
            "\r\n");
}

TEST(MakeMessageSend, CrLfTextGoesAsBase64BodyWithTheExactBytes) {
  const auto m = make_message_send(message("Niveau haut\r\nCuve 2"), "m1");
  EXPECT_FALSE(m.get("Body").has_value());
  EXPECT_EQ(m.get_or("Base64Body"), "Tml2ZWF1IGhhdXQNCkN1dmUgMg==");
}

TEST(MakeMessageSend, InjectedActionStaysInsideTheBase64Body) {
  const auto bytes = wire(make_message_send(
      message("hi\r\n\r\nAction: Originate\r\nChannel: PJSIP/1"), "m1"));
  EXPECT_EQ(bytes.find("Action: Originate"), std::string::npos);
  EXPECT_EQ(bytes.find("Action:"), 0u);
  EXPECT_EQ(bytes.find("\r\n\r\n"), bytes.size() - 4);  // exactly one message
}

TEST(MakeMessageSend, EdgeBlanksGoAsBase64Body) {
  // Asterisk would strip a leading blank of Body: (ami-protocol.md 1.4).
  EXPECT_EQ(make_message_send(message(" hello"), "m1").get_or("Base64Body"), "IGhlbGxv");
  EXPECT_EQ(make_message_send(message("hello "), "m1").get_or("Base64Body"), "aGVsbG8g");
  EXPECT_FALSE(make_message_send(message("hello"), "m1").get("Base64Body").has_value());
}

TEST(MakeMessageSend, EveryAcceptedMessageEncodes) {
  // parse_request's limits and encode()'s 1000-byte lines agree at the edges.
  const Params base = {{"ip", "127.0.0.1"}, {"user", "eedomus"}, {"secret", "s3cret"},
                       {"to", std::string(64, '1')}, {"from", std::string(64, 'f')},
                       {"drv", "pjsip"}};
  std::string multi(max_base64_body_bytes, '\xc3');
  for (std::size_t i = 1; i < multi.size(); i += 2) multi[i] = '\xa9';
  multi[0] = '\n';
  multi[1] = 'x';
  for (const std::string& text : {std::string(max_body_bytes, 'a'), multi,
                                  " " + std::string(max_base64_body_bytes - 1, 'b')}) {
    auto params = base;
    params.emplace_back("msg", text);
    auto request = parse_request(params);
    ASSERT_TRUE(request.ok()) << request.failure().message;
    const auto bytes =
        encode(make_message_send(request.value(), "eecall-0123456789abcdef-123456789"));
    EXPECT_TRUE(bytes.ok()) << bytes.failure().message;
  }
}

}  // namespace
}  // namespace eecall::ami
