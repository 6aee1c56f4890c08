// The CGI front end in-process: environment + stdin in, Status/Content-Type + body out, with a
// fake executor standing in for the PBX.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tinyxml2.h>

#include <cstdlib>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eecall/edge/cgi.hpp"
#include "support/fake_pbx.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

using namespace std::string_literals;

const std::string readme_call =
    "exec=eeCall.php&ip=192.168.0.10&port=5038&user=eedomus&secret=xxx&from=100&to=291&msg=&drv=";
const std::string xml_prefix = R"(<?xml version="1.0" encoding="UTF-8"?><eecall>)";

struct Answer {
  std::string raw;
  std::string status_line;  // "200 OK"
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  [[nodiscard]] std::string content_type() const { return header("Content-Type"); }

  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }

  // Text of /eecall/<name>, "" when absent.
  [[nodiscard]] std::string xml(const std::string& name) const {
    tinyxml2::XMLDocument doc;
    if (doc.Parse(body.c_str(), body.size()) != tinyxml2::XML_SUCCESS) {
      ADD_FAILURE() << "body is not XML: " << body;
      return {};
    }
    const auto* root = doc.RootElement();
    if (root == nullptr) return {};
    const auto* e = root->FirstChildElement(name.c_str());
    return e == nullptr || e->GetText() == nullptr ? "" : e->GetText();
  }

  [[nodiscard]] nlohmann::json json() const {
    EXPECT_TRUE(nlohmann::json::accept(body)) << body;
    return nlohmann::json::parse(body, nullptr, false);
  }
};

Answer parse_answer(const std::string& raw) {
  Answer a;
  a.raw = raw;
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) {
    ADD_FAILURE() << "no end of CGI headers in: " << raw;
    return a;
  }
  a.body = raw.substr(end + 4);
  std::istringstream head(raw.substr(0, end + 2));
  std::string line;
  bool first = true;
  while (std::getline(head, line)) {
    if (line.empty() || line.back() != '\r') {
      ADD_FAILURE() << "header line without CRLF: " << line;
      continue;
    }
    line.pop_back();
    const auto colon = line.find(": ");
    if (colon == std::string::npos) {
      ADD_FAILURE() << "malformed header line: " << line;
      continue;
    }
    const auto name = line.substr(0, colon);
    const auto value = line.substr(colon + 2);
    if (first) {
      EXPECT_EQ(name, "Status") << "the first header must be Status";
      first = false;
    }
    EXPECT_FALSE(a.headers.count(name)) << "duplicate header " << name;
    a.headers[name] = value;
  }
  a.status_line = a.header("Status");
  a.status = std::atoi(a.status_line.c_str());
  return a;
}

class Cgi : public ::testing::Test {
 protected:
  Environment base_env(const std::string& method) {
    return {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", method},
            {"SERVER_PROTOCOL", "HTTP/1.1"},  {"SCRIPT_NAME", "/cgi-bin/eecall"},
            {"SERVER_NAME", "localhost"},     {"REMOTE_ADDR", "192.168.0.20"},
            {"EECALL_CONFIG", "/dev/null"},  // never the machine's /etc/eecall
            {"EECALL_STATE_DIR", state.path()}};
  }

  test::ScratchDir state{"cgi-unit"};

  Answer run(const Environment& env, const std::string& input = {}) {
    std::istringstream in(input);
    std::ostringstream out;
    EXPECT_EQ(run_cgi(env, in, out, pbx.executor()), 0);
    return parse_answer(out.str());
  }

  Answer get(const std::string& query, const Environment& extra = {}) {
    auto env = base_env("GET");
    env["QUERY_STRING"] = query;
    for (const auto& [k, v] : extra) env[k] = v;
    return run(env);
  }

  Answer post(const std::string& body,
              const std::string& content_type = "application/x-www-form-urlencoded") {
    auto env = base_env("POST");
    env["QUERY_STRING"] = "";
    env["CONTENT_TYPE"] = content_type;
    env["CONTENT_LENGTH"] = std::to_string(body.size());
    return run(env, body);
  }

