#include "eecall/admin/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "eecall/request/parse.hpp"
#include "eecall/util/unique_fd.hpp"
#include "ini.hpp"

namespace eecall {

namespace {

Failure config_failure(std::string message) {
  return {ErrorCode::config_error, std::move(message), "config"};
}

// Reads the whole file, but never more than max_config_bytes: a character device given as the
// configuration (/dev/null is fine, /dev/zero is a mistake) must not be read forever.
Result<std::string> read_config_text(const std::string& path) {
  const UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!file.valid()) {
    const int error = errno;  // before any allocation below can change it
    return config_failure("cannot read configuration " + path + ": " + std::strerror(error) +
                          " (the web server's user must be able to read it: group www-data, mode 0640)");
  }
  std::string text;
  char chunk[4096];
  while (text.size() <= max_config_bytes) {
    const auto n = ::read(file.get(), chunk, sizeof chunk);
    if (n == 0) return text;
    if (n < 0) {
      const int error = errno;
      if (error == EINTR) continue;
      return config_failure("cannot read configuration " + path + ": " + std::strerror(error));
    }
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return config_failure("configuration " + path + " is larger than " +
                        std::to_string(max_config_bytes) + " bytes");
}

bool is_profile_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == '-';
  });
}

constexpr std::array<std::string_view, 4> credential_keys = {"host", "port", "user", "secret"};

bool is_credential_key(std::string_view key) {
  return std::find(credential_keys.begin(), credential_keys.end(), key) != credential_keys.end();
}

// A profile's PBX must pass the same checks as the URL parameters it replaces.
Status check_credentials(const Profile& profile, const std::string& where) {
  const auto get = [&](const char* key) {
    auto it = profile.credentials.find(key);
    return it == profile.credentials.end() ? std::string() : it->second.value;
  };
  for (const char* key : {"host", "user", "secret"}) {
    if (get(key).empty()) {
      return config_failure(where + ": profile [" + profile.name + "] has no " + key);
    }
  }
  const Params params = {{"ip", get("host")}, {"port", get("port")}, {"user", get("user")},
                         {"secret", get("secret")}, {"from", "100"}, {"to", "100"}};
  auto checked = parse_request(params);
  if (checked) return std::nullopt;
  const auto key = checked.failure().subject == "ip" ? std::string("host") : checked.failure().subject;
  const auto it = profile.credentials.find(key);
  const auto origin = it == profile.credentials.end() ? where : it->second.origin;
  // The parameter rules speak of "ip"; the file says "host". Never echo the secret.
  return config_failure(origin + ": profile [" + profile.name + "] " + key + ": " +
                        (key == "secret" ? std::string("not a usable secret") : checked.failure().message));
}

// The configuration must be a file (or a character device such as /dev/null: an empty
// configuration). Its mode, for check_secrets_private().
Result<mode_t> config_file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    return config_failure("cannot read configuration " + path + ": " + std::strerror(error));
  }
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return config_failure("configuration " + path + " is not a regular file");
  }
  return st.st_mode;
}

// Keys whose value never holds a blank: a blank there is a comment without its ';', and the
// value would silently refuse every call (a regular expression) or every notification.
constexpr std::array<std::string_view, 3> unblanked_keys = {"allow_from", "allow_to", "notify_url"};

Status check_no_blank(const std::string& key, const Setting& setting) {
  if (std::find(unblanked_keys.begin(), unblanked_keys.end(), key) == unblanked_keys.end() ||
      setting.value.find_first_of(" \t") == std::string::npos) {
    return std::nullopt;
  }
  return config_failure(setting.origin + ": " + key +
                        ": a blank inside the value (a comment starts with ' ;' or ' #')");
}

