#include "eecall/callin/check_callin.hpp"

#include <dirent.h>
#include <grp.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "eecall/action/handle.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/notify/url_template.hpp"

namespace eecall::callin {

namespace {

using AsteriskUser = std::optional<std::pair<Account, std::string>>;

CheckItem item(std::string name, CheckStatus status, std::string found, std::string fix = {},
               ErrorCode error = ErrorCode::config_error) {
  const bool ok = status == CheckStatus::ok;
  return {std::move(name), status, std::move(found), std::move(fix), true, ok ? ErrorCode::none : error};
}

std::string group_name(gid_t gid) {
  const group* g = ::getgrgid(gid);
  return g != nullptr ? g->gr_name : std::to_string(gid);
}

std::string who(const std::pair<Account, std::string>& asterisk) {
  return asterisk.first.name + ", the user Asterisk runs as (" + asterisk.second + ")";
}

// Whether `want` (4 read, 1 search/execute) is allowed to every user by the mode's "other" bits
// (what is known when Asterisk's user is not).
bool anyone_may(const PathFacts& path, unsigned want) { return (path.mode & want) == want; }

std::string key_name(const MenuKey& key) { return "key" + std::string(1, key.key); }

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r") - first + 1));
}

// The arguments of the first AGI(...) of a dialplan line, its comment (after ;) left out.
std::optional<std::vector<std::string>> agi_arguments(const std::string& line) {
  const auto code = to_lower(line.substr(0, line.find(';')));
  const auto open = code.find("agi(");
  if (open == std::string::npos || (open > 0 && std::isalnum(static_cast<unsigned char>(code[open - 1])))) {
    return std::nullopt;  // EAGI/DeadAGI count too: their name ends in agi( as well
  }
  const auto close = code.find(')', open);
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> args;
  std::istringstream in(line.substr(open + 4, close - open - 4));
  for (std::string arg; std::getline(in, arg, ',');) args.push_back(trimmed(arg));
  return args;
}

// Each extensions*.conf of Asterisk's configuration directory, by name.
std::vector<std::string> dialplan_files(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return files;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.starts_with("extensions") && name.ends_with(".conf")) files.push_back(dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

// A guessable PIN: one digit repeated, or a run up or down (1234, 9876, 0123).
bool guessable(const std::string& pin) {
  if (pin.size() < 2) return true;
  bool same = true;
  bool up = true;
  bool down = true;
  for (std::size_t i = 1; i < pin.size(); ++i) {
    const int step = pin[i] - pin[i - 1];
    same = same && step == 0;
    up = up && (step == 1 || step == -9);
    down = down && (step == -1 || step == 9);
  }
  return same || up || down;
}

bool has_acl(const std::string& path) {
  return ::getxattr(path.c_str(), "system.posix_acl_access", nullptr, 0) > 0;
}

}  // namespace

AsteriskPlaces asterisk_places(const char* agi_dir, const char* config_dir) {
  AsteriskPlaces places;
  if (agi_dir != nullptr && *agi_dir != '\0') {
    places.agi_dirs = {agi_dir};
  } else {
    places.agi_dirs = {"/var/lib/asterisk/agi-bin", "/usr/share/asterisk/agi-bin"};  // FreePBX, Debian
  }
  places.config_dir = config_dir != nullptr && *config_dir != '\0' ? config_dir : "/etc/asterisk";
  return places;
}

std::optional<std::pair<Account, std::string>> asterisk_account() {
  if (auto process = asterisk_process()) return process;
  if (auto named = account_named("asterisk")) return std::pair{std::move(*named), std::string("the account asterisk")};
  return std::nullopt;
}

CheckItem judge_menu(const Result<Menu>& menu) {
  if (!menu) {
    return item("callin menu", CheckStatus::failed, menu.failure().message,
                "the [callin NAME] section of eecall.conf as docs/callin.md shows it (pin =, allow_callers =, "
                "keyN = act LABEL | URL, read LABEL | URL | FIELD, acknowledge)");
  }
  const auto& m = menu.value();
  std::string keys;
  for (const auto& k : m.keys) {
    const char* kind = k.kind == MenuKey::Kind::act ? "act" : k.kind == MenuKey::Kind::read ? "read" : "acknowledge";
    keys += (keys.empty() ? "" : ", ") + std::string(1, k.key) + " " + kind + " " + k.label;
  }
  const auto callers = m.allow_any ? std::string("any caller") : std::to_string(m.allow_callers.size()) + " allowed callers";
  return item("callin menu", CheckStatus::ok,
              "[callin " + m.name + "]: " + callers + ", keys " + (keys.empty() ? "none" : keys));
}

CheckItem judge_pin(const Menu& menu) {
  if (menu.pin.empty()) {
    return item("pin", CheckStatus::ok, "no PIN: every allowed caller is trusted by caller ID (docs/security.md)");
  }
  if (guessable(menu.pin)) {
    return item("pin", CheckStatus::failed,
                "the PIN (" + std::to_string(menu.pin.size()) + " digits) is one a caller tries first: one digit "
                "repeated, or digits in a row up or down",
                "pin = in [callin " + menu.name + "]: 6 or more digits without a pattern");
  }
  return item("pin", CheckStatus::ok, std::to_string(menu.pin.size()) + " digits, " +
                                          std::to_string(menu.pin_tries) + " wrong tries before a " +
                                          std::to_string(menu.lockout.count()) + " min lockout");
}

CheckItem judge_agi_program(const std::vector<PathFacts>& programs, const AsteriskUser& asterisk) {
  const std::string name = "agi program";
  const auto found = std::find_if(programs.begin(), programs.end(), [](const PathFacts& p) { return p.exists; });
  if (found == programs.end()) {
    std::string searched;
    for (const auto& p : programs) searched += (searched.empty() ? "" : ", ") + p.path;
    const auto target = programs.empty() ? std::string("/var/lib/asterisk/agi-bin/eecall") : programs.front().path;
    return item(name, CheckStatus::failed, "no eecall where Asterisk looks for AGI programs (" + searched + ")",
                "ln -s /usr/bin/eecall " + target +
                    " (the package makes this link when the agi-bin directory exists at install time: reinstall "
                    "it after Asterisk, or make the link by hand)");
  }
  const auto& program = *found;
  if (program.directory) {
    return item(name, CheckStatus::failed, program.path + " is a directory", "remove it, then ln -s /usr/bin/eecall " + program.path);
  }
  if (!asterisk) {
    if (anyone_may(program, 1)) return item(name, CheckStatus::ok, program.path + " is executable by every user");
    return item(name, CheckStatus::unknown,
                program.path + " (" + describe_owner(program) + ") found; the user Asterisk runs as is not known",
                "on the PBX: sudo -u asterisk test -x " + program.path + " && echo ok (FreePBX runs Asterisk as asterisk)");
  }
  if (!may(asterisk->first, program, 1)) {
    return item(name, CheckStatus::failed,
                program.path + " (" + describe_owner(program) + ") cannot be run by " + who(*asterisk),
                "chmod 755 " + program.path + " (a symlink: chmod 755 /usr/bin/eecall)");
  }
  return item(name, CheckStatus::ok, program.path + " is executable by " + who(*asterisk));
}

CheckItem judge_config_for_asterisk(const PathFacts& file, const PathFacts& dir, const AsteriskUser& asterisk,
                                    bool acl) {
  const std::string name = "config for asterisk";
  if (!file.exists) {
    return item(name, CheckStatus::failed, "no configuration file: the menu is read from eecall.conf",
                "write [callin NAME] in /etc/eecall/eecall.conf (docs/callin.md)");
  }
  const std::string fix_group = asterisk ? group_name(asterisk->first.gid) : std::string("asterisk");
  const std::string fix = "chgrp " + fix_group + " " + file.path + " && chmod 640 " + file.path + " (and chmod g+x " +
                          dir.path + "; on FreePBX Apache and Asterisk both run as asterisk, so one group serves both)";
  if (!asterisk) {
    if (anyone_may(file, 4) && anyone_may(dir, 1)) {
      return item(name, CheckStatus::ok, file.path + " is readable by every user");
    }
    return item(name, CheckStatus::unknown, file.path + " (" + describe_owner(file) +
                                                ") found; the user Asterisk runs as is not known",
                "on the PBX: sudo -u asterisk head -c0 " + file.path + " && echo ok");
  }
  if (!may(asterisk->first, dir, 1) || !may(asterisk->first, file, 4)) {
    if (acl) {  // docs/callin.md's setfacl: the mode bits do not tell
      return item(name, CheckStatus::unknown,
                  file.path + " (" + describe_owner(file) + ") has an ACL the check does not read",
                  "getfacl " + file.path + " must list user:" + asterisk->first.name + ":r-- (or its group)");
    }
    return item(name, CheckStatus::failed,
                file.path + " (" + describe_owner(file) + ", in " + describe_owner(dir) + ") cannot be read by " +
                    who(*asterisk) + ": the AGI runs as that user and would hang up every call",
                fix);
  }
  return item(name, CheckStatus::ok, file.path + " is readable by " + who(*asterisk));
}

std::optional<int> agi_line_in(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const auto args = agi_arguments(line);
    if (!args || args->empty()) continue;
    const auto& program = args->front();
    const bool ours = program == "eecall" || program.ends_with("/eecall");
    if (ours && std::find(args->begin() + 1, args->end(), "callin=" + name) != args->end()) return number;
  }
  return std::nullopt;
}