  test::FakePbx pbx;
};

TEST(CgiDetect, GatewayInterfaceMeansCgi) {
  EXPECT_TRUE(is_cgi({{"GATEWAY_INTERFACE", "CGI/1.1"}}));
  EXPECT_FALSE(is_cgi({{"PATH", "/usr/bin"}, {"QUERY_STRING", "ip=1.2.3.4"}}));
  EXPECT_FALSE(is_cgi({}));
}

// --- The three scenarios of the old README ---------------------------------------------------

TEST_F(Cgi, ReadmeCallScenario) {
  const auto a = get(readme_call);
  EXPECT_EQ(a.status_line, "200 OK");
  EXPECT_EQ(a.content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(a.body.rfind(xml_prefix + "<result>1</result>", 0), 0u) << a.body;
  EXPECT_EQ(a.xml("action"), "call");
  EXPECT_EQ(a.xml("action_id"), "x1");
  EXPECT_EQ(a.xml("message"), "Originate successfully queued");
  ASSERT_EQ(pbx.requests.size(), 1u);
  const auto& r = pbx.requests[0];
  EXPECT_EQ(r.action, ActionKind::call);
  EXPECT_EQ(r.host, "192.168.0.10");
  EXPECT_EQ(r.port, 5038);
  EXPECT_EQ(r.user, "eedomus");
  EXPECT_EQ(r.secret, "xxx");
  EXPECT_EQ(r.from, "100");
  EXPECT_EQ(r.to, "291");
}

TEST_F(Cgi, ReadmeExternalNumberScenario) {
  const auto a = get("ip=192.168.0.10&port=&user=eedomus&secret=xxx&from=0240404040&to=291&msg=&drv=");
  EXPECT_EQ(a.status, 200);
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].from, "0240404040");
  EXPECT_EQ(pbx.requests[0].port, 5038);
}

TEST_F(Cgi, ReadmeMessageScenarioPlusAndPercent20AreSpaces) {
  const auto a = get("ip=192.168.0.10&port=5038&user=eedomus&secret=xxx&from=eedomus&to=100"
                     "&msg=Alerte+d%C3%A9bordement%20cuve&drv=sip");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.xml("action"), "message");
  ASSERT_EQ(pbx.requests.size(), 1u);
  const auto& r = pbx.requests[0];
  EXPECT_EQ(r.action, ActionKind::message);
  EXPECT_EQ(r.message, "Alerte d\xc3\xa9" "bordement cuve");
  EXPECT_EQ(r.driver, MessageDriver::sip);
  EXPECT_EQ(r.to, "100");
}

TEST_F(Cgi, Latin1PercentE9ReachesTheExecutorAsUtf8) {
  get("ip=pbx.lan&user=eedomus&secret=xxx&to=100&msg=Alerte%20d%E9bordement+cuve&drv=pjsip");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].message, "Alerte d\xc3\xa9" "bordement cuve");
  EXPECT_EQ(pbx.requests[0].from, "eedomus");
  EXPECT_EQ(pbx.requests[0].driver, MessageDriver::pjsip);
}

TEST_F(Cgi, LowerCasePercentEscapes) {
  get("ip=pbx.lan&user=eedomus&secret=xxx&to=100&msg=d%c3%a9j%c3%a0&drv=sip");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].message, "d\xc3\xa9j\xc3\xa0");
}

TEST_F(Cgi, UnencodedLatin1BytesInTheQueryStringAreConverted) {
  get("ip=pbx.lan&user=eedomus&secret=xxx&to=100&msg=d\xe9" "bordement&drv=sip");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].message, "d\xc3\xa9" "bordement");
}

TEST_F(Cgi, EncodedLineBreaksInMsgReachTheExecutorIntact) {
  // They are sent as Base64Body (actions_test); nothing is stripped.
  get("ip=pbx.lan&user=eedomus&secret=xxx&to=100&msg=Niveau%0D%0Ahaut&drv=sip");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].message, "Niveau\r\nhaut");
}

