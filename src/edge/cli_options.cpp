#include "cli_options.hpp"

#include <ostream>
#include <vector>

#include "eecall/action/errors.hpp"
#include "eecall/version.hpp"

namespace eecall {

namespace {

constexpr const char* description = R"(eecall - make an Asterisk/FreePBX PBX place a call, send a text message or speak an alert

eecall logs in to the Asterisk Manager Interface (AMI) of a PBX, then either
originates a call (ring FROM, then connect it to TO), sends a SIP text
message (MSG to phone TO through DRV), or rings the phones of FROM in turn
and says a text (SAY) or plays a recording (PLAY), optionally until someone
confirms with a key (ACK); then it logs off and prints the outcome.
The same program runs as a CGI script when a web server starts it, and as
the AGI program of an incoming call when Asterisk runs it with the one
argument callin=NAME (AGI(eecall,callin=NAME): man eecall, docs/callin.md).
)";

// Short on purpose: the tests hold it to naming EXIT STATUS, the statuses and the variables;
// what each one means is in the man page.
constexpr const char* footer = R"(The options of PBX connection to Check, and --format, are also parameters of QUERY and
of the CGI URL (--from: from=, --check: check=1); they override QUERY's values.

CHECK (--check, check=1; man eecall, docs/troubleshooting.md)
  What the same request would need, one line per check with its fix; places no call.
  Example: eecall --check --profile home --from 100 --to 291

ENVIRONMENT (what each one sets: man eecall)
  EECALL_SECRET (the AMI secret, kept out of 'ps'), EECALL_CONFIG, EECALL_TIMEOUT,
  EECALL_CONTEXT, EECALL_CHANNEL, EECALL_AUTH, EECALL_TLS, EECALL_CA_FILE,
  EECALL_ALLOW_FROM, EECALL_ALLOW_TO, EECALL_ALLOW_HOSTS, EECALL_RING, EECALL_CALLERID,
  EECALL_ACK_TIMEOUT, EECALL_VOICE, EECALL_AUDIO_DIR, EECALL_AUDIO_MAX_MB,
  EECALL_MAX_ACTIONS_PER_MINUTE, EECALL_REPEAT_WINDOW, EECALL_STATE_DIR,
  EECALL_JOBS_DIR, EECALL_MAX_JOBS, EECALL_JOB_LOG, EECALL_NOTIFY_URL,
  EECALL_NOTIFY_TIMEOUT, EECALL_NOTIFY_VALUE_*, SPDLOG_LEVEL

EXIT STATUS
  0 success   1 internal error, speech_failed   2 bad input (usage, parameter)
  3 the PBX refused or failed (e.g. connect_failed, auth_failed, permission_denied),
    a waited-for call was not answered, an alert was not acknowledged
  4 timeout   5 forbidden   6 configuration error
  7 try again later: rate limited or busy_jobs; nothing was done
  --check exits 0 when no check the use needs failed (a ? = could not be known: verify
  it by hand), else with the status of the first that did; --strict: a ? fails too.

Every parameter and setting, the answers, the exit statuses and examples: man eecall
)";

// A request parameter given as an option: kept by name, it overrides QUERY's.
void add_param(CLI::App& app, CliOptions& options, const std::string& flags, const std::string& name,
               const std::string& help) {
  app.add_option_function<std::string>(
      flags, [&given = options.given, name](const std::string& v) { given[name] = v; }, help);
}

// A flag that sets request parameters to 1.
void add_flag_param(CLI::App& app, CliOptions& options, const std::string& flag,
                    std::vector<std::string> names, const std::string& help) {
  app.add_flag_callback(
      flag,
      [&given = options.given, names = std::move(names)] {
        // Not `given[name] = "1"`: GCC 12 at -O3 misreads it (a -Wstringop-overflow warning).
        for (const auto& name : names) given.insert_or_assign(name, std::string(1, '1'));
      },
      help);
}

void add_connection_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("PBX connection");
  add_param(app, options, "--ip", "ip", "PBX address: IPv4, IPv6 or host name");
  add_param(app, options, "--port", "port", "AMI port (default 5038)");
  add_param(app, options, "--user", "user", "AMI user name");
  add_param(app, options, "--secret", "secret", "AMI secret (prefer EECALL_SECRET)");
  add_param(app, options, "--profile", "profile", "PBX profile of the configuration file, instead of the four above");
  add_param(app, options, "--token", "token", "the token the configuration's [general] token= requires");
}