CheckItem judge_dialplan(const std::string& name, const std::optional<DialplanLine>& found,
                         const std::string& config_dir, const std::vector<std::string>& unreadable) {
  const std::string show = "asterisk -rx 'dialplan show' | grep 'callin=" + name + "'";
  if (found) {
    return item("dialplan", CheckStatus::ok,
                found->file + ":" + std::to_string(found->line) + ": " + trimmed(found->text) +
                    " (Asterisk runs it after a dialplan reload)");
  }
  std::string why = "no line running AGI(eecall,callin=" + name + ") in " + config_dir + "/extensions*.conf";
  for (const auto& u : unreadable) why += "; " + u;
  return item("dialplan", CheckStatus::unknown, why + " (eecall does not ask Asterisk's own dialplan)",
              "add to " + config_dir + "/extensions_custom.conf, in [from-internal-custom] or the context of your "
              "inbound route: exten => 4000,1,AGI(eecall,callin=" + name +
                  ") then asterisk -rx 'dialplan reload' (docs/freepbx.md); see what Asterisk loaded: " + show);
}

CheckItem judge_read_key(const MenuKey& key, const FetchAnswer& answer, std::chrono::milliseconds timeout) {
  const auto name = key_name(key);
  const auto what = name + " read " + key.label + ": ";
  const std::string fix_url = "the box's address, device id and API user/secret in " + name + "'s URL (eeDomus: " +
                              "http://BOX/api/get?action=periph.caract&periph_id=…&api_user=…&api_secret=…)";
  if (!answer.answered) {
    return item(name, CheckStatus::failed,
                what + "no answer within " + std::to_string(timeout.count()) + " ms (" + answer.error + ")",
                fix_url + ", that the box is up, and any firewall between the PBX and the box; fetch_timeout = "
                          "raises the wait",
                ErrorCode::connect_failed);
  }
  if (!answer.succeeded()) {
    return item(name, CheckStatus::failed, what + "the box answered HTTP " + std::to_string(answer.http_status), fix_url);
  }
  const auto value = value_at(answer.body, key.field);
  if (!value) {
    return item(name, CheckStatus::failed,
                what + "HTTP " + std::to_string(answer.http_status) + " but nothing to speak at " +
                    (key.field.empty() ? std::string("the body (not short text)") : "field " + key.field),
                "the field after the second | of " + name +
                    ": a dotted path into the JSON answer (eeDomus: body.last_value_text)");
  }
  return item(name, CheckStatus::ok,
              what + "HTTP " + std::to_string(answer.http_status) + ", would say \"" + key.label + " : " + *value + "\"");
}

