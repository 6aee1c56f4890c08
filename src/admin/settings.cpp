#include "eecall/admin/settings.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "eecall/speech/cache.hpp"
#include "eecall/notify/url_template.hpp"
#include "eecall/request/parse.hpp"
#include "eecall/util/text.hpp"

namespace eecall {

namespace {

Failure bad(std::string_view subject, std::string message) {
  return {ErrorCode::invalid_parameter, std::move(message), std::string(subject)};
}

}  // namespace

Result<std::chrono::milliseconds> parse_timeout(std::string_view seconds) {
  const std::string s(seconds);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(value) || value < 0.1 ||
      value > 120.0) {
    return bad("timeout", "timeout must be a number of seconds from 0.1 to 120");
  }
  // value is positive here: rounding by hand keeps libm (llround) out of the program's loads.
  return std::chrono::milliseconds(static_cast<long long>(value * 1000.0 + 0.5));
}

Result<std::chrono::milliseconds> parse_ack_timeout(std::string_view seconds) {
  const std::string s(seconds);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(value) || value < 1.0 || value > 30.0) {
    return bad("ack_timeout", "ack_timeout must be a number of seconds from 1 to 30");
  }
  return std::chrono::milliseconds(static_cast<long long>(value * 1000.0 + 0.5));
}

// AMD's limits: seconds with a decimal part, from `min` to `max`.
Result<std::chrono::milliseconds> parse_amd_seconds(std::string_view key, std::string_view seconds, double min,
                                                    double max) {
  const std::string s(seconds);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(value) || value < min || value > max) {
    char range[64];
    std::snprintf(range, sizeof range, " must be a number of seconds from %g to %g", min, max);
    return bad(key, std::string(key) + range);
  }
  return std::chrono::milliseconds(static_cast<long long>(value * 1000.0 + 0.5));
}

Result<std::string> check_context(std::string_view context) {
  const bool ok = !context.empty() && context.size() <= 79 &&
                  std::all_of(context.begin(), context.end(), [](char c) {
                    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                           (c >= 'a' && c <= 'z') || c == '_' || c == '-';
                  });
  if (!ok) return bad("context", "context must be 1 to 79 characters among A-Z a-z 0-9 _ -");
  return std::string(context);
}