// Files one key of a section: a policy key of [general], a profile's credential, or a setting
// of either; any other key is refused.
Status take_key(Config& config, Profile& profile, bool general, const std::string& key, Setting setting) {
  const auto& where = setting.origin;
  if (auto failed = check_no_blank(key, setting)) return failed;
  if (general && key == "allow_url_credentials") {
    auto yes = parse_yes_no(key, setting.value);
    if (!yes) return config_failure(where + ": " + yes.failure().message);
    config.allow_url_credentials = yes.value();
  } else if (general && key == "token") {
    if (setting.value.size() < 16) return config_failure(where + ": token must be at least 16 characters");
    config.token = setting.value;
  } else if (!general && is_general_only_key(key)) {
    return config_failure(where + ": " + key + " belongs in [general]: every request shares it");
  } else if (!general && is_credential_key(key)) {
    profile.credentials[key] = std::move(setting);
  } else if (is_setting_key(key)) {
    (general ? config.general : profile.settings)[key] = std::move(setting);
  } else {
    return config_failure(where + ": unknown key '" + key + "' in [" + profile.name + "]");
  }
  return std::nullopt;
}

// Reads [general] or a profile into `config`. Every value is checked now, not at the first
// request that happens to use it.
Status read_section(Config& config, const ini::Section& section, const std::string& path) {
  const auto where = [&](int line) { return path + ":" + std::to_string(line); };
  if (section.name.starts_with(callin_section_prefix)) {
    const auto name = section.name.substr(callin_section_prefix.size());
    if (!is_profile_name(name)) {
      return config_failure(where(section.line) + ": [" + section.name +
                            "] is not a usable call-in menu name (1-32 of A-Z a-z 0-9 _ -)");
    }
    auto& entries = config.callin_menus[name];
    for (const auto& entry : section.entries) entries.push_back({entry.key, entry.value, where(entry.line)});
    return std::nullopt;
  }
  const bool general = section.name == "general";
  if (!general && !is_profile_name(section.name)) {
    return config_failure(where(section.line) + ": [" + section.name +
                          "] is not a usable profile name (1-32 of A-Z a-z 0-9 _ -)");
  }
  Profile profile;
  profile.name = section.name;
  for (const auto& entry : section.entries) {
    if (auto failed = take_key(config, profile, general, entry.key, {entry.value, where(entry.line)})) {
      return failed;
    }
  }
  EffectiveSettings scratch;
  if (auto failed = apply_settings(scratch, general ? config.general : profile.settings)) {
    return config_failure(failed->message);
  }
  if (general) return std::nullopt;
  const auto host = profile.credentials.find("host");
  const auto host_line = host == profile.credentials.end() ? where(section.line) : host->second.origin;
  if (auto failed = check_credentials(profile, host_line)) return failed;
  config.profiles.emplace(section.name, std::move(profile));
  return std::nullopt;
}

// A file that holds a secret (a profile's or the token) must not be readable by everyone.
Status check_secrets_private(const Config& config, mode_t mode) {
  const bool holds_secrets =
      !config.token.empty() || !config.profiles.empty() || !config.callin_menus.empty();
  if (!holds_secrets || (mode & S_IROTH) == 0) return std::nullopt;
  return config_failure("configuration " + config.path +
                        " holds secrets but every user may read it: chmod 0640 it and give it to "
                        "the web server's group (chgrp www-data)");
}

}  // namespace

const Profile* Config::profile(std::string_view name) const {
  auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

Result<Config> load_config(const std::string& path) {
  auto mode = config_file_mode(path);
  if (!mode) return mode.failure();
  auto text = read_config_text(path);
  if (!text) return text.failure();
  auto sections = ini::parse(text.value(), path);
  if (!sections) return sections.failure();

  Config config;
  config.path = path;
  for (const auto& section : sections.value()) {
    if (auto failed = read_section(config, section, path)) return *failed;
  }
  if (auto failed = check_secrets_private(config, mode.value())) return *failed;
  return config;
}

Result<Config> load_config_for(const Environment& env, const std::optional<std::string>& explicit_path) {
  if (explicit_path) return load_config(*explicit_path);
  if (auto path = lookup(env, "EECALL_CONFIG"); path && !path->empty()) return load_config(*path);
  struct stat st {};
  if (::stat(default_config_path, &st) != 0 && errno == ENOENT) return Config{};
  return load_config(default_config_path);
}

}  // namespace eecall
