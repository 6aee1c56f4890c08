// Admin-side settings shared by CGI and command line. The same keys come from four places,
// applied in this order (later wins): built-in defaults, EECALL_* variables, the config file's
// [general], the chosen [profile], command-line options.
//
//   key         EECALL_*         meaning
//   timeout     EECALL_TIMEOUT   total deadline in seconds (decimal allowed, 0.1..120; default 10)
//   context     EECALL_CONTEXT   dialplan context for calls (default from-internal)
//   channel     EECALL_CHANNEL   channel template with {from}, {context} (Local/{from}@{context})
//   auth        EECALL_AUTH      md5 (default: Challenge + Key, the secret never crosses) | plain
//   tls         EECALL_TLS       yes | no (default no): TLS to AMI, certificate verified
//   ca_file     EECALL_CA_FILE   CA certificates for tls (default: the system store)
//   ring        EECALL_RING      default ring time of a call in seconds (5..120; default 30)
//   callerid    EECALL_CALLERID  default display name on the rung phone (default: none)
//   allow_from  EECALL_ALLOW_FROM  regular expression a call's `from` must match ([0-9]+)
//   allow_to    EECALL_ALLOW_TO    regular expression `to` must match ([0-9]+)
//   ack_timeout EECALL_ACK_TIMEOUT alert with ack: seconds Read waits for the key after each
//                                  play of the prompt (1..30; default 5)
//   voice       EECALL_VOICE     espeak-ng voice of spoken alerts (default fr)
//   audio_dir   EECALL_AUDIO_DIR   where spoken alerts' audio is cached (/var/lib/eecall/audio)
//   audio_max_mb  EECALL_AUDIO_MAX_MB  bound on that cache's size in MiB (1..65536; default 64)
#pragma once

#include <map>
#include <string>

#include "eecall/ami/client.hpp"
#include "eecall/front/environment.hpp"
#include "eecall/result.hpp"
#include "eecall/speech/speech.hpp"

namespace eecall::front {

/// One raw value and where it came from ("eecall.conf:12", "EECALL_TIMEOUT", "--timeout").
struct Setting {
  std::string value;
  std::string origin;
};
using SettingValues = std::map<std::string, Setting, std::less<>>;

/// The default of allow_from and allow_to: digits only.
inline constexpr std::string_view default_allow_pattern = "[0-9]+";

/// Which numbers a URL may dial: ECMAScript regular expressions matching the whole value.
struct Policy {
  std::string allow_from{default_allow_pattern};  // calls: the first phone or number rung
  std::string allow_to{default_allow_pattern};    // calls and messages: the destination
};

/// The default voice of spoken alerts.
inline constexpr std::string_view default_voice = "fr";

struct EffectiveSettings {
  ami::ClientSettings client;
  Policy policy;
  speech::Settings speech;
  std::string voice{default_voice};  // a request's lang= overrides it
};

/// True for the keys listed above.
bool is_setting_key(std::string_view key);

/// Checks and applies `values` in place. Failure: config_error naming the value's origin.
std::optional<Failure> apply_settings(EffectiveSettings& settings, const SettingValues& values);

/// The EECALL_* variables present in `env`, as setting values.
SettingValues environment_values(const Environment& env);

/// Defaults + EECALL_* variables (what a run without config file uses).
Result<ami::ClientSettings> settings_from_environment(const Environment& env);

/// Checkers shared with the command-line options. Failures are invalid_parameter.
Result<std::chrono::milliseconds> parse_timeout(std::string_view seconds);
Result<std::chrono::milliseconds> parse_ack_timeout(std::string_view seconds);
Result<std::string> check_context(std::string_view context);
Result<std::string> check_channel_template(std::string_view channel_template);
Result<ami::AuthMethod> parse_auth(std::string_view name);
Result<bool> parse_yes_no(std::string_view subject, std::string_view value);

}  // namespace eecall::front
