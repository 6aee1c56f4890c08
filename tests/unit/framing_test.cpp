// AMI framing: the incremental Parser (what Asterisk sends) and encode() (what we send).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eecall/ami/framing.hpp"
#include "eecall/ami/message.hpp"

namespace eecall::ami {
namespace {

using namespace std::string_literals;

// Server side of transcript a1_login_plain_ok after the banner: the Login response and two
// events, as Asterisk 20 sent them (the first two in one recv()).
const std::string a1_server =
    "Asterisk Call Manager/9.0.0\r\n"
    "Response: Success\r\n"
    "ActionID: L1\r\n"
    "Message: Authentication accepted\r\n"
    "\r\n"
    "Event: FullyBooted\r\n"
    "Privilege: system,all\r\n"
    "Uptime: 1\r\n"
    "LastReload: 1\r\n"
    "Status: Fully Booted\r\n"
    "\r\n"
    "Event: SuccessfulAuth\r\n"
    "Privilege: security,all\r\n"
    "EventTV: 2026-11-26T11:39:45.552+0000\r\n"
    "Severity: Informational\r\n"
    "Service: AMI\r\n"
    "EventVersion: 1\r\n"
    "AccountID: eedomus\r\n"
    "SessionID: 0x7f3304001460\r\n"
    "LocalAddress: IPV4/TCP/127.0.0.1/5038\r\n"
    "RemoteAddress: IPV4/TCP/127.0.0.1/51250\r\n"
    "UsingPassword: 0\r\n"
    "SessionTV: 2026-11-26T11:39:45.552+0000\r\n"
    "\r\n";

// All complete messages currently available; fails the test on a parser error.
std::vector<Message> drain(Parser& parser) {
  std::vector<Message> out;
  for (;;) {
    auto next = parser.next_message();
    if (!next.ok()) {
      ADD_FAILURE() << "parser failed: " << next.failure().message;
      return out;
    }
    if (!next.value()) return out;
    out.push_back(std::move(*next.value()));
  }
}

std::string banner_of(Parser& parser) {
  auto line = parser.next_line();
  if (!line.ok() || !line.value()) return "<none>";
  return *line.value();
}

void expect_a1_messages(const std::vector<Message>& messages) {
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_TRUE(messages[0].is_response());
  EXPECT_EQ(messages[0].get_or("Response"), "Success");
  EXPECT_EQ(messages[0].get_or("ActionID"), "L1");
  EXPECT_EQ(messages[0].get_or("Message"), "Authentication accepted");
  EXPECT_EQ(messages[0].headers().size(), 3u);
  EXPECT_TRUE(messages[1].is_event());
  EXPECT_EQ(messages[1].get_or("Event"), "FullyBooted");
  EXPECT_EQ(messages[1].get_or("Status"), "Fully Booted");
  EXPECT_EQ(messages[1].headers().size(), 5u);
  EXPECT_EQ(messages[2].get_or("Event"), "SuccessfulAuth");
  EXPECT_EQ(messages[2].get_or("RemoteAddress"), "IPV4/TCP/127.0.0.1/51250");
  EXPECT_EQ(messages[2].headers().size(), 12u);
}

// --- Reading ---------------------------------------------------------------------------------

TEST(Parser, BannerThenMessagesInOneChunk) {
  Parser parser;
  parser.feed(a1_server);
  EXPECT_EQ(banner_of(parser), "Asterisk Call Manager/9.0.0");
  expect_a1_messages(drain(parser));
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(Parser, ByteByByte) {
  Parser parser;
  std::string banner;
  std::vector<Message> messages;
  for (const char c : a1_server) {
    parser.feed(std::string_view(&c, 1));
    if (banner.empty()) {
      auto line = parser.next_line();
      ASSERT_TRUE(line.ok());
      if (line.value()) banner = *line.value();
      continue;
    }
    for (auto& m : drain(parser)) messages.push_back(std::move(m));
  }
  EXPECT_EQ(banner, "Asterisk Call Manager/9.0.0");
  expect_a1_messages(messages);
}

TEST(Parser, EverySplitPointGivesTheSameMessages) {
  const std::string stream = a1_server.substr(a1_server.find('\n') + 1);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    Parser parser;
    parser.feed(stream.substr(0, cut));
    auto messages = drain(parser);
    parser.feed(stream.substr(cut));
    for (auto& m : drain(parser)) messages.push_back(std::move(m));
    expect_a1_messages(messages);
  }
}

TEST(Parser, IncompleteMessageWaitsForMoreBytes) {
  Parser parser;
  parser.feed("Response: Success\r\nActionID: x1\r\n");
  auto first = parser.next_message();
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.value().has_value());
  parser.feed("Message: Originate successfully queued\r\n\r");
  EXPECT_TRUE(drain(parser).empty());
  parser.feed("\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].get_or("Message"), "Originate successfully queued");
}

TEST(Parser, IncompleteBannerWaitsForItsLineEnd) {
  Parser parser;
  parser.feed("Asterisk Call Mana");
  auto line = parser.next_line();
  ASSERT_TRUE(line.ok());
  EXPECT_FALSE(line.value().has_value());
  parser.feed("ger/9.0.0\r\n");
  EXPECT_EQ(banner_of(parser), "Asterisk Call Manager/9.0.0");
}

TEST(Parser, BareLineFeedsAndMixedLineEnds) {
  Parser parser;
  parser.feed("Asterisk Call Manager/2.10.6\n"
              "Response: Success\n"
              "ActionID: a\r\n"
              "Message: mixed\n"
              "\r\n"
              "Response: Error\n"
              "Message: bare\n"
              "\n");
  EXPECT_EQ(banner_of(parser), "Asterisk Call Manager/2.10.6");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].get_or("ActionID"), "a");
  EXPECT_EQ(messages[0].get_or("Message"), "mixed");
  EXPECT_EQ(messages[1].get_or("Response"), "Error");
  EXPECT_EQ(messages[1].get_or("Message"), "bare");
}

