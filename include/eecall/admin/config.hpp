// The server-side configuration file: PBX profiles, so that no secret needs to be in a URL,
// and the admin's policy (token, URL credentials allowed or not).
//
//   [general]                      ; policy, and defaults for every request (settings.hpp keys)
//   allow_url_credentials = yes    ; no: refuse ip/user/secret in the URL (403 forbidden)
//   token = long-random-string     ; every request must carry token= or Authorization: Bearer
//   allow_hosts = 127.0.0.1        ; the only PBX a URL's ip may name (general only)
//   timeout = 10
//
//   [home]                         ; a profile, picked with profile=home ([default] when none)
//   host = 127.0.0.1
//   port = 5038
//   user = eedomus
//   secret = s3cret
//   allow_from = 1[0-9]{2}         ; any settings.hpp key overrides [general] for this PBX
//
// Comments: a line that starts with ';' or '#', and after a value ';' or '#' preceded by a
// blank (as in Asterisk's configs); "\;" and "\#" are a literal ';' and '#'. What could be
// either ("ab;cd", "Alarm #1") is refused with its file:line, never guessed (src/admin/ini.hpp).
//
// Path: --config, else EECALL_CONFIG, else /etc/eecall/eecall.conf (which may be absent).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/admin/environment.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

inline constexpr const char* default_config_path = "/etc/eecall/eecall.conf";
/// A larger file is refused (config_error): a configuration is a few hundred bytes.
inline constexpr std::size_t max_config_bytes = 1024 * 1024;

struct Profile {
  std::string name;
  SettingValues credentials;  // host, port, user, secret
  SettingValues settings;     // settings.hpp keys
};

/// One `key = value` of a section that another folder reads (a call-in menu: callin/).
struct ConfigEntry {
  std::string key;
  std::string value;
  std::string origin;  // "eecall.conf:12"
};

/// The prefix of a call-in menu's section: `[callin NAME]` (docs/callin.md); its keys are
/// kept as written and checked by callin/callin_config.cpp.
inline constexpr std::string_view callin_section_prefix = "callin ";

struct Config {
  std::string path;  // empty: no configuration file
  bool allow_url_credentials = true;
  std::string token;  // empty: no token required
  SettingValues general;
  std::map<std::string, Profile, std::less<>> profiles;
  std::map<std::string, std::vector<ConfigEntry>, std::less<>> callin_menus;  // by NAME

  [[nodiscard]] const Profile* profile(std::string_view name) const;
};

/// Reads and checks a configuration file. Every failure is config_error, and its message names
/// the file and, for content errors, the line. Refused: unreadable, malformed, unknown sections
/// or keys, bad values, and a file readable by everyone that holds a secret or the token.
Result<Config> load_config(const std::string& path);

/// The configuration for this run: `explicit_path` (--config) or EECALL_CONFIG must exist; the
/// default path may be absent (then: no profiles, old-style URLs only).
Result<Config> load_config_for(const Environment& env, const std::optional<std::string>& explicit_path);

}  // namespace eecall
