// Rendering an Outcome: the XML eeDomus reads with XPath, the same fields in JSON, a text line.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tinyxml2.h>

#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "eecall/action/render.hpp"
#include "eecall/util/text.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

const std::string xml_prefix = R"(<?xml version="1.0" encoding="UTF-8"?><eecall>)";

Outcome success() {
  Outcome o;
  o.action = ActionKind::call;
  o.message = "Originate successfully queued";
  o.action_id = "eecall-1f2e3d-2";
  o.elapsed = 42ms;
  return o;
}

Outcome failure(ErrorCode code, std::string message, std::string subject = {}) {
  Outcome o;
  o.action = ActionKind::message;
  o.error = code;
  o.message = std::move(message);
  o.subject = std::move(subject);
  o.elapsed = 1234ms;
  return o;
}

// Every character allowed by the XML 1.0 `Char` production, decoded from UTF-8.
bool only_xml_chars(const std::string& s) {
  if (!text::is_valid_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if (c < 0xE0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c < 0xF0) {
      len = 3;
      cp = c & 0x0Fu;
    } else {
      len = 4;
      cp = c & 0x07u;
    }
    for (std::size_t k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    }
    const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return false;
    i += len;
  }
  return true;
}

// The children of <eecall> as name -> text, after a real XML parse. Fails the test when the
// document is not well-formed or not what eeDomus expects.
std::map<std::string, std::string> xml_fields(const std::string& xml) {
  std::map<std::string, std::string> fields;
  EXPECT_TRUE(only_xml_chars(xml)) << ::testing::PrintToString(xml);
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.c_str(), xml.size()) != tinyxml2::XML_SUCCESS) {
    ADD_FAILURE() << "not well-formed XML: " << doc.ErrorStr() << "\n" << xml;
    return fields;
  }
  const auto* root = doc.RootElement();
  if (root == nullptr || std::string(root->Name()) != "eecall") {
    ADD_FAILURE() << "root element is not <eecall>: " << xml;
    return fields;
  }
  for (const auto* e = root->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
    EXPECT_EQ(e->FirstChildElement(), nullptr) << "nested element in " << e->Name();
    EXPECT_FALSE(fields.count(e->Name())) << "duplicate element " << e->Name();
    fields[e->Name()] = e->GetText() == nullptr ? "" : e->GetText();
  }
  return fields;
}