TEST(Parser, BareCarriageReturnIsNotALineEnd) {
  Parser parser;
  parser.feed("Response: Error\r\nMessage: a\rb\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].get_or("Message"), "a\rb");
}

TEST(Parser, HeaderLookupIsCaseInsensitiveAndFirstMatchWins) {
  Parser parser;
  parser.feed("response: Success\r\nACTIONID: first\r\nActionID: second\r\nmessage: m\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].is_response());
  EXPECT_EQ(messages[0].get_or("Response"), "Success");
  EXPECT_EQ(messages[0].get_or("actionid"), "first");
  EXPECT_EQ(messages[0].get_or("Message"), "m");
  EXPECT_FALSE(messages[0].get("Event").has_value());
  EXPECT_EQ(messages[0].get_or("Event", "fallback"), "fallback");
}

TEST(Parser, LeadingBlanksOfAValueAreSkippedTrailingOnesKept) {
  Parser parser;
  parser.feed("Response: Success\r\n"
              "A:   three spaces\r\n"
              "B:\ttab\r\n"
              "C:none\r\n"
              "D: trailing  \r\n"
              "E:\x01\x02" "control\r\n"
              "F: \r\n"
              "\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.get_or("A"), "three spaces");
  EXPECT_EQ(m.get_or("B"), "tab");
  EXPECT_EQ(m.get_or("C"), "none");
  EXPECT_EQ(m.get_or("D"), "trailing  ");
  EXPECT_EQ(m.get_or("E"), "control");
  ASSERT_TRUE(m.get("F").has_value());
  EXPECT_EQ(*m.get("F"), "");
}

TEST(Parser, OnlyTheFirstColonSplits) {
  Parser parser;
  parser.feed("Response: Success\r\nTimestamp: 12:34:56\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].get_or("Timestamp"), "12:34:56");
}

TEST(Parser, NameWithSpaceBeforeColonDoesNotMatch) {
  // Asterisk: `Action : Login` does not match `Action` (ami-protocol.md 1.4).
  Parser parser;
  parser.feed("Response : Success\r\nMessage: x\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_FALSE(messages[0].get("Response").has_value());
  EXPECT_FALSE(messages[0].is_response());
}

TEST(Parser, LineWithoutColonIsKeptButNeverMatches) {
  Parser parser;
  parser.feed("Response\r\nMessage: after garbage\r\nsome garbage line\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.headers().size(), 3u);
  EXPECT_FALSE(m.get("Response").has_value());
  EXPECT_FALSE(m.get("some garbage line").has_value());
  EXPECT_FALSE(m.is_response());
  EXPECT_EQ(m.get_or("Message"), "after garbage");
}

TEST(Parser, StrayEmptyLinesAreSkipped) {
  Parser parser;
  parser.feed("\r\n\r\n\nResponse: Success\r\nActionID: 1\r\n\r\n\r\n\n\r\nEvent: X\r\n\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].get_or("ActionID"), "1");
  EXPECT_EQ(messages[1].get_or("Event"), "X");
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(Parser, InternalFailureBareLineFeedQuirk) {
  // MessageSend's astman_send_error(s, m, "Internal failure\n") (ami-protocol.md 1.6).
  Parser parser;
  parser.feed("Response: Error\r\nActionID: m1\r\nMessage: Internal failure\n\r\n\r\n"
              "Response: Goodbye\r\nActionID: L2\r\nMessage: Thanks for all the fish.\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].get_or("Response"), "Error");
  EXPECT_EQ(messages[0].get_or("ActionID"), "m1");
  EXPECT_EQ(messages[0].get_or("Message"), "Internal failure");
  EXPECT_EQ(messages[0].headers().size(), 3u);
  EXPECT_EQ(messages[1].get_or("Response"), "Goodbye");
  EXPECT_EQ(messages[1].get_or("ActionID"), "L2");
}

TEST(Parser, OriginateResponseEventIsAnEventNotAResponse) {
  Parser parser;
  parser.feed("Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: x1\r\n"
              "Response: Success\r\nChannel: Local/100@from-internal-00000001;1\r\n"
              "Reason: 4\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].is_event());
  EXPECT_FALSE(messages[0].is_response());
  EXPECT_EQ(messages[0].get_or("Response"), "Success");
}

TEST(Parser, EightBitBytesPassThrough) {
  Parser parser;
  parser.feed("Response: Error\r\nMessage: d\xc3\xa9j\xe0 \xff\r\n\r\n");
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].get_or("Message"), "d\xc3\xa9j\xe0 \xff");
}

// --- Reading limits --------------------------------------------------------------------------

TEST(ParserLimits, LineOfExactlyMaxLineIsAcceptedWholeOrByteByByte) {
  const ReadLimits limits{16, 1024, 16};
  const std::string line = "Message: 1234567";  // 16 bytes
  ASSERT_EQ(line.size(), limits.max_line);
  const std::string stream = "Response: Error\r\n" + line + "\r\n\r\n";
  {
    Parser parser(limits);
    parser.feed(stream);
    const auto messages = drain(parser);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].get_or("Message"), "1234567");
  }
  {
    Parser parser(limits);
    std::vector<Message> messages;
    for (const char c : stream) {
      parser.feed(std::string_view(&c, 1));
      for (auto& m : drain(parser)) messages.push_back(std::move(m));
    }
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].get_or("Message"), "1234567");
  }
}

TEST(ParserLimits, OverlongCompleteLineIsAProtocolError) {
  Parser parser(ReadLimits{16, 1024, 16});
  parser.feed("Response: Error\r\nMessage: 12345678\r\n\r\n");  // 17-byte line
  auto next = parser.next_message();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.failure().code, ErrorCode::protocol_error);
}

TEST(ParserLimits, EndlessLineFailsAndMemoryStaysBounded) {
  const ReadLimits limits{};  // the defaults the client uses
  Parser parser(limits);
  const std::string chunk(4096, 'A');
  bool failed = false;
  std::size_t fed = 0;
  for (int i = 0; i < 1000 && !failed; ++i) {  // up to 4 MB without a line end
    parser.feed(chunk);
    fed += chunk.size();
    auto next = parser.next_message();
    if (!next.ok()) {
      EXPECT_EQ(next.failure().code, ErrorCode::protocol_error);
      failed = true;
    }
    EXPECT_LE(parser.buffered(), limits.max_line + 2 * chunk.size());
  }
  EXPECT_TRUE(failed);
  EXPECT_LE(fed, limits.max_line + 2 * chunk.size());
  // The parser stays failed and stops accumulating.
  for (int i = 0; i < 100; ++i) parser.feed(chunk);
  EXPECT_LE(parser.buffered(), limits.max_line + 2 * chunk.size());
  EXPECT_FALSE(parser.next_message().ok());
  EXPECT_FALSE(parser.next_line().ok());
}

TEST(ParserLimits, EndlessBannerFails) {
  Parser parser(ReadLimits{64, 1024, 16});
  parser.feed(std::string(100, 'x'));
  auto line = parser.next_line();
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.failure().code, ErrorCode::protocol_error);
}

TEST(ParserLimits, MaxHeadersIsAllowedOneMoreIsNot) {
  const ReadLimits limits{1024, 64 * 1024, 4};
  {
    Parser parser(limits);
    parser.feed("Response: Success\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    const auto messages = drain(parser);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].headers().size(), 4u);
  }
  {
    Parser parser(limits);
    parser.feed("Response: Success\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
    auto next = parser.next_message();
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.failure().code, ErrorCode::protocol_error);
  }
}

TEST(ParserLimits, EndlessHeadersFailAndMemoryStaysBounded) {
  const ReadLimits limits{};
  Parser parser(limits);
  bool failed = false;
  std::string chunk;
  for (int i = 0; i < 64; ++i) chunk += "Variable: x=1\r\n";
  for (int i = 0; i < 10000 && !failed; ++i) {
    parser.feed(chunk);
    auto next = parser.next_message();
    ASSERT_TRUE(!next.ok() || !next.value().has_value());
    failed = !next.ok();
    EXPECT_LE(parser.buffered(), chunk.size());
  }
  EXPECT_TRUE(failed);
}

TEST(ParserLimits, MessageOverMaxMessageBytesFails) {
  Parser parser(ReadLimits{1024, 100, 512});
  std::string message = "Response: Success\r\n";
  for (int i = 0; i < 10; ++i) message += "Header" + std::to_string(i) + ": value\r\n";
  message += "\r\n";
  ASSERT_GT(message.size(), 100u);
  parser.feed(message);
  auto next = parser.next_message();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.failure().code, ErrorCode::protocol_error);
}

TEST(ParserLimits, MessageSizeLimitIsPerMessage) {
  // Many small messages in a row never add up to one over-large message.
  Parser parser(ReadLimits{1024, 100, 512});
  std::size_t count = 0;
  for (int i = 0; i < 200; ++i) {
    parser.feed("Event: Newexten\r\nPrivilege: dialplan,all\r\n\r\n");
    count += drain(parser).size();
  }
  EXPECT_EQ(count, 200u);
}

// --- encode() --------------------------------------------------------------------------------

TEST(Encode, ExactBytes) {
  const auto bytes = encode(Message{{"Action", "Ping"}, {"ActionID", "P1"}});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes.value(), "Action: Ping\r\nActionID: P1\r\n\r\n");
}

TEST(Encode, KeepsUtf8AndInnerBlanks) {
  const auto bytes =
      encode(Message{{"Action", "MessageSend"}, {"Body", "Alerte d\xc3\xa9" "bordement\tcuve  2"}});
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes.value(),
            "Action: MessageSend\r\nBody: Alerte d\xc3\xa9" "bordement\tcuve  2\r\n\r\n");
}

