#include "eecall/edge/cli.hpp"

#include <cgicc/CgiUtils.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ostream>

#include "cli_options.hpp"
#include "eecall/action/render.hpp"
#include "eecall/admin/config.hpp"
#include "eecall/admin/policy.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/edge/dispatch.hpp"

namespace eecall {

namespace {

// Splits an old-style query string; names and values are form-decoded like in CGI mode.
Params parse_query_string(std::string_view query) {
  Params params;
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto name = cgicc::form_urldecode(std::string(part.substr(0, eq)));
    auto value = eq == std::string_view::npos ? std::string() : cgicc::form_urldecode(std::string(part.substr(eq + 1)));
    params.emplace_back(std::move(name), std::move(value));
  }
  return params;
}

void set_param(Params& params, const std::string& name, const std::string& value) {
  std::erase_if(params, [&](const auto& p) {
    return p.first == name || (name == "from" && p.first == "call_from");
  });
  params.emplace_back(name, value);
}

bool has_value(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(),
                     [&](const auto& p) { return p.first == name && !p.second.empty(); });
}

// --format wins; else QUERY's format= as in CGI mode; else text for a check or a job list,
// which are for a person first (one line per check or job); else XML.
Result<Format> answer_format(const CliOptions& options, const Params& query, bool check) {
  std::string name = options.format_name;
  std::string source = "--format";
  if (!options.format_given) {
    const auto in_query = std::find_if(query.begin(), query.end(), [](const auto& p) {
      return p.first == "format" && !p.second.empty();
    });
    if (in_query != query.end()) {
      name = in_query->second;
      source = "format";
    } else if (check) {
      name = "text";
    }
  }
  if (auto format = parse_format(name)) return *format;
  return Failure{ErrorCode::invalid_parameter, source + " must be xml, json or text", "format"};
}

// The settings given as options win over everything else; a bad one is a usage error.
Result<SettingValues> setting_overrides(const CliOptions& options) {
  SettingValues overrides;
  auto override_with = [&](const char* key, const std::string& value, const char* flag) {
    if (!value.empty()) overrides[key] = {value, flag};
  };
  override_with("timeout", options.timeout, "--timeout");
  override_with("context", options.context, "--context");
  override_with("channel", options.channel, "--channel");
  override_with("auth", options.auth, "--auth");
  override_with("ca_file", options.ca_file, "--ca-file");
  if (options.tls) override_with("tls", "yes", "--tls");
  if (EffectiveSettings scratch; auto failed = apply_settings(scratch, overrides)) return *failed;
  return overrides;
}

int usage_error(std::ostream& err, const Failure& failure) {
  err << "eecall: " << failure.message << "\n";
  return static_cast<int>(ExitStatus::bad_input);
}

// A configuration file that cannot be read: a check reports what is wrong with it; anything
// else answers config_error.
int answer_config_failure(const Failure& failure, bool check, Format format, std::ostream& out) {
  if (check) {
    const auto report = check_report_for_config_failure(failure);
    out << render(report, format);
    return exit_status(report.error, report.answer);
  }
  const auto outcome = failed_outcome({ErrorCode::config_error, failure.message, "config"});
  out << render(outcome, format);
  return exit_status(outcome.error);
}

// QUERY's parameters, overridden by the options', with the secret from EECALL_SECRET when
// neither gives one (it stays out of 'ps').
Params request_params(Params query, const CliOptions& options, const Environment& env) {
  for (const auto& [name, value] : options.given) set_param(query, name, value);
  if (!has_value(query, "secret")) {
    if (auto secret = lookup(env, "EECALL_SECRET")) set_param(query, "secret", *secret);
  }
  return query;
}

std::optional<std::string> config_path(const CliOptions& options) {
  if (options.config_path.empty()) return std::nullopt;
  return options.config_path;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const Environment& env, std::ostream& out,
            std::ostream& err, const Executor& executor, const Prober& prober) {
  CliOptions options;
  const auto app = command_line(options);
  if (auto leave = parse_command_line(*app, options, argc, argv, out, err)) return *leave;
  if (options.verbose) spdlog::set_level(spdlog::level::debug);

  Params query = parse_query_string(options.query);
  const bool check = options.given.contains("check") || wants_check(query);
  const auto format = answer_format(options, query, check || options.given.contains("jobs"));
  if (!format) return usage_error(err, format.failure());
  auto overrides = setting_overrides(options);
  if (!overrides) return usage_error(err, overrides.failure());
  const auto config = load_config_for(env, config_path(options));
  if (!config) return answer_config_failure(config.failure(), check, format.value(), out);

  Incoming incoming;
  incoming.params = request_params(std::move(query), options, env);
  incoming.overrides = std::move(overrides).value();
  incoming.command_line = true;  // its credentials are options, not a URL's (allow_url_credentials)
  incoming.limits.max_alert_wait_seconds = cli_max_alert_wait_seconds;  // no web server to outwait
  const auto outcome = serve(incoming, config.value(), environment_values(env), executor, prober);
  out << render(outcome, format.value());
  out.flush();
  return exit_status(outcome.error, outcome.answer);
}

}  // namespace eecall