nlohmann::json json_of(const std::string& text) {
  EXPECT_TRUE(nlohmann::json::accept(text)) << text;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// --- XML -------------------------------------------------------------------------------------

TEST(RenderXml, SuccessHasTheExactPrefixEeDomusReads) {
  const auto xml = render_xml(success());
  EXPECT_EQ(xml.rfind(xml_prefix + "<result>1</result>", 0), 0u) << xml;
  EXPECT_EQ(xml.substr(xml.size() - 10), "</eecall>\n");
}

TEST(RenderXml, SuccessFields) {
  const auto fields = xml_fields(render_xml(success()));
  EXPECT_EQ(fields.at("result"), "1");
  EXPECT_EQ(fields.at("action"), "call");
  EXPECT_EQ(fields.at("message"), "Originate successfully queued");
  EXPECT_EQ(fields.at("action_id"), "eecall-1f2e3d-2");
  EXPECT_EQ(fields.at("elapsed_ms"), "42");
  EXPECT_EQ(fields.count("error"), 0u);
}

TEST(RenderXml, FailureFields) {
  const auto xml = render_xml(failure(ErrorCode::auth_failed, "Authentication failed", "login"));
  EXPECT_EQ(xml.rfind(xml_prefix + "<result>0</result>", 0), 0u) << xml;
  const auto fields = xml_fields(xml);
  EXPECT_EQ(fields.at("result"), "0");
  EXPECT_EQ(fields.at("error"), "auth_failed");
  EXPECT_EQ(fields.at("action"), "message");
  EXPECT_EQ(fields.at("message"), "Authentication failed");
  EXPECT_EQ(fields.at("elapsed_ms"), "1234");
}

TEST(RenderXml, EveryErrorCodeByName) {
  for (auto code : {ErrorCode::missing_parameter, ErrorCode::invalid_parameter,
                    ErrorCode::resolve_failed, ErrorCode::connect_failed, ErrorCode::timeout,
                    ErrorCode::not_asterisk, ErrorCode::auth_failed, ErrorCode::permission_denied,
                    ErrorCode::action_failed, ErrorCode::protocol_error, ErrorCode::tls_failed,
                    ErrorCode::busy,
                    ErrorCode::no_answer, ErrorCode::congestion, ErrorCode::hangup,
                    ErrorCode::call_failed, ErrorCode::method_not_allowed, ErrorCode::rate_limited}) {
    const auto fields = xml_fields(render_xml(failure(code, "x")));
    EXPECT_EQ(fields.at("result"), "0");
    EXPECT_EQ(fields.at("error"), std::string(error_name(code)));
  }
}

Outcome duplicate() {
  Outcome o = success();
  o.action_id.clear();
  o.duplicate = true;
  o.message = "the same call was made 3 s ago: not repeated (repeat_window)";
  return o;
}

Outcome rate_limited() {
  Outcome o = failure(ErrorCode::rate_limited, "more than 30 actions in a minute", "rate_limit");
  o.retry_after = std::chrono::seconds(17);
  return o;
}

TEST(RenderXml, DuplicateIsASuccessMarkedAsSuch) {
  const auto fields = xml_fields(render_xml(duplicate()));
  EXPECT_EQ(fields.at("result"), "1");
  EXPECT_EQ(fields.at("duplicate"), "1");
  EXPECT_EQ(fields.count("error"), 0u);
  EXPECT_EQ(xml_fields(render_xml(success())).count("duplicate"), 0u) << "only when it is one";
}

TEST(RenderXml, RateLimitedSaysWhenToTryAgain) {
  const auto fields = xml_fields(render_xml(rate_limited()));
  EXPECT_EQ(fields.at("result"), "0");
  EXPECT_EQ(fields.at("error"), "rate_limited");
  EXPECT_EQ(fields.at("retry_after"), "17");
  EXPECT_EQ(xml_fields(render_xml(success())).count("retry_after"), 0u);
}

TEST(RenderXml, WaitedCallOutcomeCarriesReasonChannelAndUniqueid) {
  auto o = failure(ErrorCode::busy, "busy (Asterisk reason 5)", "wait");
  o.reason = 5;
  o.channel = "PJSIP/100-00000001";
  o.uniqueid = "1795693211.1";
  const auto fields = xml_fields(render_xml(o));
  EXPECT_EQ(fields.at("error"), "busy");
  EXPECT_EQ(fields.at("reason"), "5");
  EXPECT_EQ(fields.at("channel"), "PJSIP/100-00000001");
  EXPECT_EQ(fields.at("uniqueid"), "1795693211.1");
  const auto json = json_of(render_json(o));
  EXPECT_EQ(json.at("reason"), 5);
  EXPECT_EQ(json.at("channel"), "PJSIP/100-00000001");
  EXPECT_EQ(json.at("uniqueid"), "1795693211.1");
}

TEST(RenderXml, NoReasonWhenTheRequestDidNotWait) {
  const auto fields = xml_fields(render_xml(success()));
  EXPECT_EQ(fields.count("reason"), 0u);
  EXPECT_EQ(fields.count("channel"), 0u);
  EXPECT_EQ(fields.count("uniqueid"), 0u);
}

TEST(RenderXml, BadInputNamesTheParameterTimeoutNamesTheStep) {
  const auto bad = xml_fields(render_xml(failure(ErrorCode::invalid_parameter, "bad to", "to")));
  EXPECT_EQ(bad.at("parameter"), "to");
  const auto slow = xml_fields(render_xml(failure(ErrorCode::timeout, "no answer", "login")));
  EXPECT_EQ(slow.at("step"), "login");
}

TEST(RenderXml, UnknownActionIsLeftOut) {
  Outcome o = failure(ErrorCode::invalid_parameter, "format must be xml, json or text", "format");
  o.action.reset();
  const auto fields = xml_fields(render_xml(o));
  EXPECT_EQ(fields.count("action"), 0u);
  EXPECT_EQ(fields.at("error"), "invalid_parameter");
}

TEST(RenderXml, MarkupInTextIsEscaped) {
  Outcome o = failure(ErrorCode::action_failed, "Extension <291> & \"co\" > 'x' ]]>", "originate");
  o.action_id = "<id&>";
  const auto xml = render_xml(o);
  EXPECT_EQ(xml.find("<291>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<id&>"), std::string::npos) << xml;
  const auto fields = xml_fields(xml);
  EXPECT_EQ(fields.at("message"), "Extension <291> & \"co\" > 'x' ]]>");
  EXPECT_EQ(fields.at("action_id"), "<id&>");
}

TEST(RenderXml, AmpersandLessAndGreaterThanAreEntities) {
  const auto xml = render_xml(failure(ErrorCode::action_failed, "a & b <c> d", "originate"));
  EXPECT_NE(xml.find("<message>a &amp; b &lt;c&gt; d</message>"), std::string::npos) << xml;
  EXPECT_EQ(xml_fields(xml).at("message"), "a & b <c> d");
}

TEST(RenderXml, OneLineCompactWithTheDeclarationFirst) {
  Outcome o = failure(ErrorCode::busy, "busy", "wait");
  o.reason = 5;
  o.channel = "PJSIP/100-00000001";
  const auto xml = render_xml(o);
  EXPECT_EQ(xml.rfind(R"(<?xml version="1.0" encoding="UTF-8"?><eecall><result>0</result>)", 0),
            0u) << xml;
  EXPECT_EQ(xml.find('\n'), xml.size() - 1) << xml;
  EXPECT_EQ(xml.find("> "), std::string::npos) << xml;
  EXPECT_EQ(xml.substr(xml.size() - 10), "</eecall>\n");
}

TEST(RenderXml, ElementOrderIsFixed) {
  Outcome o = failure(ErrorCode::busy, "busy", "wait");
  o.action_id = "id1";
  o.reason = 5;
  o.channel = "PJSIP/100-00000001";
  o.uniqueid = "1795693211.1";
  const auto xml = render_xml(o);
  std::size_t last = 0;
  for (const char* name : {"<eecall>", "<result>", "<action>", "<error>", "<message>", "<step>",
                           "<action_id>", "<reason>", "<channel>", "<uniqueid>", "<elapsed_ms>",
                           "</eecall>"}) {
    const auto at = xml.find(name);
    ASSERT_NE(at, std::string::npos) << name << " in " << xml;
    EXPECT_GT(at, last) << name << " out of order in " << xml;
    last = at;
  }
}

// Texts a writer may treat specially: empty, only spaces (from control characters too), and
// spaces at the ends. Each must parse back to exactly what was written.
TEST(RenderXml, EmptyAndSpaceOnlyTextsParseBackUnchanged) {
  const std::map<std::string, std::string> cases = {
      {"", ""}, {" ", " "}, {"   ", "   "}, {"\r\n", "  "}, {"  x  ", "  x  "}, {"\t", " "}};
  for (const auto& [raw, expected] : cases) {
    const auto xml = render_xml(failure(ErrorCode::action_failed, raw, "originate"));
    const auto fields = xml_fields(xml);
    ASSERT_TRUE(fields.count("message")) << xml;
    EXPECT_EQ(fields.at("message"), expected) << xml;
    EXPECT_EQ(fields.at("step"), "originate") << xml;
  }
}

// The answer read back by a second, independent parser (PropertyTree's own reader) gives the
// same fields as tinyxml2 does, markup and spaces included.
TEST(RenderXml, RoundTripThroughPropertyTreeReader) {
  namespace pt = boost::property_tree;
  Outcome o = failure(ErrorCode::action_failed, "Extension <291> & \"co\" > 'x' ]]>", "originate");
  o.action_id = "<id&>";
  o.reason = 0;
  o.channel = "   ";
  o.uniqueid = " d\xc3\xa9j\xc3\xa0 ";
  const auto xml = render_xml(o);
  const auto expected = xml_fields(xml);
  std::istringstream in(xml);
  pt::ptree tree;
  ASSERT_NO_THROW(pt::read_xml(in, tree)) << xml;
  std::map<std::string, std::string> read_back;
  for (const auto& [name, child] : tree.get_child("eecall")) read_back[name] = child.data();
  EXPECT_EQ(read_back, expected);
  EXPECT_EQ(read_back.at("message"), "Extension <291> & \"co\" > 'x' ]]>");
  EXPECT_EQ(read_back.at("action_id"), "<id&>");
  EXPECT_EQ(read_back.at("reason"), "0");
  EXPECT_EQ(read_back.at("channel"), "   ");
  EXPECT_EQ(read_back.at("uniqueid"), " d\xc3\xa9j\xc3\xa0 ");
}

TEST(RenderXml, ControlCharactersNeverMakeInvalidXml) {
  std::string nasty = "Internal failure\n\r\x01\x02\x08\x0b\x0c\x1b[31m\x7f end";
  nasty += '\0';
  nasty += "after nul";
  const auto o = failure(ErrorCode::action_failed, nasty, "message\x01");
  const auto xml = render_xml(o);
  const auto fields = xml_fields(xml);
  EXPECT_NE(fields.at("message").find("Internal failure"), std::string::npos);
  for (const char c : fields.at("message")) {
    EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << int(c);
  }
}

TEST(RenderXml, InvalidUtf8FromTheServerNeverMakesInvalidXml) {
  for (const std::string& raw :
       {"Erreur d\xe9" "bordement"s, "\xff\xfe\xfd"s, "trunc\xc3"s, "\xed\xa0\x80 surrogate"s,
        "\xc0\x80 overlong"s, "\x81\x8d\x8f undefined cp1252"s}) {
    const auto xml = render_xml(failure(ErrorCode::action_failed, raw, "originate"));
    const auto fields = xml_fields(xml);
    EXPECT_TRUE(fields.count("message")) << xml;
  }
  // Latin-1 from a server is shown as the text it meant.
  const auto fields = xml_fields(render_xml(failure(ErrorCode::action_failed, "d\xe9j\xe0 vu")));
  EXPECT_EQ(fields.at("message"), "d\xc3\xa9j\xc3\xa0 vu");
}

TEST(RenderXml, NonCharactersFromTheServerNeverMakeInvalidXml) {
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
  const auto xml = render_xml(failure(ErrorCode::action_failed, "a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"));
  const auto fields = xml_fields(xml);
  EXPECT_EQ(fields.at("message").front(), 'a');
  EXPECT_EQ(fields.at("message").back(), 'c');
}

TEST(RenderXml, Utf8IsKept) {
  const auto fields =
      xml_fields(render_xml(failure(ErrorCode::action_failed, "d\xc3\xa9" "bordement \xe2\x82\xac \xf0\x9f\x9a\xb0")));
  EXPECT_EQ(fields.at("message"), "d\xc3\xa9" "bordement \xe2\x82\xac \xf0\x9f\x9a\xb0");
}

// --- JSON ------------------------------------------------------------------------------------

TEST(RenderJson, SuccessFields) {
  const auto text = render_json(success());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  const auto j = json_of(text);
  EXPECT_EQ(j.at("result"), 1);
  EXPECT_EQ(j.at("action"), "call");
  EXPECT_EQ(j.at("message"), "Originate successfully queued");
  EXPECT_EQ(j.at("action_id"), "eecall-1f2e3d-2");
  EXPECT_EQ(j.at("elapsed_ms"), 42);
  EXPECT_FALSE(j.contains("error"));
}

TEST(RenderJson, FailureFields) {
  const auto j = json_of(render_json(failure(ErrorCode::timeout, "no answer in 5000 ms", "login")));
  EXPECT_EQ(j.at("result"), 0);
  EXPECT_EQ(j.at("error"), "timeout");
  EXPECT_EQ(j.at("action"), "message");
  EXPECT_EQ(j.at("step"), "login");
  EXPECT_EQ(j.at("message"), "no answer in 5000 ms");
  EXPECT_EQ(j.at("elapsed_ms"), 1234);
}

TEST(RenderJson, SameFieldsAsXml) {
  Outcome with_id = failure(ErrorCode::action_failed, "Extension does not exist.", "originate");
  with_id.action_id = "x1";
  for (const auto& o : {success(), with_id, duplicate(), rate_limited(),
                        failure(ErrorCode::missing_parameter, "missing to", "to"),
                        failure(ErrorCode::connect_failed, "Connection refused")}) {
    const auto xml = xml_fields(render_xml(o));
    const auto j = json_of(render_json(o));
    std::set<std::string> json_keys;
    for (const auto& [key, value] : j.items()) {
      json_keys.insert(key);
      ASSERT_TRUE(xml.count(key)) << key;
      const std::string as_text = value.is_string() ? value.get<std::string>() : value.dump();
      EXPECT_EQ(as_text, xml.at(key)) << key;
    }
    std::set<std::string> xml_keys;
    for (const auto& [key, value] : xml) xml_keys.insert(key);
    EXPECT_EQ(json_keys, xml_keys);
  }
}

TEST(RenderJson, EscapingAndBrokenTextStillParse) {
  const std::string raw = "quote \" backslash \\ <tag> \x01\n\xff\xfe";
  const auto text = render_json(failure(ErrorCode::action_failed, raw));
  const auto j = json_of(text);
  ASSERT_TRUE(j.is_object());
  EXPECT_NE(j.at("message").get<std::string>().find("quote \" backslash \\ <tag>"),
            std::string::npos);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
}

// --- Text ------------------------------------------------------------------------------------

TEST(RenderText, SuccessLine) {
  const auto line = render_text(success());
  EXPECT_EQ(line.rfind("OK call", 0), 0u) << line;
  EXPECT_NE(line.find("Originate successfully queued"), std::string::npos) << line;
  EXPECT_NE(line.find("42"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
}

TEST(RenderText, FailureLineNamesTheCode) {
  const auto line = render_text(failure(ErrorCode::permission_denied, "Permission denied", "message"));
  EXPECT_EQ(line.rfind("FAILED", 0), 0u) << line;
  EXPECT_NE(line.find("permission_denied"), std::string::npos) << line;
  EXPECT_NE(line.find("Permission denied"), std::string::npos) << line;
}

TEST(RenderText, DuplicateLineSaysSo) {
  const auto line = render_text(duplicate());
  EXPECT_EQ(line.rfind("OK call (duplicate): the same call", 0), 0u) << line;
}

TEST(RenderText, AlwaysOneLine) {
  const auto line = render_text(failure(ErrorCode::action_failed, "Internal failure\n\r\nX\rY"));
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
}

// --- Formats ---------------------------------------------------------------------------------

TEST(Format, ParseFormatAnyCase) {
  EXPECT_EQ(parse_format("xml"), Format::xml);
  EXPECT_EQ(parse_format("XML"), Format::xml);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("Json"), Format::json);
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("TEXT"), Format::text);
  EXPECT_FALSE(parse_format("").has_value());
  EXPECT_FALSE(parse_format("bogus").has_value());
  EXPECT_FALSE(parse_format("xml ").has_value());
  EXPECT_FALSE(parse_format("html").has_value());
}

TEST(Format, ContentTypes) {
  EXPECT_EQ(content_type(Format::xml), "text/xml; charset=utf-8");
  EXPECT_EQ(content_type(Format::json), "application/json");
  EXPECT_EQ(content_type(Format::text), "text/plain; charset=utf-8");
}

TEST(Format, RenderDispatches) {
  const auto o = failure(ErrorCode::timeout, "slow", "banner");
  EXPECT_EQ(render(o, Format::xml), render_xml(o));
  EXPECT_EQ(render(o, Format::json), render_json(o));
  EXPECT_EQ(render(o, Format::text), render_text(o));
}

// Background jobs: the 202 that accepted one (result 1: accepted), and a job's state with the
// outcome of its notify.
Outcome accepted_job() {
  Outcome o;
  o.action = ActionKind::alert;
  o.answer = AnswerKind::job_accepted;
  o.message = "accepted";
  o.job = JobInfo{"0123456789abcdef0123456789abcdef", JobState::queued, {}, std::nullopt};
  o.elapsed = 12ms;
  return o;
}

TEST(RenderJob, TheAcceptedAnswerIsResultOneWithTheJobAndItsState) {
  const auto o = accepted_job();
  EXPECT_EQ(render_xml(o), xml_prefix +
                               "<result>1</result><action>alert</action><message>accepted</message>"
                               "<job>0123456789abcdef0123456789abcdef</job><state>queued</state>"
                               "<elapsed_ms>12</elapsed_ms></eecall>\n");
  EXPECT_EQ(render_json(o), R"({"result":1,"action":"alert","message":"accepted",)"
                            R"("job":"0123456789abcdef0123456789abcdef","state":"queued","elapsed_ms":12})" "\n");
  EXPECT_EQ(render_text(o), "ACCEPTED alert job 0123456789abcdef0123456789abcdef: accepted [12 ms]\n");
}

TEST(RenderJob, AnEndedJobCarriesItsNotify) {
  Outcome o = failure(ErrorCode::not_acknowledged, "nobody acknowledged after 2 calls", "alert");
  o.answer = AnswerKind::job_state;
  o.job = JobInfo{"0123456789abcdef0123456789abcdef", JobState::failed, {}, NotifyReport{"failed", 3, 503, "HTTP 503 (after 3 tries)"}};
  const auto xml = render_xml(o);
  EXPECT_NE(xml.find("<result>0</result>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<state>failed</state>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<notify><state>failed</state><tries>3</tries><http_status>503</http_status>"
                     "<message>HTTP 503 (after 3 tries)</message></notify>"),
            std::string::npos)
      << xml;
  EXPECT_NE(render_text(o).find("; notify failed ["), std::string::npos) << render_text(o);
}

// amd (issue 21): AMD's verdict and cause in every format, and nothing at all without amd.
TEST(RenderAmd, VerdictAndCauseOnlyWhenAmdRan) {
  Outcome o;
  o.action = ActionKind::alert;
  o.message = "110 acknowledged with 1";
  o.attempts = {{"109", AttemptOutcome::voicemail, 2600ms, "answering machine", "MACHINE", "LONGGREETING-1500-1500"},
                {"110", AttemptOutcome::acknowledged, 5200ms, "answered and pressed 1", "HUMAN", "HUMAN-810-800"}};
  const auto j = nlohmann::json::parse(render_json(o));
  EXPECT_EQ(j["attempts"][0]["outcome"], "voicemail");
  EXPECT_EQ(j["attempts"][0]["amd"], "MACHINE");
  EXPECT_EQ(j["attempts"][0]["amd_cause"], "LONGGREETING-1500-1500");
  EXPECT_EQ(j["attempts"][1]["amd"], "HUMAN");
  const auto xml = render_xml(o);
  EXPECT_NE(xml.find("<outcome>voicemail</outcome><seconds>2.6</seconds><message>answering machine</message>"
                     "<amd>MACHINE</amd><amd_cause>LONGGREETING-1500-1500</amd_cause>"),
            std::string::npos)
      << xml;
  EXPECT_NE(render_text(o).find("(109 voicemail 2.6 s amd MACHINE LONGGREETING-1500-1500; 110 acknowledged 5.2 s amd "
                                "HUMAN HUMAN-810-800)"),
            std::string::npos)
      << render_text(o);
  for (auto& a : o.attempts) a.amd_status = a.amd_cause = "";
  EXPECT_EQ(render_json(o).find("amd"), std::string::npos) << render_json(o);
  EXPECT_EQ(render_xml(o).find("<amd"), std::string::npos) << render_xml(o);
  EXPECT_EQ(render_text(o).find(" amd "), std::string::npos) << render_text(o);
}

}  // namespace
}  // namespace eecall