TEST(Encode, RoundTripsThroughTheParser) {
  const Message original{{"Action", "Originate"},
                         {"Channel", "Local/100@from-internal"},
                         {"CallerID", "\"eeDomus\" <291>"},
                         {"ActionID", "eecall-1a2b-1"}};
  const auto bytes = encode(original);
  ASSERT_TRUE(bytes.ok());
  Parser parser;
  parser.feed(bytes.value());
  const auto messages = drain(parser);
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_EQ(messages[0].headers().size(), original.headers().size());
  for (std::size_t i = 0; i < original.headers().size(); ++i) {
    EXPECT_EQ(messages[0].headers()[i].name, original.headers()[i].name);
    EXPECT_EQ(messages[0].headers()[i].value, original.headers()[i].value);
  }
}

TEST(Encode, RefusesLineBreaksAndNulInValues) {
  for (const std::string& value : {"291\r\nAction: Originate"s, "291\n"s, "2\r91"s, "291\0x"s,
                                   "\r\n"s, "a\r\n\r\nAction: Command"s}) {
    const auto bytes = encode(Message{{"Action", "Originate"}, {"Exten", value}});
    ASSERT_FALSE(bytes.ok()) << ::testing::PrintToString(value);
    EXPECT_EQ(bytes.failure().code, ErrorCode::invalid_parameter);
    EXPECT_EQ(bytes.failure().subject, "Exten");
  }
}

