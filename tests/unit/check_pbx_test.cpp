// The judging of the PBX's side of `eecall --check` (check_pbx.cpp): each check's ✔, ✘ and ? from
// what the PBX answered, and the questions asked for each use.
#include "eecall/checkup/check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace eecall {
namespace {

using ami::Answer;
using ami::Message;
using ami::ProbeFacts;
using namespace std::chrono_literals;

PbxTarget lab_pbx(std::string user = "eedomus") {
  PbxTarget p;
  p.host = "127.0.0.1";
  p.port = 5038;
  p.user = std::move(user);
  return p;
}

CheckUse call_use(std::string from = "100", std::string to = "291", bool wait = false) {
  CheckUse u;
  u.action = ActionKind::call;
  if (!from.empty()) u.phones = {from};
  u.target = std::move(to);
  u.wait = wait;
  return u;
}

CheckUse alert_use(std::vector<std::string> phones = {"105"}) {
  CheckUse u;
  u.action = ActionKind::alert;
  u.phones = std::move(phones);
  u.ack = true;
  u.prompt = PromptKind::say;
  return u;
}

CheckUse message_use(std::vector<std::string> phones, MessageDriver driver = MessageDriver::pjsip) {
  CheckUse u;
  u.action = ActionKind::message;
  u.phones = std::move(phones);
  u.driver = driver;
  return u;
}

Answer ok(Message response, std::vector<Message> events = {}) {
  return ami::Reply{std::move(response), std::move(events)};
}
Answer error(ErrorCode code, std::string text) { return Failure{code, std::move(text), "check"}; }
Answer denied() { return error(ErrorCode::permission_denied, "Permission denied"); }

// What ListCommands answers for a user who may send these actions.
Answer commands(std::initializer_list<const char*> actions) {
  Message m{{"Response", "Success"}, {"ActionID", "x"}};
  for (const char* a : {"Challenge", "Events", "ListCommands", "Login", "Logoff", "Ping"})
    m.add(a, "...  (Priv: <none>)");
  for (const char* a : actions) m.add(a, "...  (Priv: ...)");
  return ok(std::move(m));
}

// A logged-in session that answered everything the use asks with Success.
ProbeFacts logged_in(std::initializer_list<const char*> actions = {"Originate", "MessageSend", "Hangup"}) {
  ProbeFacts f;
  f.banner = "Asterisk Call Manager/9.0.0";
  f.local_address = "127.0.0.1";
  f.remote_address = "127.0.0.1";
  f.commands = commands(actions);
  f.core_settings = ok({{"Response", "Success"}, {"AMIversion", "9.0.0"}, {"AsteriskVersion", "20.20.1"}});
  return f;
}

// A copy: the items are often a temporary report.
CheckItem find(const std::vector<CheckItem>& items, const std::string& name) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const CheckItem& c) { return c.name == name; });
  if (it == items.end()) throw std::runtime_error("no check named " + name);
  return *it;
}