TEST_F(Cgi, EedomusControllerModuleIdIsIgnored) {
  const auto a = get(readme_call + "&eedomus_controller_module_id=1234567");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(pbx.requests.size(), 1u);
}

TEST_F(Cgi, CallFromAlias) {
  get("ip=192.168.0.10&user=eedomus&secret=xxx&call_from=100&to=291");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].from, "100");
}

// --- POST ------------------------------------------------------------------------------------

TEST_F(Cgi, PostFormBody) {
  const auto a = post("ip=192.168.0.10&user=eedomus&secret=xxx&from=eedomus&to=100"
                      "&msg=Alerte+d%E9bordement+cuve&drv=sip");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.xml("result"), "1");
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].message, "Alerte d\xc3\xa9" "bordement cuve");
  EXPECT_EQ(pbx.requests[0].host, "192.168.0.10");
}

TEST_F(Cgi, PostFormBodyWithCharsetParameter) {
  const auto a = post(readme_call, "application/x-www-form-urlencoded; charset=UTF-8");
  EXPECT_EQ(a.status, 200);
  ASSERT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(pbx.requests[0].to, "291");
}

TEST_F(Cgi, PostBodyMissingParameterIs400) {
  const auto a = post("ip=192.168.0.10&user=eedomus&secret=xxx&from=100");
  EXPECT_EQ(a.status_line, "400 Bad Request");
  EXPECT_EQ(a.xml("error"), "missing_parameter");
  EXPECT_EQ(a.xml("parameter"), "to");
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, OversizedPostIsRefusedUnreadWithoutCallingTheExecutor) {
  auto env = base_env("POST");
  env["CONTENT_TYPE"] = "application/x-www-form-urlencoded";
  env["CONTENT_LENGTH"] = std::to_string(max_post_bytes + 1);
  const std::string body = readme_call + "&pad=" + std::string(max_post_bytes, 'x');
  std::istringstream in(body);
  std::ostringstream out;
  EXPECT_EQ(run_cgi(env, in, out, pbx.executor()), 0);
  const auto a = parse_answer(out.str());
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.xml("result"), "0");
  EXPECT_EQ(a.xml("error"), "invalid_parameter");
  EXPECT_TRUE(pbx.requests.empty());
  EXPECT_EQ(in.tellg(), std::streampos(0)) << "the body was read";
}

TEST_F(Cgi, HugeOrNonsenseContentLengthIsRefused) {
  for (const char* length : {"99999999999999999999999", "-1", "12abc"}) {
    auto env = base_env("POST");
    env["CONTENT_TYPE"] = "application/x-www-form-urlencoded";
    env["CONTENT_LENGTH"] = length;
    const auto a = run(env, readme_call);
    EXPECT_EQ(a.status, 400) << length;
  }
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, TruncatedPostBodyStillGetsACompleteAnswer) {
  // The client announced more than it sent (it went away): answer, but never act on half a body.
  auto env = base_env("POST");
  env["CONTENT_TYPE"] = "application/x-www-form-urlencoded";
  env["CONTENT_LENGTH"] = std::to_string(readme_call.size() + 100);
  const auto a = run(env, readme_call);
  EXPECT_NE(a.status, 200);
  EXPECT_EQ(a.xml("result"), "0");
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, PostOfExactlyMaxPostBytesIsRead) {
  std::string body = readme_call + "&pad=";
  body += std::string(max_post_bytes - body.size(), 'x');
  ASSERT_EQ(body.size(), max_post_bytes);
  const auto a = post(body);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(pbx.requests.size(), 1u);
}

// --- Statuses --------------------------------------------------------------------------------