void add_call_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Call");
  add_param(app, options, "--from,--call-from", "from",
            "call: phone/number rung first; message: sender; alert: the phones, in turn");
  add_param(app, options, "--to", "to", "call: extension to connect to; message: phone to text");
  add_param(app, options, "--wait", "wait",
            "call: wait up to SECONDS for answered/busy/no answer (0-120); alert: its deadline");
  add_param(app, options, "--ring", "ring", "call: how long the first phone rings, seconds (5-120, default 30)");
  add_param(app, options, "--callerid", "callerid", "call: name shown on the rung phone, e.g. eeDomus");
}

void add_message_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Message");
  add_param(app, options, "--msg", "msg", "text to send (makes it a message instead of a call)");
  add_param(app, options, "--drv", "drv", "message driver: sip or pjsip");
}

void add_alert_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Alert");
  add_param(app, options, "--say", "say", "text spoken to the phones of --from");
  add_param(app, options, "--play", "play", "recording played to the phones of --from, e.g. custom/alarme");
  add_param(app, options, "--lang", "lang", "voice of --say (default fr)");
  add_param(app, options, "--ack", "ack", "key (0-9 * #) that confirms the alert was heard");
  add_param(app, options, "--repeat", "repeat", "times the prompt is played per call (1-5, default 2)");
  add_param(app, options, "--rounds", "rounds", "times the list of phones is gone through (1-5, default 1)");
  add_flag_param(app, options, "--amd", {"amd"},
                 "answering-machine detection: a voicemail is not a person (the AMI user needs write system,agi)");
  add_param(app, options, "--voicemail", "voicemail", "with --amd, what a machine gets: skip (default) or leave");
}

void add_jobs_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Jobs");
  add_flag_param(app, options, "--background", {"background"},
                 "answer at once with a job id; the request runs on, detached");
  add_param(app, options, "--job", "job", "the state of background job ID (with --cancel: stop it first)");
  add_flag_param(app, options, "--cancel", {"cancel"}, "with --job: stop the job (its call is hung up)");
  add_flag_param(app, options, "--jobs", {"jobs"},
                 "list the recent jobs, newest first: id, started, action, to, state, result, seconds");
}

void add_check_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Check");
  add_flag_param(app, options, "--check", {"check"},
                 "check the set-up instead of acting: one line per check, the fix under each one that fails");
  add_flag_param(app, options, "--check-notify", {"check", "check_notify"},
                 "--check, and also ask notify_url's site whether it answers");
  add_flag_param(app, options, "--strict", {"check", "strict"},
                 "--check, and a ? (could not be known) fails it like a \xE2\x9C\x98");
}

void add_output_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Output");
  app.add_option("--format", options.format_name, "answer format: xml, json or text")->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose, "log the AMI exchange (secrets redacted) on stderr");
}

// The command line's own: settings that win over EECALL_* and the configuration file.
void add_setting_options(CLI::App& app, CliOptions& options) {
  app.option_defaults()->group("Settings (override EECALL_* and the configuration file)");
  app.add_option("--config", options.config_path,
                 "configuration file (default EECALL_CONFIG, else /etc/eecall/eecall.conf)");
  app.add_option("--timeout", options.timeout, "total deadline in seconds (default 10)");
  app.add_option("--auth", options.auth, "login method: md5 (default) or plain");
  app.add_flag("--tls", options.tls, "TLS to AMI (usually port 5039), certificate and name verified");
  app.add_option("--ca-file", options.ca_file, "CA certificates for --tls (default: the system store)");
  app.add_option("--context", options.context, "dialplan context for calls (default from-internal)");
  app.add_option("--channel", options.channel, "channel template (default Local/{from}@{context})");
}

// Made again here, so that help and version come last rather than first.
void add_help_options(CLI::App& app) {
  app.option_defaults()->group("Help");
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("--version", "eecall " + std::string(version), "print the version and exit");
}

}  // namespace

std::unique_ptr<CLI::App> command_line(CliOptions& options) {
  auto app = std::make_unique<CLI::App>(description, "eecall");
  app->footer(footer);
  app->get_formatter()->column_width(28);
  app->set_help_flag();  // made again last, by add_help_options
  app->add_option("QUERY", options.query, "old-style query string, e.g. 'ip=...&user=...&from=100&to=291'");
  add_connection_options(*app, options);
  add_call_options(*app, options);
  add_message_options(*app, options);
  add_alert_options(*app, options);
  add_jobs_options(*app, options);
  add_check_options(*app, options);
  add_output_options(*app, options);
  add_setting_options(*app, options);
  add_help_options(*app);
  return app;
}

std::optional<int> parse_command_line(CLI::App& app, CliOptions& options, int argc,
                                      const char* const* argv, std::ostream& out, std::ostream& err) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : static_cast<int>(ExitStatus::bad_input);
  }
  options.format_given = app.get_option("--format")->count() > 0;
  return std::nullopt;
}

}  // namespace eecall