Result<std::string> check_channel_template(std::string_view channel_template) {
  const std::string t(channel_template);
  const bool printable = std::all_of(t.begin(), t.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (!printable || t.find("{from}") == std::string::npos || t.find('/') == std::string::npos ||
      t.size() > 200) {
    return bad("channel",
               "channel template must contain '/' and '{from}', with no blanks, e.g. "
               "Local/{from}@{context}");
  }
  return t;
}

Result<ami::AuthMethod> parse_auth(std::string_view name) {
  if (text::iequals(name, "plain")) return ami::AuthMethod::plain;
  if (text::iequals(name, "md5")) return ami::AuthMethod::md5;
  return bad("auth", "auth must be 'plain' or 'md5'");
}

Result<bool> parse_yes_no(std::string_view subject, std::string_view value) {
  for (const char* yes : {"yes", "true", "on", "1"}) {
    if (text::iequals(value, yes)) return true;
  }
  for (const char* no : {"no", "false", "off", "0"}) {
    if (text::iequals(value, no)) return false;
  }
  return bad(subject, std::string(subject) + " must be yes or no");
}

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 33> keys_and_variables = {{
    {"timeout", "EECALL_TIMEOUT"},
    {"context", "EECALL_CONTEXT"},
    {"channel", "EECALL_CHANNEL"},
    {"auth", "EECALL_AUTH"},
    {"tls", "EECALL_TLS"},
    {"ca_file", "EECALL_CA_FILE"},
    {"ring", "EECALL_RING"},
    {"callerid", "EECALL_CALLERID"},
    {"allow_from", "EECALL_ALLOW_FROM"},
    {"allow_to", "EECALL_ALLOW_TO"},
    {"step_timeout", "EECALL_STEP_TIMEOUT"},
    {"ack_timeout", "EECALL_ACK_TIMEOUT"},
    {"amd", "EECALL_AMD"},
    {"amd_initial_silence", "EECALL_AMD_INITIAL_SILENCE"},
    {"amd_greeting", "EECALL_AMD_GREETING"},
    {"amd_total_time", "EECALL_AMD_TOTAL_TIME"},
    {"voice", "EECALL_VOICE"},
    {"audio_dir", "EECALL_AUDIO_DIR"},
    {"audio_max_mb", "EECALL_AUDIO_MAX_MB"},
    {"max_actions_per_minute", "EECALL_MAX_ACTIONS_PER_MINUTE"},
    {"repeat_window", "EECALL_REPEAT_WINDOW"},
    {"state_dir", "EECALL_STATE_DIR"},
    {"allow_hosts", "EECALL_ALLOW_HOSTS"},
    {"jobs_dir", "EECALL_JOBS_DIR"},
    {"max_jobs", "EECALL_MAX_JOBS"},
    {"job_log", "EECALL_JOB_LOG"},
    {"notify_url", "EECALL_NOTIFY_URL"},
    {"notify_timeout", "EECALL_NOTIFY_TIMEOUT"},
    {"notify_value_acknowledged", "EECALL_NOTIFY_VALUE_ACKNOWLEDGED"},
    {"notify_value_answered", "EECALL_NOTIFY_VALUE_ANSWERED"},
    {"notify_value_not_acknowledged", "EECALL_NOTIFY_VALUE_NOT_ACKNOWLEDGED"},
    {"notify_value_failed", "EECALL_NOTIFY_VALUE_FAILED"},
    {"notify_value_cancelled", "EECALL_NOTIFY_VALUE_CANCELLED"},
}};

// Keys that mean something for every request alike, so only [general] (or EECALL_*) may set them.
constexpr std::array<std::string_view, 5> general_only_keys = {"state_dir", "allow_hosts", "jobs_dir",
                                                                "max_jobs", "job_log"};
constexpr std::string_view notify_value_prefix = "notify_value_";

// A whole number from `min` to `max`, in decimal digits only.
Result<int> check_count(std::string_view subject, std::string_view value, int min, int max,
                        const char* what) {
  int n = 0;
  const bool digits = !value.empty() && value.size() <= 6 &&
                      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  for (const char c : digits ? value : std::string_view{}) n = n * 10 + (c - '0');
  if (!digits || n < min || n > max) {
    return bad(subject, std::string(subject) + " must be " + what + " from " + std::to_string(min) +
                            " to " + std::to_string(max));
  }
  return n;
}


// libstdc++ 12 reads the counts of {n,m} and the number of a back-reference \N into a long
// with no overflow check (signed overflow, found by config_fuzz), and std::regex copies a
// group once per repetition: both are bounded before compiling. Phone-number patterns need
// counts of tens ("[0-9]{10}") and few groups.
constexpr std::uint64_t max_repetitions = 10000;
constexpr std::uint64_t max_backreference = 99;
// libstdc++'s regex compiler recurses once per term: a pattern of 17 000 characters overflowed
// the stack under AddressSanitizer (config_fuzz's long run). Phone-number patterns are short.
constexpr std::size_t max_pattern_length = 1000;

struct Number {
  std::uint64_t value;  // at most the cap + 1
  std::size_t end;      // just past the digits
};

Number read_number(std::string_view text, std::size_t at, std::uint64_t cap) {
  std::uint64_t n = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    n = std::min(n * 10 + static_cast<std::uint64_t>(text[at] - '0'), cap + 1);
  }
  return {n, at};
}

// The larger count of the {n}, {n,} or {n,m} whose brace is at `open`.
std::uint64_t brace_count(std::string_view pattern, std::size_t open) {
  std::uint64_t count = 0;
  for (std::size_t j = open + 1; j < pattern.size() && pattern[j] != '}';) {
    if (pattern[j] == ',') {
      ++j;
      continue;
    }
    const auto n = read_number(pattern, j, max_repetitions);
    if (n.end == j) break;  // not a count: std::regex judges it
    count = std::max(count, n.value);
    j = n.end;
  }
  return count;
}

