#include "eecall/admin/policy.hpp"

#include <nettle/memops.h>

#include <algorithm>
#include <array>
#include <regex>

#include "eecall/util/text.hpp"

namespace eecall {

namespace {

constexpr std::array<std::string_view, 4> url_credentials = {"ip", "port", "user", "secret"};

std::string first_value(const Params& params, std::string_view name) {
  for (const auto& [n, v] : params) {
    if (n == name && !v.empty()) return v;
  }
  return {};
}

bool has_url_credentials(const Params& params) {
  return std::any_of(params.begin(), params.end(), [](const auto& p) {
    return !p.second.empty() &&
           std::find(url_credentials.begin(), url_credentials.end(), p.first) != url_credentials.end();
  });
}

Failure forbidden(std::string message, std::string subject) {
  return {ErrorCode::forbidden, std::move(message), std::move(subject)};
}

// The default pattern is checked without std::regex: compiling one costs about as much as the
// rest of a request's own work, and a CGI process would compile it on every request.
bool matches(const std::string& pattern, const std::string& value) {
  if (pattern == default_allow_pattern) {
    return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  return std::regex_match(value, std::regex(pattern, std::regex::ECMAScript));
}

}  // namespace

bool token_matches(std::string_view expected, std::string_view given) {
  const auto a = text::sha256_hex(expected);
  const auto b = text::sha256_hex(given);
  return memeql_sec(a.data(), b.data(), a.size()) != 0;  // both 64 hex digits
}

Status check_token(const Incoming& incoming, const Config& config) {
  if (config.token.empty()) return std::nullopt;
  auto given = first_value(incoming.params, "token");
  if (given.empty()) given = incoming.bearer_token;
  if (given.empty() || !token_matches(config.token, given)) {
    return forbidden("this server requires a valid token (token= or Authorization: Bearer)", "token");
  }
  return std::nullopt;
}

Result<EffectiveSettings> general_settings(const Incoming& incoming, const Config& config,
                                           const SettingValues& environment) {
  EffectiveSettings settings;
  for (const auto* values : {&environment, &config.general, &incoming.overrides}) {
    if (auto failed = apply_settings(settings, *values)) return *failed;
  }
  return settings;
}

Result<Resolved> resolve(const Incoming& incoming, const Config& config,
                         const SettingValues& environment) {
  if (auto refused = check_token(incoming, config)) return *refused;

  Resolved resolved;
  resolved.params = incoming.params;
  const auto named = first_value(incoming.params, "profile");
  const bool url_credentials_given = has_url_credentials(incoming.params);
  const Profile* profile = nullptr;
  if (!named.empty()) {
    profile = config.profile(named);
    if (profile == nullptr) {
      return Failure{ErrorCode::invalid_parameter, "unknown profile '" + named + "'", "profile"};
    }
    // A profile's secret only ever goes to its own host.
    if (url_credentials_given) {
      return Failure{ErrorCode::invalid_parameter,
                     "a request that names a profile must not also give ip, port, user or secret",
                     "profile"};
    }
  } else if (!url_credentials_given) {
    profile = config.profile("default");
  }
  // allow_url_credentials protects the HTTP side; the command line's options are no URL.
  if (profile == nullptr && url_credentials_given && !config.allow_url_credentials && !incoming.command_line) {
    return forbidden("this server does not accept ip, user or secret in the URL: use profile=NAME", "ip");
  }
  if (profile != nullptr) {
    resolved.profile = profile->name;
    std::erase_if(resolved.params, [](const auto& p) {
      return std::find(url_credentials.begin(), url_credentials.end(), p.first) != url_credentials.end();
    });
    for (const auto& [key, setting] : profile->credentials) {
      resolved.params.emplace_back(key == "host" ? "ip" : key, setting.value);
    }
  }

  for (const auto* values : {&environment, &config.general,
                             profile != nullptr ? &profile->settings : nullptr, &incoming.overrides}) {
    if (values == nullptr) continue;
    if (auto failed = apply_settings(resolved.settings, *values)) return *failed;
  }
  return resolved;
}

Status check_allowed_value(const std::string& pattern, const std::string& value, const char* param,
                                          const char* setting) {
  if (matches(pattern, value)) return std::nullopt;
  return forbidden(std::string(param) + " '" + value + "' is not allowed on this server (" + setting + ")", param);
}

Status check_allowed(const Request& request, const Policy& policy) {
  switch (request.action) {
    case ActionKind::call:
      if (auto refused = check_allowed_value(policy.allow_from, request.from, "from", "allow_from")) return refused;
      return check_allowed_value(policy.allow_to, request.to, "to", "allow_to");
    case ActionKind::alert:  // every phone of the list
      for (const auto& phone : request.phones) {
        if (auto refused = check_allowed_value(policy.allow_from, phone, "from", "allow_from")) return refused;
      }
      return std::nullopt;
    case ActionKind::message:  // every recipient (a Request built by hand may only have `to`)
      for (const auto& phone : request.phones.empty() ? std::vector<std::string>{request.to} : request.phones) {
        if (auto refused = check_allowed_value(policy.allow_to, phone, "to", "allow_to")) return refused;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

Status check_host_allowed(const Request& request, const Policy& policy) {
  if (policy.allow_hosts.empty() || policy.allow_hosts.allows(request.host)) return std::nullopt;
  return forbidden("ip '" + request.host + "' is not allowed on this server (allow_hosts)", "ip");
}

}  // namespace eecall