// Issue 19 item 14: a bare /eecall asked for "ip, user, secret" even where URLs may not give them.
TEST_F(Cgi, ABareUrlSaysWhatItTakesAndWhereTheDocsAre) {
  auto a = get("");
  EXPECT_EQ(a.status_line, "400 Bad Request");
  EXPECT_EQ(a.xml("error"), "missing_parameter");
  auto message = a.xml("message");
  for (const char* part : {"from=PHONE&to=EXTENSION", "say=TEXT", "profile=NAME", "ip=, user=, secret=",
                           "docs/usage.md (man eecall)"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << ": " << message;
  }
  const auto config = state.path() + "/no-url-credentials.conf";
  std::ofstream(config) << "[general]\nallow_url_credentials = no\n";
  a = get("", {{"EECALL_CONFIG", config}});
  message = a.xml("message");
  EXPECT_NE(message.find("takes no ip, user or secret in the URL"), std::string::npos) << message;
  EXPECT_EQ(message.find("ip=, user="), std::string::npos) << message;
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, MissingParameterIs400AndNamesThemAll) {
  const auto a = get("ip=192.168.0.10&user=eedomus&msg=&drv=");
  EXPECT_EQ(a.status_line, "400 Bad Request");
  EXPECT_EQ(a.content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(a.body.rfind(xml_prefix + "<result>0</result>", 0), 0u) << a.body;
  EXPECT_EQ(a.xml("error"), "missing_parameter");
  EXPECT_EQ(a.xml("action"), "call");
  const auto message = a.xml("message");
  for (const char* name : {"secret", "from", "to"}) {
    EXPECT_NE(message.find(name), std::string::npos) << message;
  }
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, InvalidParameterIs400) {
  const auto a = get("ip=192.168.0.10&user=eedomus&secret=xxx&from=PJSIP%2F100&to=291");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.xml("error"), "invalid_parameter");
  EXPECT_EQ(a.xml("parameter"), "from");
  EXPECT_TRUE(pbx.requests.empty());
}

struct PbxFailure {
  ErrorCode code;
  std::string status_line;
};

void PrintTo(const PbxFailure& c, std::ostream* os) { *os << error_name(c.code); }

class CgiPbxFailure : public Cgi, public ::testing::WithParamInterface<PbxFailure> {};

TEST_P(CgiPbxFailure, StatusAndBody) {
  pbx.fail_with(GetParam().code, "Asterisk said no", "originate");
  const auto a = get(readme_call);
  EXPECT_EQ(a.status_line, GetParam().status_line);
  EXPECT_EQ(a.content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(a.xml("result"), "0");
  EXPECT_EQ(a.xml("error"), std::string(error_name(GetParam().code)));
  EXPECT_EQ(a.xml("message"), "Asterisk said no");
  EXPECT_EQ(pbx.requests.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Cgi, CgiPbxFailure,
    ::testing::Values(PbxFailure{ErrorCode::resolve_failed, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::connect_failed, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::not_asterisk, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::auth_failed, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::permission_denied, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::action_failed, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::protocol_error, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::busy, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::call_failed, "502 Bad Gateway"},
                      PbxFailure{ErrorCode::timeout, "504 Gateway Timeout"},
                      PbxFailure{ErrorCode::internal_error, "500 Internal Server Error"}));

TEST_F(Cgi, TimeoutNamesTheStep) {
  pbx.fail_with(ErrorCode::timeout, "no banner within 5000 ms", "banner");
  const auto a = get(readme_call);
  EXPECT_EQ(a.status, 504);
  EXPECT_EQ(a.xml("step"), "banner");
}

// --- Format ----------------------------------------------------------------------------------

TEST_F(Cgi, FormatJson) {
  const auto a = get(readme_call + "&format=json");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type(), "application/json");
  const auto j = a.json();
  EXPECT_EQ(j.at("result"), 1);
  EXPECT_EQ(j.at("action"), "call");
  EXPECT_EQ(j.at("action_id"), "x1");
  EXPECT_EQ(pbx.requests.size(), 1u);
}

TEST_F(Cgi, FormatJsonAnyCaseAndOnFailure) {
  const auto a = get("ip=192.168.0.10&format=JSON");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.content_type(), "application/json");
  EXPECT_EQ(a.json().at("error"), "missing_parameter");
}

TEST_F(Cgi, FormatText) {
  const auto a = get(readme_call + "&format=text");
  EXPECT_EQ(a.content_type(), "text/plain; charset=utf-8");
  EXPECT_EQ(a.body.rfind("OK call", 0), 0u) << a.body;
}

TEST_F(Cgi, FormatXmlExplicitAndEmptyFormatIsTheDefault) {
  EXPECT_EQ(get(readme_call + "&format=xml").content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(get(readme_call + "&format=").content_type(), "text/xml; charset=utf-8");
}

TEST_F(Cgi, BogusFormatIs400WithoutCallingTheExecutor) {
  const auto a = get(readme_call + "&format=bogus");
  EXPECT_EQ(a.status_line, "400 Bad Request");
  EXPECT_EQ(a.content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(a.xml("error"), "invalid_parameter");
  EXPECT_EQ(a.xml("parameter"), "format");
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, AcceptApplicationJson) {
  const auto a = get(readme_call, {{"HTTP_ACCEPT", "application/json"}});
  EXPECT_EQ(a.content_type(), "application/json");
  EXPECT_EQ(a.json().at("result"), 1);
}

TEST_F(Cgi, AcceptPreferences) {
  EXPECT_EQ(get(readme_call, {{"HTTP_ACCEPT", "application/json, text/xml;q=0.5"}}).content_type(),
            "application/json");
  EXPECT_EQ(get(readme_call, {{"HTTP_ACCEPT", "text/xml, application/json;q=0.5"}}).content_type(),
            "text/xml; charset=utf-8");
  EXPECT_EQ(get(readme_call, {{"HTTP_ACCEPT", "*/*"}}).content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(get(readme_call, {{"HTTP_ACCEPT", "text/html,application/xhtml+xml"}}).content_type(),
            "text/xml; charset=utf-8");
}

TEST_F(Cgi, FormatParameterBeatsAccept) {
  EXPECT_EQ(get(readme_call + "&format=xml", {{"HTTP_ACCEPT", "application/json"}}).content_type(),
            "text/xml; charset=utf-8");
}

// --- Injection -------------------------------------------------------------------------------

class CgiInjection : public Cgi, public ::testing::WithParamInterface<std::string> {};

TEST_P(CgiInjection, EncodedLineBreakOrNulNeverReachesTheExecutor) {
  const std::string& param = GetParam();
  const std::map<std::string, std::string> good = {
      {"ip", "192.168.0.10"}, {"port", "5038"}, {"user", "eedomus"}, {"secret", "xxx"},
      {"from", "100"},        {"to", "291"},    {"call_from", "100"}};
  for (const char* bad : {"%0D%0A", "%0A", "%0D", "%00", "%0D%0A%0D%0AAction:%20Originate"}) {
    std::string query;
    for (const auto& [name, value] : good) {
      if (name == "call_from" && param != "call_from") continue;
      if (name == "from" && param == "call_from") continue;
      query += name + "=" + value + (name == param ? bad : "") + "&";
    }
    SCOPED_TRACE(query);
    const auto a = get(query);
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.xml("error"), "invalid_parameter");
    EXPECT_EQ(a.xml("parameter"), param);
  }
  EXPECT_TRUE(pbx.requests.empty());
}

INSTANTIATE_TEST_SUITE_P(Cgi, CgiInjection,
                         ::testing::Values("ip", "port", "user", "secret", "from", "call_from",
                                           "to"));

TEST_F(Cgi, EncodedLineBreakInDrvNeverReachesTheExecutor) {
  const auto a = get("ip=pbx.lan&user=eedomus&secret=xxx&to=100&msg=hi&drv=sip%0D%0AAction:%20Command");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.xml("parameter"), "drv");
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, EncodedLineBreakInAPostBodyNeverReachesTheExecutor) {
  const auto a = post("ip=pbx.lan&user=eedomus&secret=xxx&from=100&to=291%0D%0AChannel:%20PJSIP/1");
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(pbx.requests.empty());
}

// --- The secret ------------------------------------------------------------------------------

TEST_F(Cgi, SecretNeverAppearsInTheAnswer) {
  const std::string secret = "Zq9xKw7SecretValue";
  const std::string base = "ip=192.168.0.10&user=eedomus&from=100&to=291&secret=";
  for (const std::string& query :
       {base + secret, base + secret + "&format=json", base + secret + "&format=text",
        base + secret + "%0D%0A", base + "%20" + secret, base + secret + "&to=PJSIP/1",
        "user=eedomus&secret=" + secret, base + secret + "&format=nope"}) {
    SCOPED_TRACE(query);
    const auto a = get(query);
    EXPECT_EQ(a.raw.find(secret), std::string::npos) << a.raw;
  }
  pbx.fail_with(ErrorCode::auth_failed, "Authentication failed", "login");
  const auto a = get(base + secret);
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.raw.find(secret), std::string::npos) << a.raw;
}

// --- Settings --------------------------------------------------------------------------------

TEST_F(Cgi, AdminSettingsReachTheExecutor) {
  const auto a = get(readme_call, {{"EECALL_TIMEOUT", "3"},
                                   {"EECALL_CONTEXT", "eedomus"},
                                   {"EECALL_CHANNEL", "PJSIP/{from}"},
                                   {"EECALL_AUTH", "md5"}});
  EXPECT_EQ(a.status, 200);
  ASSERT_EQ(pbx.settings.size(), 1u);
  EXPECT_EQ(pbx.settings[0].total_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(pbx.settings[0].call.context, "eedomus");
  EXPECT_EQ(pbx.settings[0].call.channel_template, "PJSIP/{from}");
  EXPECT_EQ(pbx.settings[0].auth, ami::AuthMethod::md5);
}

TEST_F(Cgi, MisconfiguredServerIs500NotTheUsersFault) {
  const auto a = get(readme_call, {{"EECALL_TIMEOUT", "forever"}});
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.xml("result"), "0");
  EXPECT_TRUE(pbx.requests.empty());
}

// --- Methods, anti-flood ----------------------------------------------------------------------

const std::string another_call = "ip=192.168.0.10&port=5038&user=eedomus&secret=xxx&from=101&to=291";

TEST_F(Cgi, OnlyGetAndPostActEveryOtherMethodIs405WithAllow) {
  for (const char* method : {"PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT", "get", "Post", ""}) {
    SCOPED_TRACE(method);
    auto env = base_env(method);
    env["QUERY_STRING"] = readme_call;
    const auto a = run(env, readme_call);
    EXPECT_EQ(a.status_line, "405 Method Not Allowed");
    EXPECT_EQ(a.header("Allow"), "GET, POST");
    EXPECT_EQ(a.xml("result"), "0");
    EXPECT_EQ(a.xml("error"), "method_not_allowed");
  }
  EXPECT_TRUE(pbx.requests.empty());
}

// Issue 19 item 14: a 405 was XML whatever format= asked.
TEST_F(Cgi, A405IsAnsweredInTheFormatTheQueryStringAsks) {
  auto env = base_env("PUT");
  env["QUERY_STRING"] = readme_call + "&format=json";
  auto a = run(env);
  EXPECT_EQ(a.status_line, "405 Method Not Allowed");
  EXPECT_EQ(a.content_type(), "application/json");
  EXPECT_NE(a.body.find("\"error\":\"method_not_allowed\""), std::string::npos) << a.body;
  env["QUERY_STRING"] = "format=text&" + readme_call;
  a = run(env);
  EXPECT_EQ(a.content_type().rfind("text/plain", 0), 0u) << a.content_type();
  EXPECT_EQ(a.body.rfind("FAILED", 0), 0u) << a.body;
  env["QUERY_STRING"] = readme_call + "&format=yaml";  // not a format: the Accept header's choice
  EXPECT_EQ(run(env).content_type(), "text/xml; charset=utf-8");
}

TEST_F(Cgi, HeadGetsTheHeadersOfA405AndNoBody) {
  auto env = base_env("HEAD");
  env["QUERY_STRING"] = readme_call;
  const auto a = run(env);
  EXPECT_EQ(a.status_line, "405 Method Not Allowed");
  EXPECT_EQ(a.header("Allow"), "GET, POST");
  EXPECT_EQ(a.content_type(), "text/xml; charset=utf-8");
  EXPECT_EQ(a.body, "");
  EXPECT_TRUE(pbx.requests.empty());
}

TEST_F(Cgi, MethodIsCheckedBeforeTheConfigurationIsRead) {
  auto env = base_env("PUT");
  env["QUERY_STRING"] = readme_call;
  env["EECALL_CONFIG"] = "/nonexistent/eecall.conf";
  EXPECT_EQ(run(env).status, 405);
}

TEST_F(Cgi, BeyondTheRateLimitIs429WithRetryAfterAndNothingReachesThePbx) {
  const Environment limit = {{"EECALL_MAX_ACTIONS_PER_MINUTE", "2"}};
  EXPECT_EQ(get(readme_call, limit).status, 200);
  EXPECT_EQ(get(another_call, limit).status, 200);
  const auto a = get(readme_call, limit);
  EXPECT_EQ(a.status_line, "429 Too Many Requests");
  EXPECT_EQ(a.xml("error"), "rate_limited");
  const int retry = std::atoi(a.header("Retry-After").c_str());
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_EQ(a.xml("retry_after"), a.header("Retry-After"));
  EXPECT_EQ(pbx.requests.size(), 2u);
  EXPECT_EQ(get(readme_call, {{"EECALL_MAX_ACTIONS_PER_MINUTE", "0"}}).status, 200) << "0: no limit";
}

TEST_F(Cgi, TheSameRequestWithinTheRepeatWindowIsADuplicate) {
  const Environment window = {{"EECALL_REPEAT_WINDOW", "60"}};
  EXPECT_EQ(get(readme_call, window).xml("duplicate"), "");
  const auto again = get(readme_call, window);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.xml("result"), "1");
  EXPECT_EQ(again.xml("duplicate"), "1");
  EXPECT_EQ(again.headers.count("Retry-After"), 0u);
  EXPECT_EQ(pbx.requests.size(), 1u);
  EXPECT_EQ(get(another_call, window).xml("duplicate"), "");
  EXPECT_EQ(pbx.requests.size(), 2u);
}

