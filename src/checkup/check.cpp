// The flow of one check: the policy and the profile as for any request, the use it is about,
// eecall's own side, the PBX's (one AMI session through the prober), the report's verdict.
#include "eecall/checkup/check.hpp"

#include <dirent.h>
#include <grp.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

#include "eecall/action/handle.hpp"
#include "eecall/notify/notify_module.hpp"
#include "eecall/action/log.hpp"
#include "eecall/speech/engine.hpp"
#include "check_params.hpp"

namespace eecall {

namespace {

using std::chrono::milliseconds;
// How long a port that sent no banner is given to answer the check's TLS hello.
constexpr milliseconds silent_port_patience{2000};

CheckItem policy_item(const CheckUse& use, const Policy& policy) {
  std::vector<std::string> allowed;
  const auto check = [&](const std::string& pattern, const std::string& value, const char* param,
                         const char* setting) -> std::optional<CheckItem> {
    if (auto refused = check_allowed_value(pattern, value, param, setting)) {
      return CheckItem{"policy",
                       CheckStatus::failed,
                       refused->message,
                       std::string(setting) +
                           " = a regular expression that matches the whole value, in [general] "
                           "or the profile (" +
                           setting + " is " + pattern + " now)",
                       true,
                       ErrorCode::forbidden};
    }
    allowed.push_back(std::string(param) + " " + value);
    return std::nullopt;
  };
  const bool to_list = use.action == ActionKind::message;
  for (const auto& phone : use.phones) {
    if (auto refused = to_list ? check(policy.allow_to, phone, "to", "allow_to")
                               : check(policy.allow_from, phone, "from", "allow_from")) {
      return *refused;
    }
  }
  if (!use.target.empty()) {
    if (auto refused = check(policy.allow_to, use.target, "to", "allow_to")) return *refused;
  }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return {"policy", CheckStatus::ok, list + ": allowed", {}, true, ErrorCode::none};
}

// The user the web server runs eecall as: this process's when it runs as CGI. From the command
// line: state_dir's owner when another user than this one owns it (the package gives it to
// the web server's user it found: asterisk on FreePBX, docs/install.md); else www-data
// (Debian's web servers), or this process's user where there is no www-data.
Account web_account(bool over_http, const std::string& state_dir) {
  if (!over_http) {
    const auto state = path_facts(state_dir);
    if (state.exists && state.directory && state.owner != 0 && state.owner != ::geteuid()) {
      if (auto owner = account_of(state.owner)) return *owner;
    }
    if (auto www = account_named("www-data")) return *www;
  }
  if (auto me = account_of(::geteuid(), ::getegid())) return *me;
  return Account{std::to_string(::geteuid()), ::geteuid(), ::getegid(), {}};
}

std::string parent_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

std::vector<CheckItem> audio_items(const EffectiveSettings& settings, const Account& web, const ami::ProbeFacts& facts,
                                   const std::string& host) {
  std::vector<CheckItem> out;
  const auto dir = path_facts(settings.speech.audio_dir);
  out.push_back(judge_audio_dir(dir, web));
  const bool connected = !facts.remote_address.empty();
  const bool same_host = connected ? is_loopback(facts.remote_address) || facts.remote_address == facts.local_address
                                   : is_loopback(host) || host == "localhost";
  std::optional<Account> asterisk;
  std::string how = "neither CoreSettings nor /proc told";
  if (facts.core_settings && *facts.core_settings) {
    const auto& r = facts.core_settings->value().response;
    const std::string run_user(r.get_or("CoreRunUser"));
    const std::string run_group(r.get_or("CoreRunGroup"));
    if (!run_user.empty()) {
      // Asterisk switches to runuser, and to rungroup when one is set (asterisk.conf).
      asterisk = account_named(run_user);
      const group* g = run_group.empty() ? nullptr : ::getgrnam(run_group.c_str());
      if (asterisk && g != nullptr) asterisk = account_of(asterisk->uid, g->gr_gid);
      how = "CoreSettings: CoreRunUser " + run_user + (run_group.empty() ? "" : ", CoreRunGroup " + run_group);
    }
  }
  if (!asterisk && same_host) {
    if (auto process = asterisk_process()) {
      asterisk = std::move(process->first);
      how = std::move(process->second);
    }
  }
  out.push_back(judge_audio_for_asterisk(dir, same_host, connected ? facts.remote_address : host, asterisk, how));
  out.push_back(judge_speech_module(speech::load_speech_module(settings.speech.module)));
  return out;
}

// notify_url's scheme and authority (without user and password): the site is asked, never the
// URL itself, whose GET would set the box's device.
std::string site_of(const std::string& url_template) {
  const auto scheme_end = url_template.find("://");
  if (scheme_end == std::string::npos) return url_template;
  const auto start = scheme_end + 3;
  auto authority = url_template.substr(start, url_template.find_first_of("/?#", start) - start);
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  return url_template.substr(0, start) + authority + "/";
}

CheckItem notify_item(const NotifySettings& notify) {
  if (notify.url_template.empty()) return judge_notify(false, {}, Failure{});
  const auto site = site_of(notify.url_template);
  const auto module = load_notify_module(notify.module);
  if (!module) return judge_notify(true, site, module.failure());
  long status = 0;
  std::array<char, 512> error{};
  const auto got =
      module.value()->get(site.c_str(), static_cast<long>(notify.timeout.count()), &status, error.data(), error.size());
  if (got != EECALL_NOTIFY_ANSWERED)
    return judge_notify(true, site, Failure{ErrorCode::config_error, error.data(), "notify"});
  return judge_notify(true, site, status);
}

}  // namespace

std::optional<std::pair<Account, std::string>> asterisk_process() {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  std::optional<std::pair<Account, std::string>> found;
  while (const dirent* entry = ::readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string comm;
    std::getline(std::ifstream("/proc/" + pid + "/comm"), comm);
    if (comm != "asterisk") continue;
    std::ifstream status("/proc/" + pid + "/status");
    Account a;
    bool uid = false;
    bool gid = false;
    for (std::string line; std::getline(status, line);) {
      std::istringstream fields(line.substr(line.find(':') + 1));
      unsigned long real = 0;
      unsigned long effective = 0;
      if (line.starts_with("Uid:") && (fields >> real >> effective)) {
        a.uid = static_cast<uid_t>(effective);
        uid = true;
      } else if (line.starts_with("Gid:") && (fields >> real >> effective)) {
        a.gid = static_cast<gid_t>(effective);
        gid = true;
      } else if (line.starts_with("Groups:")) {
        for (unsigned long g = 0; fields >> g;) a.groups.push_back(static_cast<gid_t>(g));
      }
    }
    if (!uid || !gid) continue;
    const auto named = account_of(a.uid, a.gid);
    a.name = named ? named->name : std::to_string(a.uid);
    found.emplace(std::move(a), "its process " + pid);
    break;
  }
  ::closedir(proc);
  return found;
}

Prober network_prober() {
  return [](const ami::Endpoint& endpoint, const ami::ProbeQuestions& questions, const ami::ClientSettings& settings) {
    return ami::run_probe(endpoint, questions, settings);
  };
}

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The needed checks that were not ✔, in the report's order: ✘ (and, strict, ?) decide the
// verdict; the others only could not be known.
struct Misses {
  std::size_t needed = 0;
  std::vector<const CheckItem*> failed;
  std::vector<std::string> unknown;
  std::vector<std::string> not_needed;
};

Misses misses_of(const std::vector<CheckItem>& checks, bool strict) {
  Misses m;
  for (const auto& c : checks) {
    if (c.needed) ++m.needed;
    if (c.status == CheckStatus::ok) continue;
    if (!c.needed) {
      m.not_needed.push_back(c.name);
    } else if (c.status == CheckStatus::failed || strict) {
      m.failed.push_back(&c);
    } else {
      m.unknown.push_back(c.name);
    }
  }
  return m;
}

}  // namespace