// Why std::regex must not compile `pattern` (empty: it may).
std::string why_not_compiled(std::string_view pattern) {
  if (pattern.size() > max_pattern_length) return "is longer than 1000 characters";
  std::uint64_t product = 1;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      const auto reference = read_number(pattern, i + 1, max_backreference);
      if (reference.value > max_backreference) return "has a back-reference above \\99";
      i = std::max(i + 1, reference.end - 1);  // past the digits, or the one escaped character
      continue;
    }
    if (pattern[i] == '{') {
      product = std::min(product * std::max<std::uint64_t>(brace_count(pattern, i), 1), max_repetitions + 1);
    }
  }
  if (product > max_repetitions) return "repeats more than 10000 times in all ({n} counts)";
  return {};
}

Result<std::string> check_regex(std::string_view subject, std::string_view value) {
  if (const auto why = why_not_compiled(value); !why.empty()) {
    return bad(subject, std::string(subject) + " " + why + ": not a pattern eecall compiles");
  }
  try {
    const std::regex compiled{std::string(value), std::regex::ECMAScript};
    (void)compiled;
  } catch (const std::regex_error& e) {
    return bad(subject, std::string(subject) + " is not a valid regular expression: " + e.what());
  }
  return std::string(value);
}

Result<std::string> check_absolute_path(std::string_view key, std::string_view value) {
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c != 0x7F; });
  if (value.empty() || value.front() != '/' || !printable || value.size() > 1024) {
    return bad(key, std::string(key) + " must be an absolute path");
  }
  return std::string(value);
}

// A {value} is substituted percent-encoded, so any short printable text will do.
Result<std::string> check_notify_value(std::string_view key, std::string_view value) {
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c != 0x7F; });
  if (!printable || value.size() > 64) {
    return bad(key, std::string(key) + " must be at most 64 characters, without control characters");
  }
  return std::string(value);
}

// Stores a checked value in `target`, or gives the check's failure.
template <typename T, typename Target>
Status take(Result<T> result, Target& target) {
  if (!result) return result.failure();
  target = std::move(result.value());
  return std::nullopt;
}

// A whole number of seconds from `min` to `max`.
Result<std::chrono::seconds> check_seconds(std::string_view key, std::string_view value, int min, int max,
                                           const char* what) {
  auto seconds = check_count(key, value, min, max, what);
  if (!seconds) return seconds.failure();
  return std::chrono::seconds(seconds.value());
}

// audio_max_mb: whole MiB, so that the bound reads the same in the file and the docs.
Result<std::uint64_t> check_audio_max_bytes(std::string_view key, std::string_view value) {
  auto mb = check_count(key, value, 1, 65536, "a whole number of MiB");
  if (!mb) return mb.failure();
  return static_cast<std::uint64_t>(mb.value()) << 20;
}

Result<std::string> check_voice_setting(std::string_view value) {
  auto voice = speech::check_voice(value);
  if (!voice) {
    return bad("voice", "voice must be an espeak-ng voice name of 1 to 40 characters among A-Z a-z "
                        "0-9 _ + - (e.g. fr, en, de)");
  }
  return std::move(voice.value());
}

// ring is given in seconds and kept in milliseconds.
Result<int> check_ring_ms(std::string_view value) {
  auto seconds = check_ring_seconds("ring", value);
  if (!seconds) return seconds.failure();
  return seconds.value() * 1000;
}