TEST_F(Cgi, AFailedRequestIsNoDuplicateItsRetryActs) {
  const Environment window = {{"EECALL_REPEAT_WINDOW", "60"}};
  pbx.fail_with(ErrorCode::connect_failed, "Connection refused", "connect");
  EXPECT_EQ(get(readme_call, window).status, 502);
  pbx.reply.error = ErrorCode::none;
  const auto retry = get(readme_call, window);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.xml("duplicate"), "");
  EXPECT_EQ(pbx.requests.size(), 2u);
}

TEST_F(Cgi, AnIpOutsideAllowHostsIs403AndNeverReachesThePbx) {
  const auto a = get(readme_call, {{"EECALL_ALLOW_HOSTS", "127.0.0.1, ::1"}});
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.xml("error"), "forbidden");
  EXPECT_EQ(a.xml("step"), "ip");
  EXPECT_TRUE(pbx.requests.empty());
  EXPECT_EQ(get(readme_call, {{"EECALL_ALLOW_HOSTS", "192.168.0.0/24"}}).status, 200);
}

// --- Shape of the answer ---------------------------------------------------------------------

TEST_F(Cgi, AnswerIsStatusThenContentTypeThenBody) {
  const auto a = get(readme_call);
  EXPECT_EQ(a.raw.rfind("Status: 200 OK\r\n", 0), 0u) << a.raw;
  EXPECT_NE(a.raw.find("\r\nContent-Type: text/xml; charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(a.body.back(), '\n');
  EXPECT_EQ(a.body.find(xml_prefix), 0u);
}

}  // namespace
}  // namespace eecall