bool has(const std::vector<CheckItem>& items, const std::string& name) {
  return std::any_of(items.begin(), items.end(), [&](const CheckItem& c) { return c.name == name; });
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- connection, banner, login ---------------------------------------------------------------

TEST(CheckConnection, RefusedNamesAmiSettingsAndForAnotherHostBindaddr) {
  ProbeFacts f;
  f.open_failure =
      Failure{ErrorCode::connect_failed, "cannot connect to 192.0.2.10 port 5038: Connection refused", "connect"};
  auto pbx = lab_pbx();
  pbx.host = "192.0.2.10";
  const auto items = judge_pbx(call_use(), pbx, f);
  ASSERT_EQ(items.size(), 1u) << "nothing beyond the connection was asked";
  EXPECT_EQ(items[0].status, CheckStatus::failed);
  EXPECT_EQ(items[0].error, ErrorCode::connect_failed);
  EXPECT_TRUE(contains(items[0].fix, "Manager (AMI): Yes")) << items[0].fix;
  EXPECT_TRUE(contains(items[0].fix, "bindaddr = 127.0.0.1 refuses every other host")) << items[0].fix;
  // On the PBX itself, bindaddr cannot be the reason.
  EXPECT_FALSE(contains(judge_pbx(call_use(), lab_pbx(), f)[0].fix, "bindaddr"));
}

// Issue 19 item 9: a wrong port in the request was answered "manager.conf needs port = 5040".
TEST(CheckConnection, RefusedAsksWhetherTheGivenPortIsTheAmiPortFirst) {
  ProbeFacts f;
  f.open_failure =
      Failure{ErrorCode::connect_failed, "cannot connect to 127.0.0.1 port 5040: Connection refused", "connect"};
  auto pbx = lab_pbx();
  pbx.port = 5040;
  const auto fix = judge_pbx(call_use(), pbx, f)[0].fix;
  EXPECT_TRUE(contains(fix, "is 5040 the PBX's AMI port? It is 5038 unless")) << fix;
  EXPECT_TRUE(contains(fix, "port= or --port, or the profile's port, gave 5040")) << fix;
  EXPECT_FALSE(contains(fix, "port = 5040")) << "never advise changing manager.conf to the port given: " << fix;
}

TEST(CheckSilentPort, OnlyTheKindOfTheFirstBytesCounts) {
  EXPECT_EQ(classify_answer("HTTP/1.1 400 Bad Request\r\n"), SilentPort::http);
  EXPECT_EQ(classify_answer(std::string("\x15\x03\x03\x00\x02\x02\x28", 7)), SilentPort::tls);
  EXPECT_EQ(classify_answer(std::string("\x16\x03\x03\x00\x5d", 5)), SilentPort::tls);
  EXPECT_EQ(classify_answer("220 mail ESMTP"), SilentPort::other);
  EXPECT_EQ(classify_answer(""), SilentPort::unknown);
}

TEST(CheckConnection, TimeoutPointsAtAFirewall) {
  ProbeFacts f;
  f.open_failure = Failure{ErrorCode::timeout, "no progress within 5000 ms while waiting for connect", "connect"};
  const auto items = judge_pbx(call_use(), lab_pbx(), f);
  EXPECT_EQ(items[0].error, ErrorCode::timeout);
  EXPECT_TRUE(contains(items[0].fix, "firewall")) << items[0].fix;
  EXPECT_TRUE(contains(items[0].fix, "nc -zv 127.0.0.1 5038")) << items[0].fix;
}

TEST(CheckConnection, UnresolvedNameSuggestsTheAddress) {
  ProbeFacts f;
  f.open_failure = Failure{ErrorCode::resolve_failed, "cannot resolve 'pbx.lan': Name or service not known", "resolve"};
  auto pbx = lab_pbx();
  pbx.host = "pbx.lan";
  const auto items = judge_pbx(call_use(), pbx, f);
  EXPECT_EQ(items[0].name, "connection");
  EXPECT_EQ(items[0].error, ErrorCode::resolve_failed);
  EXPECT_TRUE(contains(items[0].fix, "getent hosts pbx.lan")) << items[0].fix;
}

TEST(CheckAmi, NotAsteriskAndSilentPorts) {
  ProbeFacts f;
  f.open_failure =
      Failure{ErrorCode::not_asterisk, "the server at that address is not an Asterisk Manager Interface", "banner"};
  auto items = judge_pbx(call_use(), lab_pbx(), f);
  EXPECT_EQ(find(items, "connection").status, CheckStatus::ok);
  EXPECT_EQ(find(items, "ami").status, CheckStatus::failed);
  EXPECT_EQ(find(items, "ami").error, ErrorCode::not_asterisk);
  EXPECT_FALSE(has(items, "login"));

  // Issue 19 item 9: a silent port is TLS only when it answered a TLS hello (or is 5039).
  f.open_failure = Failure{ErrorCode::timeout, "no progress within 5000 ms while waiting for banner", "banner"};
  items = judge_pbx(call_use(), lab_pbx(), f);
  EXPECT_FALSE(contains(find(items, "ami").fix, "tls = yes")) << find(items, "ami").fix;
  EXPECT_TRUE(contains(find(items, "ami").fix, "answered no TLS hello either")) << find(items, "ami").fix;
  items = judge_pbx(call_use(), lab_pbx(), f, SilentPort::tls);
  EXPECT_TRUE(contains(find(items, "ami").fix, "speaks TLS")) << find(items, "ami").fix;
  EXPECT_TRUE(contains(find(items, "ami").fix, "set tls = yes")) << find(items, "ami").fix;
  items = judge_pbx(call_use(), lab_pbx(), f, SilentPort::http);
  EXPECT_TRUE(contains(find(items, "ami").fix, "port 5038 is not AMI (it answered HTTP")) << find(items, "ami").fix;
  EXPECT_FALSE(contains(find(items, "ami").fix, "tls = yes")) << find(items, "ami").fix;
  items = judge_pbx(call_use(), lab_pbx(), f, SilentPort::other);
  EXPECT_TRUE(contains(find(items, "ami").fix, "answered neither AMI, HTTP nor TLS")) << find(items, "ami").fix;
  auto tls_port = lab_pbx();
  tls_port.port = 5039;
  items = judge_pbx(call_use(), tls_port, f);
  EXPECT_TRUE(contains(find(items, "ami").fix, "set tls = yes")) << find(items, "ami").fix;

  f.open_failure = Failure{ErrorCode::protocol_error,
                           "the AMI server closed the connection while we waited for the banner reply", "banner"};
  items = judge_pbx(call_use(), lab_pbx(), f);
  EXPECT_TRUE(contains(find(items, "ami").fix, "authlimit")) << find(items, "ami").fix;
}

TEST(CheckLogin, RefusedLoginNamesSecretAndPermitWithThisHostsAddress) {
  ProbeFacts f;
  f.open_failure = Failure{ErrorCode::auth_failed, "Authentication failed", "login"};
  f.open_elapsed = 1004ms;
  f.local_address = "192.0.2.7";
  const auto items = judge_pbx(call_use(), lab_pbx(), f);
  const auto& login = find(items, "login");
  EXPECT_EQ(login.status, CheckStatus::failed);
  EXPECT_EQ(login.error, ErrorCode::auth_failed);
  EXPECT_TRUE(contains(login.found, "after 1.0 s")) << login.found;
  EXPECT_TRUE(contains(login.fix, "permit = 192.0.2.7/255.255.255.255")) << login.fix;
  EXPECT_TRUE(contains(login.fix, "failed to pass IP ACL")) << login.fix;
  EXPECT_TRUE(contains(login.fix, "[eedomus]")) << login.fix;
  EXPECT_EQ(find(items, "ami").found, "an Asterisk Manager Interface answers") << "no banner before the login";
}

TEST(CheckLogin, RefusedChallengeSuggestsPlain) {
  ProbeFacts f;
  f.open_failure = Failure{ErrorCode::auth_failed, "MD5 challenge refused (auth = plain may work)", "challenge"};
  const auto& login = find(judge_pbx(call_use(), lab_pbx(), f), "login");
  EXPECT_TRUE(contains(login.fix, "auth = plain")) << login.fix;
}

TEST(CheckLogin, SuccessShowsTheBannerAndTheMethod) {
  const auto items = judge_pbx(call_use(), lab_pbx(), logged_in());
  EXPECT_EQ(find(items, "ami").found, "Asterisk Call Manager/9.0.0");
  EXPECT_EQ(find(items, "login").status, CheckStatus::ok);
  EXPECT_TRUE(contains(find(items, "login").found, "MD5"));
  auto plain = lab_pbx();
  plain.auth = ami::AuthMethod::plain;
  EXPECT_TRUE(contains(find(judge_pbx(call_use(), plain, logged_in()), "login").found, "plain"));
}

// --- rights ----------------------------------------------------------------------------------

TEST(CheckRights, EachUseNeedsItsActions) {
  EXPECT_EQ(find(judge_pbx(call_use(), lab_pbx(), logged_in({"Originate"})), "rights").status, CheckStatus::ok);
  EXPECT_EQ(find(judge_pbx(message_use({"100"}), lab_pbx(), logged_in({"MessageSend"})), "rights").status,
            CheckStatus::ok);
  const auto& alert = find(judge_pbx(alert_use(), lab_pbx(), logged_in({"Originate"})), "rights");
  EXPECT_EQ(alert.status, CheckStatus::failed);
  EXPECT_TRUE(contains(alert.found, "Hangup")) << alert.found;
  EXPECT_TRUE(contains(alert.fix, "add call to the write = line of [eedomus]")) << alert.fix;
  EXPECT_TRUE(contains(alert.fix, "write = originate,call")) << alert.fix;
}

// issue 21: amd needs system (an Originate into AGI, u4: shown by ModuleCheck, granted by system
// alone) and agi (the AGI action); a waited call also call (its Redirect to `to`).
TEST(CheckRights, AmdNeedsSystemAndAgi) {
  auto alert = alert_use();
  alert.amd = true;
  const auto& alertonly = find(judge_pbx(alert, lab_pbx("alertonly"), logged_in({"Originate", "Hangup"})), "rights");
  EXPECT_EQ(alertonly.status, CheckStatus::failed);
  EXPECT_TRUE(contains(alertonly.found, "lacks system,agi")) << alertonly.found;
  EXPECT_TRUE(contains(alertonly.fix, "write = originate,call,system,agi")) << alertonly.fix;
  const auto all = logged_in({"Originate", "Hangup", "Redirect", "ModuleCheck", "AGI"});
  EXPECT_EQ(find(judge_pbx(alert, lab_pbx(), all), "rights").status, CheckStatus::ok);

  auto call = call_use("109", "100", true);
  call.amd = true;
  const auto& no_redirect = find(judge_pbx(call, lab_pbx(), logged_in({"Originate", "ModuleCheck", "AGI"})), "rights");
  EXPECT_EQ(no_redirect.status, CheckStatus::failed);
  EXPECT_TRUE(contains(no_redirect.found, "Redirect")) << no_redirect.found;
  EXPECT_EQ(find(judge_pbx(call, lab_pbx(), all), "rights").status, CheckStatus::ok);
  // Without amd a waited call still needs only originate.
  EXPECT_EQ(find(judge_pbx(call_use("109", "100", true), lab_pbx(), logged_in({"Originate"})), "rights").status,
            CheckStatus::ok);
}

TEST(CheckEvents, AmdAsksAgiEventsNotDialplanAndSaysAgiIsNotProbed) {
  const ami::CallSettings settings;
  auto alert = alert_use();
  alert.amd = true;
  const auto q = questions_for(alert, settings);
  EXPECT_EQ(q.events, ami::LoginEvents::call_agi);
  EXPECT_TRUE(q.call_events);
  EXPECT_FALSE(q.dialplan_events) << "amd reads its variables with GET VARIABLE, not VarSet";
  auto call = call_use("109", "100", true);
  call.amd = true;
  const auto c = questions_for(call, settings);
  EXPECT_EQ(c.events, ami::LoginEvents::call_agi);
  EXPECT_EQ(c.modules, (std::vector<std::string>{"res_agi", "app_amd"}));
  const auto& agi = find(judge_pbx(call, lab_pbx(), logged_in()), "events agi");
  EXPECT_EQ(agi.status, CheckStatus::unknown);
  EXPECT_FALSE(agi.needed);
  EXPECT_TRUE(contains(agi.fix, "read = call,agi")) << agi.fix;
}

TEST(CheckRights, ReadonlyUserIsToldTheMissingWriteClass) {
  const auto items = judge_pbx(call_use(), lab_pbx("readonly"), logged_in({}));
  const auto& rights = find(items, "rights");
  EXPECT_EQ(rights.status, CheckStatus::failed);
  EXPECT_EQ(rights.error, ErrorCode::permission_denied);
  EXPECT_TRUE(contains(rights.found, "lacks originate")) << rights.found;
  EXPECT_TRUE(contains(rights.fix, "add originate to the write = line of [readonly] in manager.conf")) << rights.fix;
  const auto& message = find(judge_pbx(message_use({"100"}), lab_pbx("readonly"), logged_in({})), "rights");
  EXPECT_TRUE(contains(message.fix, "write = message")) << message.fix;
}

TEST(CheckRights, ActionNamesAreCaseInsensitive) {
  EXPECT_EQ(find(judge_pbx(call_use(), lab_pbx(), logged_in({"originate"})), "rights").status, CheckStatus::ok);
}

TEST(CheckRights, NoListIsUnknown) {
  auto f = logged_in();
  f.commands = error(ErrorCode::timeout, "no progress within 5000 ms while waiting for check");
  const auto& rights = find(judge_pbx(call_use(), lab_pbx(), f), "rights");
  EXPECT_EQ(rights.status, CheckStatus::unknown);
  EXPECT_TRUE(contains(rights.fix, "manager show user eedomus")) << rights.fix;
}

// --- events ----------------------------------------------------------------------------------

TEST(CheckEvents, ArrivedMissedOrNotAskable) {
  auto f = logged_in();
  f.call_events = ami::EventProbe{ok({{"Response", "Success"}}), 3ms};
  f.dialplan_events = ami::EventProbe{ok({{"Response", "Success"}}), std::nullopt};
  auto items = judge_pbx(alert_use(), lab_pbx("alertonly"), f);
  EXPECT_EQ(find(items, "events call").status, CheckStatus::ok);
  const auto& dialplan = find(items, "events dialplan");
  EXPECT_EQ(dialplan.status, CheckStatus::failed);
  EXPECT_TRUE(contains(dialplan.found, "no VarSet event")) << dialplan.found;
  EXPECT_TRUE(contains(dialplan.fix, "add dialplan to the read = line of [alertonly]")) << dialplan.fix;

  f.call_events = ami::EventProbe{denied(), std::nullopt};
  items = judge_pbx(alert_use(), lab_pbx("alertonly"), f);
  EXPECT_EQ(find(items, "events call").status, CheckStatus::unknown);
  EXPECT_TRUE(contains(find(items, "events call").fix, "read = call")) << find(items, "events call").fix;
}

TEST(CheckEvents, OnlyAskedEventsAreJudged) {
  const auto items = judge_pbx(call_use(), lab_pbx(), logged_in());
  EXPECT_FALSE(has(items, "events call"));
  EXPECT_FALSE(has(items, "events dialplan"));
}

// --- version, modules ------------------------------------------------------------------------

TEST(CheckVersion, FromCoreSettingsOrUnknownButNeverNeeded) {
  auto f = logged_in();
  auto version = find(judge_pbx(call_use(), lab_pbx(), f), "asterisk");
  EXPECT_EQ(version.status, CheckStatus::ok);
  EXPECT_EQ(version.found, "Asterisk 20.20.1 (AMI 9.0.0)");
  EXPECT_FALSE(version.needed);
  f.core_settings = denied();
  version = find(judge_pbx(call_use(), lab_pbx(), f), "asterisk");
  EXPECT_EQ(version.status, CheckStatus::unknown);
  EXPECT_TRUE(contains(version.found, "AMI 9.0.0")) << version.found;
  EXPECT_FALSE(version.needed);
}

TEST(CheckModules, LoadedNotLoadedOrNotAskable) {
  auto f = logged_in();
  f.modules = {{"app_read", ok({{"Response", "Success"}, {"Version", ""}})},
               {"format_wav", error(ErrorCode::action_failed, "Module not loaded")},
               {"app_playback", denied()}};
  const auto items = judge_pbx(alert_use(), lab_pbx(), f);
  EXPECT_EQ(find(items, "module app_read").status, CheckStatus::ok);
  const auto& wav = find(items, "module format_wav");
  EXPECT_EQ(wav.status, CheckStatus::failed);
  EXPECT_TRUE(contains(wav.fix, "module load format_wav.so")) << wav.fix;
  EXPECT_TRUE(contains(wav.fix, "noload => format_wav.so")) << wav.fix;
  const auto& playback = find(items, "module app_playback");
  EXPECT_EQ(playback.status, CheckStatus::unknown);
  EXPECT_TRUE(contains(playback.fix, "module show like app_playback")) << playback.fix;
}

// --- dialplan --------------------------------------------------------------------------------

TEST(CheckDialplan, ExistsMissingOrNotAskable) {
  auto f = logged_in();
  f.extensions = {
      {{"from-internal", "100"}, ok({{"Response", "Success"}, {"Message", "Originate successfully queued"}})},
      {{"from-internal", "999"}, error(ErrorCode::action_failed, "Extension does not exist.")}};
  auto items = judge_pbx(call_use("100", "999"), lab_pbx(), f);
  EXPECT_EQ(find(items, "dialplan 100").status, CheckStatus::ok);
  EXPECT_TRUE(contains(find(items, "dialplan 100").found, "Local/100@from-internal"))
      << find(items, "dialplan 100").found;
  const auto& missing = find(items, "dialplan 999");
  EXPECT_EQ(missing.status, CheckStatus::failed);
  EXPECT_EQ(missing.error, ErrorCode::action_failed);
  EXPECT_TRUE(contains(missing.found, "the call's target") || contains(missing.found, "Extension does not exist."));
  EXPECT_TRUE(contains(missing.fix, "context =")) << missing.fix;

  f.extensions = {{{"from-internal", "291"}, denied()}};
  items = judge_pbx(call_use("", "291"), lab_pbx("readonly"), f);
  EXPECT_EQ(find(items, "dialplan 291").status, CheckStatus::unknown);
  EXPECT_TRUE(contains(find(items, "dialplan 291").fix, "dialplan show 291@from-internal"));
}

// --- phones ----------------------------------------------------------------------------------

Answer endpoint(const std::string& name, const std::string& state,
                std::vector<std::pair<std::string, std::string>> contacts, bool aor_contact = true) {
  std::vector<Message> events;
  events.push_back({{"Event", "EndpointDetail"}, {"ObjectName", name}, {"DeviceState", state}});
  events.push_back({{"Event", "AorDetail"}, {"Contacts", aor_contact ? name + "/sip:" + name + "@h" : ""}});
  for (const auto& [uri, status] : contacts) {
    events.push_back({{"Event", "ContactStatusDetail"}, {"URI", uri}, {"Status", status}});
  }
  events.push_back({{"Event", "EndpointDetailComplete"}, {"EventList", "Complete"}});
  return ok({{"Response", "Success"}, {"EventList", "start"}}, std::move(events));
}

TEST(CheckPhones, PjsipEndpointsOfAMessage) {
  auto f = logged_in();
  f.pjsip_endpoints = {{"100", endpoint("100", "Not in use", {{"sip:100@h", "Reachable"}})},
                       {"101", endpoint("101", "Not in use", {{"sip:101@h", "NonQualified"}})},
                       {"102", endpoint("102", "Unavailable", {{"sip:102@h", "Unreachable"}})},
                       {"103", endpoint("103", "Unavailable", {}, false)},
                       {"104", endpoint("104", "Unknown", {{"sip:104@h", "Unknown"}})},
                       {"999", error(ErrorCode::action_failed, "Unable to retrieve endpoint 999")}};
  const auto items = judge_pbx(message_use({"100", "101", "102", "103", "104", "999"}), lab_pbx(), f);
  EXPECT_EQ(find(items, "phone 100").status, CheckStatus::ok);
  EXPECT_EQ(find(items, "phone 101").status, CheckStatus::ok);
  EXPECT_TRUE(contains(find(items, "phone 101").found, "not qualified"));
  EXPECT_EQ(find(items, "phone 102").status, CheckStatus::failed);
  EXPECT_TRUE(contains(find(items, "phone 102").found, "unreachable"));
  EXPECT_EQ(find(items, "phone 103").status, CheckStatus::failed);
  EXPECT_TRUE(contains(find(items, "phone 103").found, "not registered"));
  EXPECT_EQ(find(items, "phone 104").status, CheckStatus::unknown);
  EXPECT_EQ(find(items, "phone 999").status, CheckStatus::failed);
  for (const char* phone : {"phone 100", "phone 102", "phone 103", "phone 999"}) {
    EXPECT_TRUE(find(items, phone).needed) << phone << ": a message needs its phone";
  }
}

TEST(CheckPhones, ThroughTheDialplanAnUnknownEndpointIsOnlyUnknown) {
  auto f = logged_in();
  f.pjsip_endpoints = {{"0612345678", error(ErrorCode::action_failed, "Unable to retrieve endpoint 0612345678")}};
  const auto& phone = find(judge_pbx(call_use("0612345678", "291"), lab_pbx(), f), "phone 0612345678");
  EXPECT_EQ(phone.status, CheckStatus::unknown);
  EXPECT_FALSE(phone.needed);
  EXPECT_TRUE(contains(phone.found, "outside number")) << phone.found;
}

TEST(CheckPhones, WithoutTheRightOrWithoutTheDriver) {
  auto f = logged_in();
  f.pjsip_endpoints = {{"100", denied()}};
  auto items = judge_pbx(message_use({"100"}), lab_pbx(), f);
  EXPECT_EQ(find(items, "phone 100").status, CheckStatus::unknown);
  EXPECT_TRUE(contains(find(items, "phone 100").fix, "pjsip show endpoint 100"));
  f.pjsip_endpoints = {{"100", error(ErrorCode::action_failed,
                                     "Invalid/unknown command: PJSIPShowEndpoint. Use Action: ListCommands to show "
                                     "available commands.")}};
  items = judge_pbx(message_use({"100"}), lab_pbx(), f);
  EXPECT_EQ(find(items, "phone 100").status, CheckStatus::failed);
  EXPECT_TRUE(contains(find(items, "phone 100").found, "res_pjsip is not loaded")) << find(items, "phone 100").found;
}

TEST(CheckPhones, ChanSipPeers) {
  auto f = logged_in();
  const auto peer = [](std::string status, std::string address) {
    return ok({{"Response", "Success"},
               {"ObjectName", "x"},
               {"Address-IP", std::move(address)},
               {"Address-Port", "5060"},
               {"Status", std::move(status)}});
  };
  f.sip_peers = {{"100", peer("OK (12 ms)", "192.0.2.5")},
                 {"101", peer("Unmonitored", "127.0.0.1")},
                 {"102", peer("UNREACHABLE", "192.0.2.6")},
                 {"103", peer("UNKNOWN", "(null)")},
                 {"999", error(ErrorCode::action_failed, "Peer 999 not found.")}};
  const auto items = judge_pbx(message_use({"100", "101", "102", "103", "999"}, MessageDriver::sip), lab_pbx(), f);
  EXPECT_EQ(find(items, "phone 100").status, CheckStatus::ok);
  EXPECT_EQ(find(items, "phone 101").status, CheckStatus::ok);
  EXPECT_EQ(find(items, "phone 102").status, CheckStatus::failed);
  EXPECT_EQ(find(items, "phone 103").status, CheckStatus::failed);
  EXPECT_TRUE(contains(find(items, "phone 103").found, "not registered"));
  EXPECT_EQ(find(items, "phone 999").status, CheckStatus::failed);
  EXPECT_TRUE(contains(find(items, "phone 999").fix, "drv=pjsip"));
}

// --- what is asked ---------------------------------------------------------------------------

TEST(CheckQuestions, RouteOfTheChannelTemplate) {
  ami::CallSettings call;
  EXPECT_EQ(phone_route(call).kind, PhoneRoute::Kind::dialplan);
  EXPECT_EQ(phone_route(call).context, "from-internal");
  call.channel_template = "Local/{from}@outbound/n";
  EXPECT_EQ(phone_route(call).context, "outbound");
  call.channel_template = "PJSIP/{from}";
  EXPECT_EQ(phone_route(call).kind, PhoneRoute::Kind::pjsip);
  call.channel_template = "SIP/{from}";
  EXPECT_EQ(phone_route(call).kind, PhoneRoute::Kind::sip);
  call.channel_template = "PJSIP/{from}@trunk";
  EXPECT_EQ(phone_route(call).kind, PhoneRoute::Kind::other);
}

TEST(CheckQuestions, EachUseAsksWhatItNeeds) {
  const ami::CallSettings call;
  auto q = questions_for(call_use("100", "291"), call);
  EXPECT_EQ(q.events, ami::LoginEvents::off);
  EXPECT_FALSE(q.call_events);
  EXPECT_TRUE(q.modules.empty());
  EXPECT_EQ(q.extensions, (std::vector<ami::DialplanTarget>{{"from-internal", "100"}, {"from-internal", "291"}}));
  EXPECT_EQ(q.pjsip_endpoints, std::vector<std::string>{"100"});

  q = questions_for(call_use("100", "100", true), call);
  EXPECT_EQ(q.events, ami::LoginEvents::call);
  EXPECT_TRUE(q.call_events);
  EXPECT_EQ(q.extensions.size(), 1u) << "one extension asked once";

  auto alert = alert_use({"100", "105"});
  q = questions_for(alert, call);
  EXPECT_EQ(q.events, ami::LoginEvents::call_dialplan);
  EXPECT_TRUE(q.call_events && q.dialplan_events);
  EXPECT_EQ(q.modules, (std::vector<std::string>{"app_read", "format_wav"}));
  alert.ack = false;
  alert.prompt = PromptKind::play;
  EXPECT_EQ(questions_for(alert, call).modules, std::vector<std::string>{"app_playback"});
  alert.amd = true;  // issue 21: AsyncAGI and AMD must be loaded
  EXPECT_EQ(questions_for(alert, call).modules, (std::vector<std::string>{"app_playback", "res_agi", "app_amd"}));

  q = questions_for(message_use({"100", "101"}), call);
  EXPECT_EQ(q.modules, std::vector<std::string>{"res_pjsip_messaging"});
  EXPECT_TRUE(q.extensions.empty());
  EXPECT_EQ(q.pjsip_endpoints, (std::vector<std::string>{"100", "101"}));
  q = questions_for(message_use({"100"}, MessageDriver::sip), call);
  EXPECT_EQ(q.modules, std::vector<std::string>{"chan_sip"});
  EXPECT_EQ(q.sip_peers, std::vector<std::string>{"100"});

  ami::CallSettings direct;
  direct.channel_template = "PJSIP/{from}";
  q = questions_for(call_use("100", "291"), direct);
  EXPECT_EQ(q.modules, std::vector<std::string>{"chan_pjsip"});
  EXPECT_EQ(q.extensions, (std::vector<ami::DialplanTarget>{{"from-internal", "291"}}));
}

}  // namespace
}  // namespace eecall
