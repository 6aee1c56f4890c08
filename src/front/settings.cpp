#include "eecall/front/settings.hpp"

#include <cmath>
#include <cstdlib>

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
  return std::chrono::milliseconds(std::llround(value * 1000.0));
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

Result<ami::ClientSettings> settings_from_environment(const Environment& env) {
  ami::ClientSettings settings;
  if (auto v = lookup(env, "EECALL_TIMEOUT")) {
    auto t = parse_timeout(*v);
    if (!t) return bad("EECALL_TIMEOUT", "EECALL_TIMEOUT: " + t.failure().message);
    settings.total_timeout = t.value();
  }
  if (auto v = lookup(env, "EECALL_CONTEXT")) {
    auto c = check_context(*v);
    if (!c) return bad("EECALL_CONTEXT", "EECALL_CONTEXT: " + c.failure().message);
    settings.call.context = c.value();
  }
  if (auto v = lookup(env, "EECALL_CHANNEL")) {
    auto c = check_channel_template(*v);
    if (!c) return bad("EECALL_CHANNEL", "EECALL_CHANNEL: " + c.failure().message);
    settings.call.channel_template = c.value();
  }
  if (auto v = lookup(env, "EECALL_AUTH")) {
    auto a = parse_auth(*v);
    if (!a) return bad("EECALL_AUTH", "EECALL_AUTH: " + a.failure().message);
    settings.auth = a.value();
  }
  if (auto v = lookup(env, "EECALL_RING")) {
    auto r = check_ring_seconds("EECALL_RING", *v);
    if (!r) return bad("EECALL_RING", "EECALL_RING: " + r.failure().message);
    settings.call.ring_timeout_ms = r.value() * 1000;
  }
  if (auto v = lookup(env, "EECALL_CALLERID")) {
    auto c = check_caller_id_name("EECALL_CALLERID", *v);
    if (!c) return bad("EECALL_CALLERID", c.failure().message);
    settings.call.caller_id_name = c.value();
  }
  settings.step_timeout = std::min(settings.step_timeout, settings.total_timeout);
  return settings;
}

}  // namespace eecall::front