void settle_report(Outcome& report, bool strict) {
  report.answer = AnswerKind::check;
  report.action.reset();
  const auto m = misses_of(report.checks, strict);
  const auto needed = std::to_string(m.needed);
  if (m.failed.empty()) {
    report.error = ErrorCode::none;
    report.subject.clear();
    report.message = m.unknown.empty() ? "all " + needed + " needed checks passed"
                                       : std::to_string(m.needed - m.unknown.size()) + " of " + needed +
                                             " needed checks passed";
  } else {
    const auto& first = *m.failed.front();
    std::vector<std::string> names;
    for (const auto* c : m.failed) names.push_back(c->name);
    report.error = first.error == ErrorCode::none ? ErrorCode::internal_error : first.error;
    report.subject = first.name;
    report.message =
        std::to_string(m.failed.size()) + " of " + needed + " needed checks did not pass: " + joined(names);
  }
  // A ? is no failure (the right to ask, e.g. write = system, is one eecall must not have):
  // the summary says what to verify by hand; each ? line says how.
  if (!m.unknown.empty()) {
    report.message += "; " + std::to_string(m.unknown.size()) + " could not be known, verify by hand (see " +
                      (m.unknown.size() == 1 ? "its ? line" : "their ? lines") + "): " + joined(m.unknown);
  }
  if (!m.not_needed.empty()) report.message += "; not needed here, but not \xE2\x9C\x94: " + joined(m.not_needed);
}

