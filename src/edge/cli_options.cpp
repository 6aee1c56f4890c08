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
The same program runs as a CGI script when a web server starts it.
)";

constexpr const char* footer = R"(
PARAMETERS (same names as the old eeCall.php query string)
  A call needs ip, user, secret, from and to.
  A message (msg not empty) needs ip, user, secret, to and drv; from defaults to 'eedomus'.
  ip      IPv4, IPv6 (brackets optional) or host name.   port  1-65535, default 5038.
  from/to 1-64 characters of 0-9 A-Z a-z * # + _ . - (no '/', '@', ',', ';' or spaces).
  drv     sip or pjsip (any case).
  wait    call only: 0 (default) answers once Asterisk queued the call; 1-120 waits
          that long for the outcome: answered (result 1), or busy, no_answer,
          congestion, hangup, call_failed (result 0, exit 3); no outcome in time is
          a timeout (exit 4). Needs 'read = call' for the AMI user.
  ring    call only: ring time of the first phone in seconds (5-120, default 30).
  callerid  call only: display name on the rung phone (1-40 bytes, no " < > \).
  msg     UTF-8, or Latin-1/Windows-1252 (converted); at most 992 bytes on one line,
          738 when it has line breaks (sent as Base64Body). to may list up to 10
          phones (to=100,101): one message each, result 1 only if all were sent.

ALERTS (say or play instead of to; no dialplan needed on the PBX)
  from    the phone, or a list of up to 10 (from=100,0612345678) rung in turn
          until one answers, or with ack, until one presses the key.
  say     text spoken by espeak-ng (UTF-8 or Latin-1, at most 500 bytes, plain
          text: no markup). eecall must run on the PBX host: Asterisk plays the
          file eecall writes into audio_dir (default /var/lib/eecall/audio).
  play    a recording the PBX already has, e.g. custom/alarme (no extension).
  lang    voice of say (default fr, or the configuration's voice).
  ack     one key 0-9 * #: the alert succeeds only when it is pressed.
  repeat  how many times the prompt is played per call (1-5, default 2).
  rounds  how many times the list is gone through (1-5, default 1).
  wait    the whole alert's deadline in seconds (1-3600 here, 1-300 as CGI;
          default the maximum: the alert ends as soon as it is decided).
  The answer names who acknowledged (acknowledged_by) and lists every attempt
  (phone, outcome, seconds). The AMI user needs write = originate,call and
  read = call,dialplan (VarSet events tell whether the prompt played and which
  key was pressed).
  profile   a PBX profile of the configuration file instead of ip/port/user/secret.
  token     the token the configuration may require.
  Empty values count as absent. CR, LF or NUL in any value but msg is refused.
  Options override the QUERY string's values; its format= works like --format.

BACKGROUND (background=1, --background; docs/background.md)
  The request is checked as always, then answered at once (202, exit 0) with a
  job id, and runs on in a detached process (an alert's wait up to 3600 s).
  job=ID (--job ID) answers its state: queued, running (result empty; detail
  says where it is), then done (result 1), failed or cancelled (result 0) with
  the request's own answer. cancel=1 (--cancel) stops it and hangs up its call.
  When it ends, the admin's notify_url (never a request's) is fetched with GET.

CHECK (--check, check=1; docs/troubleshooting.md)
  Checks what the same request would need instead of acting: the configuration,
  the allow lists, the PBX (connection, login, the AMI user's write and read
  classes, Asterisk's version and modules, that from and to exist in the
  dialplan, the phones' contacts), the audio and jobs directories. The PBX and,
  optionally, --from/--to (a call; --wait: its events too), --drv with --to (a
  message) or --say/--play with --from (an alert) say what is checked. One line
  per check: a check mark (fine), a cross (wrong: the fix is under it) or ?
  (could not be known: how to know is under it). It logs in once and places no
  call: its probes are an Originate of eecall-check/none, a channel no driver
  has, and a Setvar of the global EECALL_CHECK. --check-notify also asks
  whether notify_url's site answers. As CGI, check=1 needs the configuration's
  token; it is not counted by max_actions_per_minute.

ENVIRONMENT
  EECALL_SECRET   AMI secret when --secret is not given (keeps it out of 'ps').
  EECALL_TIMEOUT  total deadline in seconds (0.1-120, default 10).
  EECALL_CONTEXT  dialplan context for calls (default from-internal).
  EECALL_CHANNEL  channel template (default Local/{from}@{context}).
  EECALL_CONFIG   configuration file with PBX profiles (default /etc/eecall/eecall.conf).
  EECALL_AUTH     md5 (default: the secret never crosses the network) or plain.
  EECALL_TLS, EECALL_CA_FILE   TLS to AMI, and the CA file that verifies it.
  EECALL_ALLOW_FROM, EECALL_ALLOW_TO   regular expressions from/to must match
                  (default [0-9]+); profiles can set their own.
  EECALL_RING     default ring time in seconds (default 30).
  EECALL_CALLERID default display name for calls (default none; alerts: eeCallUs).
  EECALL_ACK_TIMEOUT  alerts: seconds to wait for the key after each prompt (default 5).
  EECALL_VOICE    espeak-ng voice of spoken alerts (default fr).
  EECALL_AUDIO_DIR  where spoken alerts' audio is cached (default /var/lib/eecall/audio;
                  absolute, writable by eecall's user, readable by Asterisk).
  EECALL_AUDIO_MAX_MB  bound on that cache in MiB (default 64): the least recently
                  used files are removed past it.
  EECALL_MAX_ACTIONS_PER_MINUTE  calls, alerts and messages per profile (or per PBX
                  of --ip) per minute, shared with the CGI (default 30, 0: no limit);
                  beyond it: rate_limited, exit 7, nothing sent.
  EECALL_REPEAT_WINDOW  seconds in which the very same request again is a duplicate:
                  result 1, <duplicate>1</duplicate>, nothing sent (default 0: off).
  EECALL_STATE_DIR  where those two keep their memory (default /var/lib/eecall, the
                  web server's); not writable: no limits, and a warning.
  EECALL_ALLOW_HOSTS  names, addresses, CIDR ranges that --ip may name (default any);
                  another is forbidden (exit 5) before any DNS query.
  EECALL_JOBS_DIR     background jobs' state files (default /var/lib/eecall/jobs).
  EECALL_MAX_JOBS     background jobs at once (default 4); EECALL_JOB_LOG their log
                  file (default syslog).
  EECALL_NOTIFY_URL   URL fetched when a background job ends, with {result} {error}
                  {acknowledged_by} {job} {state} {value}; EECALL_NOTIFY_TIMEOUT
                  seconds per try (default 5, 3 tries); EECALL_NOTIFY_VALUE_ACKNOWLEDGED,
                  _ANSWERED, _NOT_ACKNOWLEDGED, _FAILED, _CANCELLED: the {value}s.
  SPDLOG_LEVEL    log level on stderr: info (default), debug shows the AMI exchange
                  with Secret and Key redacted, warn, error, off.

OUTPUT
  XML (default), JSON or one text line on stdout. XML:
    <?xml version="1.0" encoding="UTF-8"?><eecall><result>1</result>...</eecall>
  result is 1 on success, 0 on failure; on failure <error> holds one of
  missing_parameter invalid_parameter resolve_failed connect_failed timeout
  not_asterisk auth_failed permission_denied action_failed protocol_error,
  and with --wait: busy no_answer congestion hangup call_failed; alerts also
  not_acknowledged playback_failed; also forbidden, config_error, tls_failed,
  speech_failed, rate_limited (with retry_after, in seconds); background:
  busy_jobs, unknown_job, and in a job's state cancelled.
  With --wait the answer also gives Asterisk's reason code, the channel and its
  Uniqueid.

EXIT STATUS
  0 success   2 bad input (usage, missing or invalid parameter)
  3 the PBX refused or failed (resolve, connect, not Asterisk, auth, permission,
    action, protocol), a waited-for call was not answered, an alert was not
    acknowledged or its prompt could not be played   4 timeout
  5 forbidden (token, allow_from/allow_to/allow_hosts, URL credentials refused)
  6 configuration error (file or EECALL_* variable)
  1 internal error, or speech synthesis failed (speech_failed)
  7 try again later: rate limited (max_actions_per_minute reached) or max_jobs
    background jobs already running (busy_jobs); nothing was done
  --background and --job exit 0 once the job was accepted or its state read.
  --check exits 0 when every check the use needs passed, else with the status of
  the first that did not: 3 the PBX, 4 a timeout, 5 the allow lists, 6 eecall's
  own side (configuration, audio directory, speech module, notify).

EXAMPLES
  Ring phone 100, then connect it to extension 291:
    EECALL_SECRET=xxx eecall --ip 192.0.2.10 --user eedomus --from 100 --to 291
  The same, waiting up to 20 s to know whether phone 100 answered:
    EECALL_SECRET=xxx eecall --format text --wait 20 --callerid eeDomus \
           --ip 192.0.2.10 --user eedomus --from 100 --to 291
  With the PBX in a profile of /etc/eecall/eecall.conf (no secret on the command line):
    eecall --profile home --from 100 --to 291
  The old URL's query string works as it is:
    eecall 'ip=192.0.2.10&user=eedomus&secret=xxx&from=0240404040&to=291&msg=&drv='
  Say a text to 100, then to 101, until one of them presses 1:
    eecall --profile home --from 100,101 --say "Fuite d'eau au sous-sol" --ack 1
  The same in the background, then its state:
    eecall --profile home --from 100,101 --say "Fuite d'eau" --ack 1 --background
    eecall --format text --job 5d41402abc4b2a76b9719d911017c592
  Check that profile home can ring 100 and connect it to 291, and how to fix what cannot:
    eecall --check --profile home --from 100 --to 291
  Text message to SIP phone 100, answer as one line:
    eecall --format text --ip pbx.example --user eedomus --to 100 \
           --drv sip --msg 'Alerte débordement cuve'

See docs/ and the README for the CGI set-up and the eeDomus URL.
)";

// A request parameter given as an option: kept by name, it overrides QUERY's.
CLI::Option* add_param(CLI::App& app, CliOptions& options, const std::string& flags,
                       const std::string& name, const std::string& help) {
  return app.add_option_function<std::string>(
      flags, [&given = options.given, name](const std::string& v) { given[name] = v; }, help);
}

// A flag that sets request parameters to 1.
void add_flag_param(CLI::App& app, CliOptions& options, const std::string& flag,
                    std::vector<std::string> names, const std::string& help) {
  app.add_flag_callback(
      flag,
      [&given = options.given, names = std::move(names)] {
        for (const auto& name : names) given[name] = "1";
      },
      help);
}

void add_connection_options(CLI::App& app, CliOptions& options) {
  add_param(app, options, "--ip", "ip", "PBX address: IPv4, IPv6 or host name");
  add_param(app, options, "--port", "port", "AMI port (default 5038)");
  add_param(app, options, "--user", "user", "AMI user name");
  add_param(app, options, "--secret", "secret", "AMI secret (prefer EECALL_SECRET)");
  app.add_option("--auth", options.auth, "login method: md5 (default) or plain");
  app.add_flag("--tls", options.tls, "TLS to AMI (usually port 5039), certificate and name verified");
  app.add_option("--ca-file", options.ca_file, "CA certificates for --tls (default: the system store)");
  app.add_option("--timeout", options.timeout, "total deadline in seconds (default 10)");
}

void add_configuration_options(CLI::App& app, CliOptions& options) {
  app.add_option("--config", options.config_path,
                 "configuration file (default EECALL_CONFIG, else /etc/eecall/eecall.conf)");
  add_param(app, options, "--profile", "profile", "PBX profile of the configuration file");
  add_param(app, options, "--token", "token", "the token the configuration's [general] token= requires");
}

void add_call_options(CLI::App& app, CliOptions& options) {
  add_param(app, options, "--from,--call-from", "from",
            "call: phone/number rung first; message: sender");
  add_param(app, options, "--to", "to", "call: extension to connect to; message: phone to text");
  add_param(app, options, "--wait", "wait",
            "call: wait up to SECONDS for answered/busy/no answer (0-120); alert: its deadline");
  add_param(app, options, "--ring", "ring", "call: how long the first phone rings, seconds (5-120, default 30)");
  add_param(app, options, "--callerid", "callerid", "call: name shown on the rung phone, e.g. eeDomus");
  app.add_option("--context", options.context, "dialplan context for calls (default from-internal)");
  app.add_option("--channel", options.channel, "channel template (default Local/{from}@{context})");
}

void add_message_options(CLI::App& app, CliOptions& options) {
  add_param(app, options, "--msg", "msg", "text to send (makes it a message instead of a call)");
  add_param(app, options, "--drv", "drv", "message driver: sip or pjsip");
}

void add_alert_options(CLI::App& app, CliOptions& options) {
  add_param(app, options, "--say", "say", "alert: text spoken to the phones of --from");
  add_param(app, options, "--play", "play", "alert: recording played to the phones of --from, e.g. custom/alarme");
  add_param(app, options, "--lang", "lang", "alert: voice of --say (default fr)");
  add_param(app, options, "--ack", "ack", "alert: key (0-9 * #) that confirms the alert was heard");
  add_param(app, options, "--repeat", "repeat", "alert: times the prompt is played per call (1-5, default 2)");
  add_param(app, options, "--rounds", "rounds", "alert: times the list of phones is gone through (1-5, default 1)");
}

void add_jobs_options(CLI::App& app, CliOptions& options) {
  add_flag_param(app, options, "--background", {"background"},
                 "answer at once with a job id; the request runs on, detached");
  add_param(app, options, "--job", "job", "the state of background job ID (with --cancel: stop it first)");
  add_flag_param(app, options, "--cancel", {"cancel"}, "with --job: stop the job (its call is hung up)");
}

void add_check_options(CLI::App& app, CliOptions& options) {
  add_flag_param(app, options, "--check", {"check"},
                 "check the set-up instead of acting: one line per check, the fix under each one that fails");
  add_flag_param(app, options, "--check-notify", {"check", "check_notify"},
                 "--check, and also ask notify_url's site whether it answers");
}

void add_output_options(CLI::App& app, CliOptions& options) {
  app.add_option("--format", options.format_name, "answer format: xml, json or text")->capture_default_str();
  app.add_flag("-v,--verbose", options.verbose, "log the AMI exchange (secrets redacted) on stderr");
  app.set_version_flag("--version", "eecall " + std::string(version));
}

}  // namespace

std::unique_ptr<CLI::App> command_line(CliOptions& options) {
  auto app = std::make_unique<CLI::App>(description, "eecall");
  app->footer(footer);
  app->get_formatter()->column_width(28);
  app->add_option("QUERY", options.query, "old-style query string, e.g. 'ip=...&user=...&from=100&to=291'");
  add_connection_options(*app, options);
  add_configuration_options(*app, options);
  add_call_options(*app, options);
  add_message_options(*app, options);
  add_alert_options(*app, options);
  add_jobs_options(*app, options);
  add_check_options(*app, options);
  add_output_options(*app, options);
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