TEST(Encode, RefusesBadHeaderNames) {
  for (const std::string& name : {""s, "Action Name"s, "Action:"s, "Exten:Channel"s, " Action"s,
                                  "Action\t"s, "Act\r\nion"s, "Act\0ion"s, "Acti\xc3\xb3n"s,
                                  "\x7f"s}) {
    const auto bytes = encode(Message{{"Action", "Ping"}, {name, "x"}});
    ASSERT_FALSE(bytes.ok()) << ::testing::PrintToString(name);
    EXPECT_EQ(bytes.failure().code, ErrorCode::invalid_parameter);
  }
}

TEST(Encode, RefusesLeadingAndTrailingBlanks) {
  for (const std::string& value : {" 291"s, "\t291"s, "291 "s, "291\t"s, "\x01" "291"s}) {
    const auto bytes = encode(Message{{"Action", "Originate"}, {"Exten", value}});
    EXPECT_FALSE(bytes.ok()) << ::testing::PrintToString(value);
  }
}

TEST(Encode, LineLimitIs1000BytesWithTheTerminator) {
  // "Body: " + value + "\r\n": 992 bytes of value make exactly 1000.
  const auto fits = encode(Message{{"Action", "MessageSend"}, {"Body", std::string(992, 'a')}});
  ASSERT_TRUE(fits.ok());
  EXPECT_NE(fits.value().find("Body: " + std::string(992, 'a') + "\r\n"), std::string::npos);
  const auto too_long =
      encode(Message{{"Action", "MessageSend"}, {"Body", std::string(993, 'a')}});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.failure().code, ErrorCode::invalid_parameter);
  EXPECT_FALSE(encode(Message{{std::string(1000, 'N'), "x"}}).ok());
}