// Checks and applies one key: one line per key, its check and where it goes. The failure
// message is completed with the origin by the caller.
Status apply_one(EffectiveSettings& s, std::string_view key, const std::string& v) {
  auto& c = s.client;
  if (key == "timeout") return take(parse_timeout(v), c.total_timeout);
  if (key == "step_timeout") return take(parse_timeout(v), c.step_timeout);
  if (key == "ack_timeout") return take(parse_ack_timeout(v), c.alert.ack_timeout);
  if (key == "amd") return take(parse_yes_no("amd", v), c.alert.amd.enabled);
  if (key == "amd_initial_silence") return take(parse_amd_seconds(key, v, 0.5, 10), c.alert.amd.initial_silence);
  if (key == "amd_greeting") return take(parse_amd_seconds(key, v, 0.5, 10), c.alert.amd.greeting);
  if (key == "amd_total_time") return take(parse_amd_seconds(key, v, 2, 15), c.alert.amd.total_time);
  if (key == "context") return take(check_context(v), c.call.context);
  if (key == "channel") return take(check_channel_template(v), c.call.channel_template);
  if (key == "auth") return take(parse_auth(v), c.auth);
  if (key == "tls") return take(parse_yes_no("tls", v), c.tls);
  if (key == "ca_file") return take(check_absolute_path("ca_file", v), c.ca_file);
  if (key == "callerid") return take(check_caller_id_name("callerid", v), c.call.caller_id_name);
  if (key == "allow_from") return take(check_regex("allow_from", v), s.policy.allow_from);
  if (key == "allow_to") return take(check_regex("allow_to", v), s.policy.allow_to);
  if (key == "voice") return take(check_voice_setting(v), s.voice);
  if (key == "audio_dir") return take(speech::check_audio_dir(v), s.speech.audio_dir);
  if (key == "audio_max_mb") return take(check_audio_max_bytes(key, v), s.speech.max_bytes);
  if (key == "max_actions_per_minute") {
    return take(check_count(key, v, 0, max_max_actions_per_minute, "a number of actions"),
                s.flood.max_actions_per_minute);
  }
  if (key == "repeat_window") {
    return take(check_seconds(key, v, 0, max_repeat_window_seconds, "a number of seconds"), s.flood.repeat_window);
  }
  if (key == "state_dir") return take(check_absolute_path(key, v), s.flood.state_dir);
  if (key == "allow_hosts") return take(HostList::parse(v), s.policy.allow_hosts);
  if (key == "jobs_dir") return take(check_absolute_path(key, v), s.jobs.dir);
  if (key == "max_jobs") return take(check_count(key, v, 1, 100, "a whole number"), s.jobs.max_jobs);
  if (key == "job_log") return take(check_absolute_path(key, v), s.jobs.log_file);
  if (key == "notify_url") return take(check_notify_template(v), s.notify.url_template);
  if (key == "notify_timeout") {
    return take(check_seconds(key, v, 1, 30, "a whole number of seconds"), s.notify.timeout);
  }
  if (key.starts_with(notify_value_prefix) && is_setting_key(key)) {
    return take(check_notify_value(key, v), s.notify.values[std::string(key.substr(notify_value_prefix.size()))]);
  }
  if (key == "ring") return take(check_ring_ms(v), c.call.ring_timeout_ms);
  return bad(key, "unknown setting '" + std::string(key) + "'");
}

}  // namespace

bool is_setting_key(std::string_view key) {
  return std::any_of(keys_and_variables.begin(), keys_and_variables.end(),
                     [&](const auto& kv) { return kv.first == key; });
}

bool is_general_only_key(std::string_view key) {
  return std::find(general_only_keys.begin(), general_only_keys.end(), key) != general_only_keys.end();
}

Status apply_settings(EffectiveSettings& settings, const SettingValues& values) {
  for (const auto& [key, setting] : values) {
    if (auto failed = apply_one(settings, key, setting.value)) {
      return Failure{ErrorCode::config_error, setting.origin + ": " + failed->message, setting.origin};
    }
  }
  // The step deadline never outlives the whole request's.
  settings.client.step_timeout = std::min(settings.client.step_timeout, settings.client.total_timeout);
  return std::nullopt;
}

SettingValues environment_values(const Environment& env) {
  SettingValues values;
  for (const auto& [key, variable] : keys_and_variables) {
    if (auto v = lookup(env, std::string(variable))) values[std::string(key)] = {*v, std::string(variable)};
  }
  return values;
}

Result<ami::ClientSettings> settings_from_environment(const Environment& env) {
  EffectiveSettings settings;
  if (auto failed = apply_settings(settings, environment_values(env))) return *failed;
  return settings.client;
}

}  // namespace eecall
