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
//   amd         EECALL_AMD       yes | no (default no): alerts run answering-machine detection
//                                  unless the request says amd=0|1
//   amd_initial_silence, amd_greeting, amd_total_time  EECALL_AMD_*  AMD's limits in seconds
//                                  (0.5..10, 0.5..10, 2..15; defaults 2.5, 1.5, 5)
//   voice       EECALL_VOICE     espeak-ng voice of spoken alerts (default fr)
//   audio_dir   EECALL_AUDIO_DIR   where spoken alerts' audio is cached (/var/lib/eecall/audio)
//   audio_max_mb  EECALL_AUDIO_MAX_MB  bound on that cache's size in MiB (1..65536; default 64)
//   max_actions_per_minute  EECALL_MAX_ACTIONS_PER_MINUTE  calls, alerts and messages a profile
//                                  (or a PBX named in the URL) may make per minute (0..1000;
//                                  default 30; 0: no limit)
//   repeat_window  EECALL_REPEAT_WINDOW  seconds during which the very same request is answered
//                                  as a duplicate without acting (0..3600; default 0: off)
//   state_dir   EECALL_STATE_DIR   [general] only: where the memory of both lives
//                                  (default /var/lib/eecall)
//   allow_hosts EECALL_ALLOW_HOSTS [general] only: the PBX hosts a URL's `ip` may name (names,
//                                  addresses, CIDR ranges; default: any)
// Background jobs (background=1), [general] only (every request shares them):
//   jobs_dir    EECALL_JOBS_DIR  where the jobs' state files live (default /var/lib/eecall/jobs)
//   max_jobs    EECALL_MAX_JOBS  background jobs running at once (1..100; default 4)
//   job_log     EECALL_JOB_LOG   file the jobs log to (default: syslog)
// What a job tells when it ends (notify.hpp), in [general] or a profile:
//   notify_url      EECALL_NOTIFY_URL      URL template fetched with GET (default: none)
//   notify_timeout  EECALL_NOTIFY_TIMEOUT  seconds per try (1..30; default 5)
//   notify_value_acknowledged, _answered, _not_acknowledged, _failed, _cancelled
//                   EECALL_NOTIFY_VALUE_*  the {value} of each end (default 1 for the first
//                                          two, 0 for the others)
#pragma once

#include <map>
#include <string>

#include "eecall/ami/client.hpp"
#include "eecall/admin/environment.hpp"
#include "eecall/admin/host_list.hpp"
#include "eecall/util/result.hpp"
#include "eecall/speech/speech.hpp"

namespace eecall {

/// One raw value and where it came from ("eecall.conf:12", "EECALL_TIMEOUT", "--timeout").
struct Setting {
  std::string value;
  std::string origin;
};
using SettingValues = std::map<std::string, Setting, std::less<>>;

/// The default of allow_from and allow_to: digits only.
inline constexpr std::string_view default_allow_pattern = "[0-9]+";

/// Which numbers a URL may dial: ECMAScript regular expressions matching the whole value; and
/// which PBX hosts it may name.
struct Policy {
  std::string allow_from{default_allow_pattern};  // calls: the first phone or number rung
  std::string allow_to{default_allow_pattern};    // calls and messages: the destination
  HostList allow_hosts;                           // URL credentials only; empty: any host
};

inline constexpr const char* default_state_dir = "/var/lib/eecall";
inline constexpr int default_max_actions_per_minute = 30;
inline constexpr int max_max_actions_per_minute = 1000;
inline constexpr int max_repeat_window_seconds = 3600;

/// The anti-flood: at most `max_actions_per_minute` actions per profile (or per PBX host and
/// port for URL credentials), and the same request again within `repeat_window` answered as a
/// duplicate. Their memory is one file in `state_dir` (guard/flood_guard.hpp).
struct FloodLimits {
  int max_actions_per_minute = default_max_actions_per_minute;  // 0: no limit
  std::chrono::seconds repeat_window{0};                        // 0: off
  std::string state_dir{default_state_dir};

  [[nodiscard]] bool off() const noexcept {
    return max_actions_per_minute == 0 && repeat_window.count() == 0;
  }
};

/// The default voice of spoken alerts.
inline constexpr std::string_view default_voice = "fr";
/// Background jobs: where their state lives, how many run at once, where they log.
struct JobSettings {
  std::string dir = "/var/lib/eecall/jobs";
  int max_jobs = 4;
  std::string log_file;  // empty: syslog
};

/// The URL a job fetches once it ended, and the {value} of each way it can end.
struct NotifySettings {
  std::string url_template;  // empty: no notify
  std::chrono::milliseconds timeout{5000};
  std::map<std::string, std::string, std::less<>> values;  // "acknowledged" -> "1", from notify_value_*
  /// The module to load (eecall-notify.so); empty: the one next to the program or installed.
  std::string module;
};

struct EffectiveSettings {
  ami::ClientSettings client;
  Policy policy;
  speech::Settings speech;
  std::string voice{default_voice};  // a request's lang= overrides it
  FloodLimits flood;
  JobSettings jobs;
  NotifySettings notify;
};

/// True for the keys listed above.
bool is_setting_key(std::string_view key);
/// True for the keys that only [general] (or an EECALL_* variable) may set, as they concern
/// every request at once: state_dir, allow_hosts, jobs_dir, max_jobs, job_log.
bool is_general_only_key(std::string_view key);

/// Checks and applies `values` in place. Failure: config_error naming the value's origin.
Status apply_settings(EffectiveSettings& settings, const SettingValues& values);

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

}  // namespace eecall
