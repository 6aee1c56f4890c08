#include "eecall/front/policy.hpp"

#include <nettle/memops.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <array>
#include <regex>

namespace eecall::front {

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

std::array<std::uint8_t, SHA256_DIGEST_SIZE> sha256(std::string_view bytes) {
  sha256_ctx context{};
  sha256_init(&context);
  sha256_update(&context, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
  sha256_digest(&context, digest.size(), digest.data());
  return digest;
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
  const auto a = sha256(expected);
  const auto b = sha256(given);
  return memeql_sec(a.data(), b.data(), a.size()) != 0;
}

Result<Resolved> resolve(const Incoming& incoming, const Config& config,
                         const SettingValues& environment) {
  if (!config.token.empty()) {
    auto given = first_value(incoming.params, "token");
    if (given.empty()) given = incoming.bearer_token;
    if (given.empty() || !token_matches(config.token, given)) {
      return forbidden("this server requires a valid token (token= or Authorization: Bearer)", "token");
    }
  }

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
  if (profile == nullptr && url_credentials_given && !config.allow_url_credentials) {
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

std::optional<Failure> check_allowed(const Request& request, const Policy& policy) {
  const auto refuse_unless = [](const std::string& pattern, const std::string& phone, const char* param,
                                const char* setting) -> std::optional<Failure> {
    if (matches(pattern, phone)) return std::nullopt;
    return forbidden(std::string(param) + " '" + phone + "' is not allowed on this server (" + setting + ")", param);
  };
  switch (request.action) {
    case ActionKind::call:
      if (auto refused = refuse_unless(policy.allow_from, request.from, "from", "allow_from")) return refused;
      return refuse_unless(policy.allow_to, request.to, "to", "allow_to");
    case ActionKind::alert:  // every phone of the list
      for (const auto& phone : request.phones) {
        if (auto refused = refuse_unless(policy.allow_from, phone, "from", "allow_from")) return refused;
      }
      return std::nullopt;
    case ActionKind::message:  // every recipient (a Request built by hand may only have `to`)
      for (const auto& phone : request.phones.empty() ? std::vector<std::string>{request.to} : request.phones) {
        if (auto refused = refuse_unless(policy.allow_to, phone, "to", "allow_to")) return refused;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace eecall::front