CheckItem judge_act_key(const MenuKey& key) {
  return item(key_name(key), CheckStatus::ok,
              key_name(key) + " act " + key.label +
                  ": its URL is not fetched by a check (a GET would act on the house); press the key in a call to try it");
}

Outcome check_callin(const std::string& name, const Config& config, const SettingValues& environment,
                     const AsteriskPlaces& places, const Fetcher& fetch) {
  const auto start = std::chrono::steady_clock::now();
  Outcome report;
  auto& items = report.checks;
  const auto menu = menu_from_config(config, name);
  items.push_back(judge_menu(menu));
  const auto asterisk = asterisk_account();
  std::vector<PathFacts> programs;
  for (const auto& dir : places.agi_dirs) programs.push_back(path_facts(dir + "/eecall"));
  items.push_back(judge_agi_program(programs, asterisk));
  if (!config.path.empty()) {
    const auto slash = config.path.find_last_of('/');
    const auto dir = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : config.path.substr(0, slash);
    items.push_back(judge_config_for_asterisk(path_facts(config.path), path_facts(dir), asterisk,
                                              has_acl(config.path) || has_acl(dir)));
  } else {
    items.push_back(judge_config_for_asterisk(PathFacts{}, PathFacts{}, asterisk));
  }
  std::optional<DialplanLine> found;
  std::vector<std::string> unreadable;
  for (const auto& file : dialplan_files(places.config_dir)) {
    std::ifstream in(file);
    if (!in) {
      unreadable.push_back(file + " could not be read");
      continue;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (const auto line = agi_line_in(text, name)) {
      std::istringstream lines(text);
      std::string content;
      for (int i = 0; i < *line; ++i) std::getline(lines, content);
      found = DialplanLine{file, *line, content};
      break;
    }
  }
  items.push_back(judge_dialplan(name, found, places.config_dir, unreadable));
  if (menu) {
    items.push_back(judge_pin(menu.value()));
    EffectiveSettings settings;
    (void)apply_settings(settings, environment);
    (void)apply_settings(settings, config.general);
    for (const auto& key : menu.value().keys) {
      if (key.kind == MenuKey::Kind::act) items.push_back(judge_act_key(key));
      if (key.kind != MenuKey::Kind::read) continue;
      // {caller} has no caller in a check: it is left empty, as for a call without caller ID.
      const auto url = expand_url_template(key.url, [](std::string_view) { return std::string(); });
      items.push_back(judge_read_key(key, fetch(url, menu.value().fetch_timeout), menu.value().fetch_timeout));
    }
  }
  settle_report(report);
  report.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return report;
}

Outcome run_callin_check(const Incoming& incoming, const std::string& name, const Config& config,
                         const SettingValues& environment) {
  if (incoming.over_http) {
    return refused({ErrorCode::forbidden,
                    "the call-in check runs on the PBX host's command line only: eecall --check callin=" + name,
                    "callin"},
                   std::chrono::steady_clock::now());
  }
  EffectiveSettings settings;
  (void)apply_settings(settings, environment);
  (void)apply_settings(settings, config.general);
  return check_callin(name, config, environment,
                      asterisk_places(std::getenv("AST_AGI_DIR"), std::getenv("AST_CONFIG_DIR")),
                      module_fetcher(settings.notify.module));
}

}  // namespace eecall::callin