TEST(Encode, AtMost128Headers) {
  Message fits{{"Action", "Originate"}};
  for (int i = 1; i < 128; ++i) fits.add("Variable", "v" + std::to_string(i) + "=1");
  ASSERT_EQ(fits.headers().size(), 128u);
  EXPECT_TRUE(encode(fits).ok());
  Message too_many = fits;
  too_many.add("Variable", "one=more");
  const auto bytes = encode(too_many);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.failure().code, ErrorCode::invalid_parameter);
}

// --- redacted() ------------------------------------------------------------------------------

TEST(Redacted, HidesSecretAndKey) {
  const Message login{{"Action", "Login"},
                      {"Username", "eedomus"},
                      {"Secret", "s3cret-Value"},
                      {"Events", "off"}};
  const auto text = redacted(login);
  EXPECT_EQ(text.find("s3cret-Value"), std::string::npos) << text;
  EXPECT_NE(text.find("Secret"), std::string::npos) << text;
  EXPECT_NE(text.find("eedomus"), std::string::npos) << text;
  EXPECT_NE(text.find("Login"), std::string::npos) << text;

  const Message md5{{"Action", "Login"},
                    {"AuthType", "MD5"},
                    {"Username", "eedomus"},
                    {"Key", "d7469cc1ea90b88a592e391879e69b9a"}};
  EXPECT_EQ(redacted(md5).find("d7469cc1"), std::string::npos) << redacted(md5);
}

TEST(Redacted, HeaderNamesAreMatchedInAnyCase) {
  const Message m{{"action", "login"}, {"SECRET", "hunter2-x"}, {"key", "abcdef0123"}};
  const auto text = redacted(m);
  EXPECT_EQ(text.find("hunter2-x"), std::string::npos) << text;
  EXPECT_EQ(text.find("abcdef0123"), std::string::npos) << text;
}

TEST(Redacted, IsOneLine) {
  const Message m{{"Response", "Error"}, {"Message", "Authentication failed"}};
  const auto text = redacted(m);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_NE(text.find("Authentication failed"), std::string::npos) << text;
}

}  // namespace
}  // namespace eecall::ami
