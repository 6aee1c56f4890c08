#include "eecall/front/settings.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>
#include <cstdlib>

#include "eecall/speech/cache.hpp"
#include "eecall/text.hpp"

namespace eecall::front {

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

constexpr std::array<std::pair<std::string_view, std::string_view>, 15> keys_and_variables = {{
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
    {"voice", "EECALL_VOICE"},
    {"audio_dir", "EECALL_AUDIO_DIR"},
    {"audio_max_mb", "EECALL_AUDIO_MAX_MB"},
}};

Result<std::string> check_regex(std::string_view subject, std::string_view value) {
  try {
    const std::regex compiled{std::string(value), std::regex::ECMAScript};
    (void)compiled;
  } catch (const std::regex_error& e) {
    return bad(subject, std::string(subject) + " is not a valid regular expression: " + e.what());
  }
  return std::string(value);
}

Result<std::string> check_ca_file(std::string_view value) {
  if (value.empty() || value.front() != '/') return bad("ca_file", "ca_file must be an absolute path");
  return std::string(value);
}

// Whole MiB, so that the bound reads the same in the file and in the docs.
Result<std::uint64_t> parse_audio_max_mb(std::string_view value) {
  constexpr std::uint64_t max_mb = 65536;
  std::uint64_t mb = 0;
  const bool digits = !value.empty() && value.size() <= 5 &&
                      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    for (const char c : value) mb = mb * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!digits || mb < 1 || mb > max_mb) {
    return bad("audio_max_mb", "audio_max_mb must be a whole number of MiB from 1 to 65536");
  }
  return mb << 20;
}

// Applies one key; the failure message is completed with the origin by the caller.
std::optional<Failure> apply_one(EffectiveSettings& s, std::string_view key, const std::string& v) {
  auto& c = s.client;
  auto take = [](auto result, auto& target) -> std::optional<Failure> {
    if (!result) return result.failure();
    target = std::move(result.value());
    return std::nullopt;
  };
  if (key == "timeout") return take(parse_timeout(v), c.total_timeout);
  if (key == "step_timeout") return take(parse_timeout(v), c.step_timeout);
  if (key == "ack_timeout") return take(parse_ack_timeout(v), c.alert.ack_timeout);
  if (key == "context") return take(check_context(v), c.call.context);
  if (key == "channel") return take(check_channel_template(v), c.call.channel_template);
  if (key == "auth") return take(parse_auth(v), c.auth);
  if (key == "tls") return take(parse_yes_no("tls", v), c.tls);
  if (key == "ca_file") return take(check_ca_file(v), c.ca_file);
  if (key == "callerid") return take(check_caller_id_name("callerid", v), c.call.caller_id_name);
  if (key == "allow_from") return take(check_regex("allow_from", v), s.policy.allow_from);
  if (key == "allow_to") return take(check_regex("allow_to", v), s.policy.allow_to);
  if (key == "voice") {
    auto voice = speech::check_voice(v);
    if (!voice) {
      return bad("voice", "voice must be an espeak-ng voice name of 1 to 40 characters among A-Z a-z "
                          "0-9 _ + - (e.g. fr, en, de)");
    }
    s.voice = std::move(voice.value());
    return std::nullopt;
  }
  if (key == "audio_dir") return take(speech::check_audio_dir(v), s.speech.audio_dir);
  if (key == "audio_max_mb") return take(parse_audio_max_mb(v), s.speech.max_bytes);
  if (key == "ring") {
    auto r = check_ring_seconds("ring", v);
    if (!r) return r.failure();
    c.call.ring_timeout_ms = r.value() * 1000;
    return std::nullopt;
  }
  return bad(key, "unknown setting '" + std::string(key) + "'");
}

}  // namespace

bool is_setting_key(std::string_view key) {
  return std::any_of(keys_and_variables.begin(), keys_and_variables.end(),
                     [&](const auto& kv) { return kv.first == key; });
}

std::optional<Failure> apply_settings(EffectiveSettings& settings, const SettingValues& values) {
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

}  // namespace eecall::front
