// The PBX's side of a check: what to ask (questions_for) and what the answers mean
// (judge_pbx). Pure functions of the probe's facts; every text a user reads is here.
#include <algorithm>
#include <set>

#include "eecall/checkup/check.hpp"
#include "eecall/util/text.hpp"

namespace eecall {

namespace {

using ami::Answer;

CheckItem item(std::string name, CheckStatus status, std::string found, std::string fix = {}, bool needed = true,
               ErrorCode error = ErrorCode::none) {
  return {std::move(name), status, std::move(found), std::move(fix), needed, error};
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string_view article(ActionKind action) { return action == ActionKind::alert ? "an" : "a"; }

std::string where(const PbxTarget& pbx) {
  const bool v6 = pbx.host.find(':') != std::string::npos;
  return (v6 ? "[" + pbx.host + "]" : pbx.host) + ":" + std::to_string(pbx.port);
}

std::string seconds(std::chrono::milliseconds ms) {
  const auto tenths = (ms.count() + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

// What manager.conf (FreePBX: Settings -> Asterisk Manager Users) must say for a right.
std::string grant(const PbxTarget& pbx, std::string_view direction, std::string_view classes) {
  return "add " + std::string(classes) + " to the " + std::string(direction) + " = line of [" + pbx.user +
         "] in manager.conf (FreePBX: Settings > Asterisk Manager Users > " + pbx.user + " > " +
         (direction == "write" ? "Write" : "Read") + "), then asterisk -rx 'manager reload'";
}

// --- connection, banner, login ---

CheckItem connected(const PbxTarget& pbx, const ami::ProbeFacts& f) {
  const auto from = f.local_address.empty() ? std::string() : " (from " + f.local_address + ")";
  return item("connection", CheckStatus::ok, where(pbx) + " accepts connections" + from);
}

CheckItem tls_done(const PbxTarget& pbx) {
  return item("tls", CheckStatus::ok, "TLS with a certificate that names " + pbx.host);
}

CheckItem logged_in(const PbxTarget& pbx) {
  return item("login", CheckStatus::ok,
              quoted(pbx.user) + " logged in" +
                  (pbx.auth == ami::AuthMethod::md5 ? " with an MD5 challenge (the secret never crossed the network)"
                                                    : " with a plain login (the secret crossed the network)"));
}

CheckItem unresolved(const PbxTarget& pbx, const Failure& failure) {
  return item("connection", CheckStatus::failed, failure.message,
              "use the PBX's IP address, or make " + pbx.host + " resolve on this host (getent hosts " + pbx.host + ")",
              true, failure.code);
}

// Dropped (a timeout) or refused: a firewall, or no AMI listening there. The port is the one
// the request (or its profile, or the default 5038) gave: check that first, before asking the
// admin to change manager.conf to a port that may just be a typo.
CheckItem unconnected(const PbxTarget& pbx, const Failure& failure) {
  const auto at = where(pbx);
  const auto port = std::to_string(pbx.port);
  std::string fix;
  if (failure.code == ErrorCode::timeout) {
    fix = "packets to " + at + " are dropped: a firewall between this host and the PBX, or the wrong address; " +
          "from this host: nc -zv " + pbx.host + " " + port;
  } else {
    fix = "nothing listens on " + at + ": is " + port +
          " the PBX's AMI port? It is 5038 unless manager.conf [general] port = says otherwise (port= or --port, "
          "or the profile's port, gave " + port + "); on the PBX, asterisk -rx 'manager show settings' shows the "
          "port and must say Manager (AMI): Yes" +
          (is_loopback(pbx.host) ? std::string()
                                 : "; and a bindaddr that accepts this host (bindaddr = 127.0.0.1 refuses every "
                                   "other host; 0.0.0.0 with a firewall that lets only this host in)");
  }
  return item("connection", CheckStatus::failed, failure.message, fix, true, failure.code);
}

CheckItem tls_refused(const PbxTarget& pbx, const Failure& failure) {
  return item("tls", CheckStatus::failed, failure.message,
              "TLS is Asterisk's tlsenable port (tlsbindaddr, usually 5039); the PBX's certificate must "
              "lead to ca_file and name " + pbx.host + ", or set tls = no for the plain port",
              true, failure.code);
}

// What a port that accepted but sent no banner is, as far as is known: only an answer of TLS
// (or the port Asterisk uses for TLS) makes tls = yes the advice.
std::string silent_port_fix(const PbxTarget& pbx, SilentPort silent) {
  const auto port = std::to_string(pbx.port);
  const auto not_ami = "an AMI port sends its banner at once; the AMI port is 5038 unless manager.conf [general] "
                       "port = says otherwise";
  switch (silent) {
    case SilentPort::http:
      return "port " + port + " is not AMI (it answered HTTP: a web server" +
             (pbx.port == 8088 || pbx.port == 8089 ? std::string(", Asterisk's own HTTP/ARI") : std::string()) +
             "): " + not_ami;
    case SilentPort::tls:
      return "port " + port + " speaks TLS (it answered a TLS hello): if it is Asterisk's AMI over TLS (tlsenable, "
             "usually 5039), set tls = yes (EECALL_TLS=yes, --tls); else " + not_ami;
    case SilentPort::other:
      return "port " + port + " is not AMI (it answered neither AMI, HTTP nor TLS): " + not_ami;
    case SilentPort::unknown:
      break;
  }
  if (pbx.port == 5039) {
    return "5039 is usually Asterisk's AMI over TLS, which waits for the client: set tls = yes (EECALL_TLS=yes, "
           "--tls), or use the plain AMI port (5038)";
  }
  return "port " + port + " accepted but said nothing, and answered no TLS hello either: " + not_ami +
         "; from this host, openssl s_client -connect " + pbx.host + ":" + port + " tells whether it speaks TLS";
}

CheckItem no_banner(const PbxTarget& pbx, const Failure& failure, SilentPort silent) {
  std::string fix = "the AMI port is 5038 unless manager.conf [general] port = says otherwise";
  if (failure.code == ErrorCode::timeout && !pbx.tls) fix = silent_port_fix(pbx, silent);
  if (failure.code == ErrorCode::protocol_error) {
    fix = "Asterisk closes a new connection when authlimit unauthenticated sessions are already open "
          "(manager.conf [general]); or a firewall or TCP wrapper resets it";
  }
  return item("ami", CheckStatus::failed, failure.message, fix, true, failure.code);
}

CheckItem login_refused(const PbxTarget& pbx, const ami::ProbeFacts& f, const Failure& failure) {
  std::string found = failure.message;
  std::string fix;
  if (failure.code == ErrorCode::auth_failed && failure.subject == "challenge") {
    fix = "this server refuses MD5 challenges: set auth = plain (EECALL_AUTH=plain, --auth plain)";
  } else if (failure.code == ErrorCode::auth_failed) {
    const auto here = f.local_address.empty() ? std::string("THIS-HOST") : f.local_address;
    found = "Asterisk refused " + quoted(pbx.user) + " (" + failure.message + " after " + seconds(f.open_elapsed) +
            "): a wrong user or secret, or this host (" + here +
            ") is outside the user's permit; Asterisk answers both alike";
    fix = "check user and secret against [" + pbx.user +
          "] in manager.conf (FreePBX: Settings > Asterisk Manager Users), and that it has permit = " + here +
          "/255.255.255.255; Asterisk's log tells which: '" + here +
          " failed to pass IP ACL as ...' (permit) or only 'failed to authenticate' (user or secret). eecall never "
          "retries (fail2ban bans repeated failures)";
  } else if (failure.code == ErrorCode::timeout) {
    fix = "Asterisk did not answer the login in time: overloaded or stuck (asterisk -rx 'core show channels')";
  } else {
    fix = "Asterisk broke off the login: see its log";
  }
  return item("login", CheckStatus::failed, found, fix, true, failure.code);
}

// Connection, TLS, banner and login, in that order, up to the first step that failed (the
// probe's open_failure names it).
std::vector<CheckItem> judge_open(const PbxTarget& pbx, const ami::ProbeFacts& f, SilentPort silent) {
  if (!f.open_failure) {
    std::vector<CheckItem> out{connected(pbx, f)};
    if (pbx.tls) out.push_back(tls_done(pbx));
    out.push_back(item("ami", CheckStatus::ok, f.banner));
    out.push_back(logged_in(pbx));
    return out;
  }
  const auto& failure = *f.open_failure;
  const auto& step = failure.subject;
  if (step == "resolve") return {unresolved(pbx, failure)};
  if (step == "connect") return {unconnected(pbx, failure)};
  std::vector<CheckItem> out{connected(pbx, f)};
  if (step == "tls") {
    out.push_back(tls_refused(pbx, failure));
    return out;
  }
  if (pbx.tls) out.push_back(tls_done(pbx));
  if (step == "banner") {
    out.push_back(no_banner(pbx, failure, silent));
    return out;
  }
  // The peer answered with a banner of Asterisk's (its words are not quoted before the login).
  out.push_back(item("ami", CheckStatus::ok, "an Asterisk Manager Interface answers"));
  out.push_back(login_refused(pbx, f, failure));
  return out;
}

// --- rights ---

struct Need {
  std::string_view action;
  std::string_view classes;  // the write class that grants it, as manager.conf spells it
};

// amd: Asterisk refuses an Originate into AGI without the class system (u4), which no action
// of its own shows; ModuleCheck is granted by system alone, so ListCommands lists it exactly
// when the user has it. The AGI action needs agi; a waited call's Redirect to `to`, call.
std::vector<Need> needed_actions(const CheckUse& use) {
  std::vector<Need> needs;
  switch (use.action) {
    case ActionKind::call:
      needs = {{"Originate", "originate"}};
      if (use.amd) needs.push_back({"Redirect", "call"});
      break;
    case ActionKind::message:
      return {{"MessageSend", "message"}};
    case ActionKind::alert:
      needs = {{"Originate", "originate"}, {"Hangup", "call"}};
      break;
  }
  if (use.amd) needs.insert(needs.end(), {{"ModuleCheck", "system"}, {"AGI", "agi"}});
  return needs;
}

std::string_view write_line(const CheckUse& use) {
  if (use.amd) return "write = originate,call,system,agi";
  switch (use.action) {
    case ActionKind::call:
      return "write = originate";
    case ActionKind::message:
      return "write = message";
    case ActionKind::alert:
      return "write = originate,call";
  }
  return "";
}

// Action names as Asterisk compares them: without case.
std::string lower(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// ListCommands answers one header per action: `Originate: Originate a call.  (Priv: originate,all)`.
std::set<std::string> command_names(const ami::Message& list) {
  std::set<std::string> names;
  for (const auto& h : list.headers()) {
    if (!text::iequals(h.name, "Response") && !text::iequals(h.name, "ActionID")) names.insert(lower(h.name));
  }
  return names;
}

CheckItem judge_rights(const CheckUse& use, const PbxTarget& pbx, const Answer& commands) {
  if (!commands) {
    return item("rights", CheckStatus::unknown, "ListCommands failed: " + commands.failure().message,
                "asterisk -rx 'manager show user " + pbx.user + "' shows the user's write classes", true,
                commands.failure().code);
  }
  const auto names = command_names(commands.value().response);
  std::vector<std::string> missing;
  std::vector<std::string> missing_classes;
  std::string granted;
  for (const auto& need : needed_actions(use)) {
    if (names.contains(lower(need.action))) {
      granted += (granted.empty() ? "" : ", ") + std::string(need.action);
    } else {
      missing.emplace_back(need.action);
      missing_classes.emplace_back(need.classes);
    }
  }
  if (missing.empty()) {
    return item("rights", CheckStatus::ok,
                quoted(pbx.user) + " may send " + granted + " (" + std::string(write_line(use)) + ")");
  }
  std::string actions;
  std::string classes;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    actions += (i == 0 ? "" : ", ") + missing[i];
    classes += (i == 0 ? "" : ",") + missing_classes[i];
  }
  return item("rights", CheckStatus::failed,
              quoted(pbx.user) + " may not send " + actions + ": its write = line lacks " + classes,
              grant(pbx, "write", classes) + " (" + std::string(article(use.action)) + " " +
                  std::string(action_name(use.action)) + " needs " + std::string(write_line(use)) + ")",
              true, ErrorCode::permission_denied);
}

// --- events ---

CheckItem judge_events(const PbxTarget& pbx, const std::optional<ami::EventProbe>& probe, std::string_view klass,
                       std::string_view event, std::string_view needed_for, std::string_view probe_right) {
  const std::string name = "events " + std::string(klass);
  if (!probe) return item(name, CheckStatus::unknown, "not asked");
  const auto read_fix =
      grant(pbx, "read", klass) + " (and check that no eventfilter= of the user drops " + std::string(event) + ")";
  if (!probe->sent) {
    const auto& failure = probe->sent.failure();
    if (failure.code == ErrorCode::permission_denied) {
      return item(name, CheckStatus::unknown,
                  "cannot be checked: the probe (" + std::string(probe_right) + ") was refused: Permission denied",
                  "the rights above first; " + std::string(needed_for) + " also needs read = " + std::string(klass) +
                      ": asterisk -rx 'manager show user " + pbx.user + "' shows the user's read classes",
                  true, ErrorCode::permission_denied);
    }
    return item(name, CheckStatus::unknown, "the probe failed: " + failure.message,
                "asterisk -rx 'manager show user " + pbx.user + "' shows the user's read classes", true, failure.code);
  }
  if (probe->arrived) {
    return item(name, CheckStatus::ok,
                std::string(event) + " (class " + std::string(klass) + ") arrived after " +
                    std::to_string(probe->arrived->count()) + " ms");
  }
  return item(name, CheckStatus::failed,
              "no " + std::string(event) + " event (class " + std::string(klass) + ") within " +
                  seconds(ami::probe_event_wait) + ": the user's read = line lacks " + std::string(klass) + ", so " +
                  std::string(needed_for) + " would never hear back",
              read_fix, true, ErrorCode::permission_denied);
}

// The AsyncAGI events (class agi) come only from a channel in AGI: no harmless probe makes one.
CheckItem judge_agi_events(const PbxTarget& pbx) {
  return item("events agi", CheckStatus::unknown,
              "not probed: only a call running AGI sends AsyncAGIStart/Exec (class agi)",
              "amd needs read = call,agi: asterisk -rx 'manager show user " + pbx.user +
                  "' shows the user's read classes",
              false);  // informative: it cannot be known without placing a call
}

// --- Asterisk's version ---

CheckItem judge_version(const PbxTarget& pbx, const std::optional<Answer>& settings, const std::string& banner) {
  if (!settings) return item("asterisk", CheckStatus::unknown, "not asked", {}, false);
  const auto ami_version = banner.substr(std::min(banner.size(), std::string_view("Asterisk Call Manager/").size()));
  if (!*settings) {
    const auto& failure = settings->failure();
    return item("asterisk", CheckStatus::unknown,
                "version unknown (AMI " + ami_version + "): CoreSettings was refused: " + failure.message,
                "asterisk -rx 'core show version' on the PBX (eecall could ask with write = reporting; [" + pbx.user +
                    "] does not need it)",
                false, failure.code);
  }
  const auto& r = settings->value().response;
  return item("asterisk", CheckStatus::ok,
              "Asterisk " + std::string(r.get_or("AsteriskVersion", "?")) + " (AMI " +
                  std::string(r.get_or("AMIversion", ami_version)) + ")",
              {}, false);
}

// --- modules ---

std::string module_purpose(std::string_view module) {
  if (module == "res_pjsip_messaging") return "text messages to PJSIP phones (drv=pjsip)";
  if (module == "chan_sip") return "chan_sip phones (drv=sip; chan_sip is gone from Asterisk 21 on)";
  if (module == "chan_pjsip") return "PJSIP/ channels";
  if (module == "app_read") return "alerts with ack (Read)";
  if (module == "app_playback") return "alerts without ack (Playback)";
  if (module == "format_wav") return "spoken alerts (eecall's audio is WAV)";
  if (module == "res_agi") return "alerts and waited calls with amd (AsyncAGI)";
  if (module == "app_amd") return "alerts and waited calls with amd (answering-machine detection)";
  return "this use";
}

CheckItem judge_module(const std::string& module, const Answer& answer) {
  const std::string name = "module " + module;
  const auto purpose = module_purpose(module);
  if (answer) return item(name, CheckStatus::ok, "loaded, for " + purpose);
  const auto& failure = answer.failure();
  if (failure.code == ErrorCode::action_failed && text::iequals(failure.message, "Module not loaded")) {
    return item(name, CheckStatus::failed, "not loaded: no " + purpose,
                "on the PBX: asterisk -rx 'module load " + module + ".so', and remove any noload => " + module +
                    ".so from modules.conf (FreePBX: Admin > Module Admin does not manage Asterisk's modules)",
                true, ErrorCode::action_failed);
  }
  if (failure.code == ErrorCode::permission_denied) {
    return item(name, CheckStatus::unknown,
                "cannot be asked: ModuleCheck needs write = system, which eecall does not need",
                "on the PBX: asterisk -rx 'module show like " + module + "' lists " + module + ".so when it is loaded",
                true, ErrorCode::permission_denied);
  }
  return item(name, CheckStatus::unknown, "ModuleCheck failed: " + failure.message,
              "on the PBX: asterisk -rx 'module show like " + module + "'", true, failure.code);
}

// --- dialplan ---

CheckItem judge_extension(const ami::DialplanTarget& target, const Answer& answer, std::string_view role) {
  const std::string name = "dialplan " + target.exten;
  const auto in = quoted(target.exten) + " in context " + target.context;
  if (answer) {
    return item(name, CheckStatus::ok, in + " exists (" + std::string(role) + ")");
  }
  const auto& failure = answer.failure();
  if (failure.code == ErrorCode::action_failed && text::iequals(failure.message, "Extension does not exist.")) {
    return item(name, CheckStatus::failed,
                in + ": Extension does not exist. (or the context itself does not: a call would be refused)",
                "make " + target.exten + " an extension of " + target.context +
                    " (FreePBX: Applications > Extensions; an outside number needs an outbound route "
                    "matching it), or set context = to the context your phones use (EECALL_CONTEXT)",
                true, ErrorCode::action_failed);
  }
  if (failure.code == ErrorCode::permission_denied) {
    return item(name, CheckStatus::unknown, "cannot be asked: the probe's Originate was refused: Permission denied",
                "the rights above first (the call needs write = originate anyway); by hand on the PBX: asterisk -rx "
                "'dialplan show " + target.exten + "@" + target.context + "'",
                true, ErrorCode::permission_denied);
  }
  return item(name, CheckStatus::unknown, "the probe's Originate failed: " + failure.message,
              "on the PBX: asterisk -rx 'dialplan show " + target.exten + "@" + target.context + "'", true,
              failure.code);
}

// --- phones ---

std::string by_hand(std::string_view tech, const std::string& phone) {
  return tech == "pjsip" ? "asterisk -rx 'pjsip show endpoint " + phone + "'"
                         : "asterisk -rx 'sip show peer " + phone + "'";
}

CheckItem refused_phone(const std::string& name, const std::string& phone, std::string_view tech,
                        const Failure& failure, bool needed) {
  if (failure.code == ErrorCode::permission_denied) {
    return item(name, CheckStatus::unknown,
                std::string("cannot be asked: ") +
                    (tech == "pjsip" ? "PJSIPShowEndpoint needs write = system"
                                     : "SIPshowpeer needs write = system or reporting") +
                    ", which eecall does not need",
                "by hand on the PBX: " + by_hand(tech, phone), needed, ErrorCode::permission_denied);
  }
  if (text::iequals(failure.message.substr(0, 24), "Invalid/unknown command:")) {
    const std::string module = tech == "pjsip" ? "res_pjsip" : "chan_sip";
    return item(
        name, needed ? CheckStatus::failed : CheckStatus::unknown,
        module + " is not loaded: the PBX has no " + (tech == "pjsip" ? "PJSIP endpoints" : "chan_sip peers"),
        "on the PBX: asterisk -rx 'module load " + module + ".so'" +
            (tech == "sip" ? std::string(", or drv=pjsip: chan_sip is gone from Asterisk 21 on") : std::string()),
        needed, ErrorCode::action_failed);
  }
  return item(name, CheckStatus::unknown, failure.message, "by hand on the PBX: " + by_hand(tech, phone), needed,
              failure.code);
}

// PJSIPShowEndpoint failed: no such endpoint (a failure only where the phone must be one), or
// the question itself was refused.
CheckItem pjsip_endpoint_unanswered(const std::string& name, const std::string& phone, const Failure& failure,
                                    bool needed) {
  if (failure.code != ErrorCode::action_failed || !failure.message.starts_with("Unable to retrieve endpoint")) {
    return refused_phone(name, phone, "pjsip", failure, needed);
  }
  if (!needed) {
    return item(name, CheckStatus::unknown,
                "no PJSIP endpoint " + quoted(phone) +
                    ": fine for an outside number or a phone of another "
                    "driver, which the dialplan reaches its own way",
                "if it is a phone: FreePBX: Applications > Extensions; " + by_hand("pjsip", phone), false,
                ErrorCode::call_failed);
  }
  return item(name, CheckStatus::failed, "no PJSIP endpoint " + quoted(phone) + " (" + failure.message + ")",
              "create it (FreePBX: Applications > Extensions, a PJSIP extension " + phone +
                  "), or drv=sip for a chan_sip phone",
              true, ErrorCode::call_failed);
}

CheckItem judge_pjsip_endpoint(const std::string& phone, const Answer& answer, bool needed) {
  const std::string name = "phone " + phone;
  if (!answer) return pjsip_endpoint_unanswered(name, phone, answer.failure(), needed);
  std::string state;
  std::vector<std::pair<std::string, std::string>> contacts;  // URI, Status
  bool has_aor_contact = false;
  for (const auto& e : answer.value().events) {
    const auto event = e.get_or("Event");
    if (event == "EndpointDetail") state = e.get_or("DeviceState");
    if (event == "AorDetail" && !e.get_or("Contacts").empty()) has_aor_contact = true;
    if (event == "ContactStatusDetail") contacts.emplace_back(e.get_or("URI"), e.get_or("Status"));
  }
  const auto endpoint = "PJSIP endpoint " + phone + (state.empty() ? std::string() : " (" + state + ")");
  const auto find = [&](std::string_view status) {
    return std::find_if(contacts.begin(), contacts.end(),
                        [&](const auto& c) { return text::iequals(c.second, status); });
  };
  if (auto c = find("Reachable"); c != contacts.end()) {
    return item(name, CheckStatus::ok, endpoint + ": contact " + c->first + " reachable", {}, needed);
  }
  if (auto c = find("NonQualified"); c != contacts.end()) {
    return item(name, CheckStatus::ok,
                endpoint + ": contact " + c->first + ", not qualified (Asterisk does not check that it answers)", {},
                needed);
  }
  if (auto c = find("Unreachable"); c != contacts.end()) {
    return item(name, CheckStatus::failed, endpoint + ": its contact " + c->first + " is unreachable",
                "the phone is off, or cannot be reached from the PBX: its power and network; on the PBX: "
                "asterisk -rx 'pjsip show contacts'",
                needed, ErrorCode::call_failed);
  }
  if (contacts.empty() && !has_aor_contact) {
    return item(name, CheckStatus::failed, endpoint + " has no contact: the phone is not registered",
                "register the phone with the PBX (its SIP account " + phone +
                    ": server, user and password as in FreePBX's extension), or give its AOR a static contact =",
                needed, ErrorCode::call_failed);
  }
  const auto status = contacts.empty() ? std::string("unknown") : contacts.front().second;
  return item(name, CheckStatus::unknown, endpoint + ": contact status " + status + " (qualify has not answered yet)",
              "check again in a minute; on the PBX: asterisk -rx 'pjsip show contacts'", needed,
              ErrorCode::call_failed);
}

CheckItem judge_sip_peer(const std::string& phone, const Answer& answer, bool needed) {
  const std::string name = "phone " + phone;
  if (!answer) {
    const auto& failure = answer.failure();
    if (failure.code == ErrorCode::action_failed && failure.message.starts_with("Peer ") &&
        failure.message.ends_with("not found.")) {
      return item(name, needed ? CheckStatus::failed : CheckStatus::unknown,
                  "no chan_sip peer " + quoted(phone) + " (" + failure.message + ")",
                  "create it in sip.conf (FreePBX: a chan_sip extension), or drv=pjsip for a PJSIP phone", needed,
                  ErrorCode::call_failed);
    }
    return refused_phone(name, phone, "sip", failure, needed);
  }
  const auto& r = answer.value().response;
  const std::string status(r.get_or("Status"));
  const std::string address(r.get_or("Address-IP"));
  const bool no_address = address.empty() || address == "(null)";
  const auto at = no_address ? std::string() : " at " + address + ":" + std::string(r.get_or("Address-Port"));
  if (text::iequals(status.substr(0, 2), "OK") || text::iequals(status.substr(0, 6), "LAGGED")) {
    return item(name, CheckStatus::ok, "chan_sip peer " + phone + at + ": " + status, {}, needed);
  }
  if (text::iequals(status.substr(0, 11), "UNREACHABLE")) {
    return item(name, CheckStatus::failed, "chan_sip peer " + phone + at + " is unreachable (" + status + ")",
                "the phone is off, or cannot be reached from the PBX: its power and network; on the PBX: "
                "asterisk -rx 'sip show peers'",
                needed, ErrorCode::call_failed);
  }
  if (no_address) {
    return item(name, CheckStatus::failed, "chan_sip peer " + phone + " has no address: the phone is not registered",
                "register the phone with the PBX (its SIP account " + phone + ")", needed, ErrorCode::call_failed);
  }
  if (text::iequals(status, "Unmonitored")) {
    return item(name, CheckStatus::ok,
                "chan_sip peer " + phone + at + " (not qualified: Asterisk does not check that it answers)", {},
                needed);
  }
  return item(name, CheckStatus::unknown, "chan_sip peer " + phone + at + ": status " + status,
              "on the PBX: asterisk -rx 'sip show peer " + phone + "'", needed, ErrorCode::call_failed);
}

// Which phones are checked, how, and whether the use cannot work without them.
struct PhoneCheck {
  std::string phone;
  std::string_view tech;  // "pjsip" or "sip"
  bool needed;
};

std::vector<PhoneCheck> phone_checks(const CheckUse& use, const ami::CallSettings& call) {
  std::vector<PhoneCheck> out;
  if (use.action == ActionKind::message) {
    for (const auto& phone : use.phones) {
      out.push_back({phone, use.driver == MessageDriver::sip ? "sip" : "pjsip", true});
    }
    return out;
  }
  const auto route = phone_route(call);
  for (const auto& phone : use.phones) {
    switch (route.kind) {
      // Through the dialplan: a phone of the same name is looked at, but the dialplan may
      // reach an outside number (or another driver's phone) its own way.
      case PhoneRoute::Kind::dialplan:
        out.push_back({phone, "pjsip", false});
        break;
      case PhoneRoute::Kind::pjsip:
        out.push_back({phone, "pjsip", true});
        break;
      case PhoneRoute::Kind::sip:
        out.push_back({phone, "sip", true});
        break;
      case PhoneRoute::Kind::other:
        break;
    }
  }
  return out;
}

}  // namespace

PhoneRoute phone_route(const ami::CallSettings& call) {
  const auto channel = ami::channel_for(std::string_view("{from}"), call);
  const auto slash = channel.find('/');
  const auto tech = std::string_view(channel).substr(0, slash == std::string::npos ? 0 : slash);
  const auto rest = slash == std::string::npos ? std::string() : channel.substr(slash + 1);
  if (text::iequals(tech, "Local") && rest.starts_with("{from}@")) {
    auto context = rest.substr(7);
    context = context.substr(0, context.find('/'));  // Local's /n and other options
    if (!context.empty()) return {PhoneRoute::Kind::dialplan, context};
  }
  if (rest == "{from}" && text::iequals(tech, "PJSIP")) return {PhoneRoute::Kind::pjsip, {}};
  if (rest == "{from}" && text::iequals(tech, "SIP")) return {PhoneRoute::Kind::sip, {}};
  return {};
}

ami::ProbeQuestions questions_for(const CheckUse& use, const ami::CallSettings& call) {
  ami::ProbeQuestions q;
  switch (use.action) {
    case ActionKind::call:
      q.events = use.wait ? (use.amd ? ami::LoginEvents::call_agi : ami::LoginEvents::call) : ami::LoginEvents::off;
      q.call_events = use.wait;
      if (use.amd) q.modules.insert(q.modules.end(), {"res_agi", "app_amd"});
      break;
    case ActionKind::alert:
      // amd runs over AsyncAGI: its variables come with GET VARIABLE, not VarSet (read dialplan).
      q.events = use.amd ? ami::LoginEvents::call_agi : ami::LoginEvents::call_dialplan;
      q.call_events = true;
      q.dialplan_events = !use.amd;
      q.modules.emplace_back(use.ack ? "app_read" : "app_playback");
      if (use.prompt == PromptKind::say) q.modules.emplace_back("format_wav");
      if (use.amd) q.modules.insert(q.modules.end(), {"res_agi", "app_amd"});
      break;
    case ActionKind::message:
      q.modules.emplace_back(use.driver == MessageDriver::sip ? "chan_sip" : "res_pjsip_messaging");
      break;
  }
  const auto route = phone_route(call);
  if (use.action != ActionKind::message) {
    if (route.kind == PhoneRoute::Kind::pjsip) q.modules.emplace_back("chan_pjsip");
    if (route.kind == PhoneRoute::Kind::sip) q.modules.emplace_back("chan_sip");
    const auto ask = [&](ami::DialplanTarget target) {
      if (std::find(q.extensions.begin(), q.extensions.end(), target) == q.extensions.end()) {
        q.extensions.push_back(std::move(target));
      }
    };
    if (route.kind == PhoneRoute::Kind::dialplan) {
      for (const auto& phone : use.phones) ask({route.context, phone});
    }
    if (use.action == ActionKind::call && !use.target.empty()) ask({call.context, use.target});
  }
  for (const auto& check : phone_checks(use, call)) {
    auto& list = check.tech == "sip" ? q.sip_peers : q.pjsip_endpoints;
    if (std::find(list.begin(), list.end(), check.phone) == list.end()) list.push_back(check.phone);
  }
  return q;
}

bool banner_never_came(const ami::ProbeFacts& facts) {
  const auto& failure = facts.open_failure;
  return failure && failure->subject == "banner" && failure->code == ErrorCode::timeout && !facts.remote_address.empty();
}

std::vector<CheckItem> judge_pbx(const CheckUse& use, const PbxTarget& pbx, const ami::ProbeFacts& facts,
                                 SilentPort silent) {
  auto out = judge_open(pbx, facts, silent);
  if (facts.open_failure) return out;
  if (facts.commands) out.push_back(judge_rights(use, pbx, *facts.commands));
  const auto needs = std::string(use.action == ActionKind::alert ? "an alert" : "a call with wait");
  if (facts.call_events) {
    out.push_back(judge_events(pbx, facts.call_events, "call", "OriginateResponse", needs, "an Originate"));
  }
  if (facts.dialplan_events) {
    out.push_back(judge_events(pbx, facts.dialplan_events, "dialplan", "VarSet", needs, "Setvar, write = call"));
  }
  if (use.amd) out.push_back(judge_agi_events(pbx));
  out.push_back(judge_version(pbx, facts.core_settings, facts.banner));
  for (const auto& [module, answer] : facts.modules) out.push_back(judge_module(module, answer));
  for (const auto& [target, answer] : facts.extensions) {
    const bool is_target =
        use.action == ActionKind::call && target.exten == use.target && target.context == pbx.call.context;
    out.push_back(judge_extension(
        target, answer, is_target ? "the call's target" : "the phone's channel " + ami::channel_for(target.exten, pbx.call)));
  }
  const auto checks = phone_checks(use, pbx.call);
  const auto needed = [&](const std::string& phone, std::string_view tech) {
    return std::any_of(checks.begin(), checks.end(),
                       [&](const PhoneCheck& c) { return c.phone == phone && c.tech == tech && c.needed; });
  };
  for (const auto& [phone, answer] : facts.pjsip_endpoints) {
    out.push_back(judge_pjsip_endpoint(phone, answer, needed(phone, "pjsip")));
  }
  for (const auto& [phone, answer] : facts.sip_peers) {
    out.push_back(judge_sip_peer(phone, answer, needed(phone, "sip")));
  }
  return out;
}

bool is_loopback(std::string_view address) {
  return address.starts_with("127.") || address == "::1" || address.starts_with("::ffff:127.");
}

}  // namespace eecall