Outcome check_report_for_config_failure(const Failure& failure) {
  Outcome report;
  report.checks.push_back(judge_configuration_failure(failure));
  settle_report(report);
  return report;
}

Outcome run_check(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const Prober& prober) {
  const auto start = std::chrono::steady_clock::now();
  // The report describes the PBX and eecall's set-up: never for anonymous callers.
  if (incoming.over_http && config.token.empty()) {
    return refused({ErrorCode::forbidden,
                    "check=1 is answered only when the configuration sets [general] token = and the request gives it "
                    "(the report describes the PBX)",
                    "token"},
                   start);
  }
  auto resolved = resolve(incoming, config, environment);
  if (!resolved) return refused(resolved.failure(), start);
  auto parsed = parse_check_params(resolved.value().params, incoming.limits);
  if (!parsed) return refused(parsed.failure(), start);
  const auto& settings = resolved.value().settings;
  const auto& request = parsed.value().request;
  const auto& use = parsed.value().use;
  const auto web = web_account(incoming.over_http, settings.flood.state_dir);

  Outcome report;
  auto& items = report.checks;
  items.push_back(judge_configuration(config,
                                      config.path.empty() ? std::nullopt : std::optional(path_facts(config.path)),
                                      incoming.over_http ? std::nullopt : std::optional(web)));
  const bool url_pbx = resolved.value().profile.empty();
  if (auto host_denied = url_pbx ? check_host_allowed(request, settings.policy) : std::nullopt) {
    // Not even a connection: allow_hosts keeps eecall from being anyone's port scanner.
    items.push_back({"policy", CheckStatus::failed, host_denied->message,
                     "allow_hosts = in [general] lists the PBX hosts a URL may name", true, ErrorCode::forbidden});
  } else {
    if (!use.phones.empty() || !use.target.empty()) items.push_back(policy_item(use, settings.policy));
    const PbxTarget pbx{request.host,         request.port,        request.user,
                        settings.client.auth, settings.client.tls, settings.client.call};
    auto asked = use;  // amd: asked, or the configuration's default (amd=0 in the request wins)
    if (use.action == ActionKind::alert && !request.alert.amd) asked.amd = settings.client.alert.amd.enabled;
    const auto facts = prober({request.host, request.port, request.user, request.secret},
                              questions_for(asked, settings.client.call), settings.client);
    // A port that accepted but said nothing is asked once what it is (not over TLS: then the
    // TLS step itself would have failed).
    const auto silent = banner_never_came(facts) && !settings.client.tls
                            ? sniff_silent_port(facts.remote_address, request.port, silent_port_patience)
                            : SilentPort::unknown;
    for (auto& c : judge_pbx(use, pbx, facts, silent)) items.push_back(std::move(c));
    if (use.action == ActionKind::alert && use.prompt == PromptKind::say) {
      for (auto& c : audio_items(settings, web, facts, request.host)) items.push_back(std::move(c));
    }
  }
  items.push_back(judge_state_dir(path_facts(settings.flood.state_dir), web));
  items.push_back(
      judge_jobs_dir(path_facts(settings.jobs.dir), path_facts(parent_of(settings.jobs.dir)), web, use.background));
  if (!settings.jobs.log_file.empty()) {
    const auto& log_file = settings.jobs.log_file;
    items.push_back(judge_job_log(path_facts(log_file), path_facts(parent_of(log_file)), web));
  }
  if (use.notify) items.push_back(notify_item(settings.notify));

  settle_report(report, use.strict);
  report.elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  log::check_done(request, use.action, report);
  return report;
}

}  // namespace eecall
