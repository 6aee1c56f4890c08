#include "options.hpp"

#include <CLI/CLI.hpp>
#include <map>

namespace eecall::sim {

namespace {

constexpr const char* description =
    "eecall-ami-sim: a small Asterisk Manager Interface (AMI) server that answers like the\n"
    "Asterisk 20 sessions recorded in shared/ami-transcripts, for tests of eecall.\n"
    "It never places calls or sends messages; it only talks AMI on TCP.";

constexpr const char* footer = R"(
When ready it prints exactly one line on stdout, then serves until SIGTERM/SIGINT (exit 0)
or --max-seconds:
  eecall-ami-sim listening on ADDR:PORT

Users (--user NAME:SECRET:WRITE, repeatable; the secret may contain ':'): WRITE is a comma
list of write classes as in manager.conf (originate, message, system, call, command, all...),
possibly empty. Without --user the users of lab-config/manager.conf exist:
  eedomus:s3cret:originate,message,system,call   and   readonly:ro:
Every user may read all event classes (read = all).

Actions: Login (Secret or AuthType MD5 + Key after Challenge), Challenge, Ping, Logoff,
Events (EventMask), Originate (write originate), MessageSend (write message). Command answers
"Permission denied" without write command; any other action is an unknown command.
The lab (shared/ami-transcripts/lab-config): context from-internal holds 100-104, 200, 201,
291-293 and _0XXXXXXXXX; PJSIP phones 100 and 101 answer, 102 and 103 are unreachable, 104
never answers; chan_sip peers 100 and 101 answer. MessageSend succeeds to pjsip:100,
pjsip:101, pjsip:104 (also pjsip:100/URI, pjsip:100@domain), sip:100, sip:101, sip:user@host.

Login's Events: header sets the event mask as Asterisk does (off/no/false/0: none; absent or
on/yes/true: all; digits: a bit mask; else a class list such as "call"); when it includes
system a FullyBooted event follows the login reply. Call events go only to the connection
whose Originate caused them, unless --broadcast-events.

--originate-outcome: what the answering phones do: answered (Reason 4, Success), busy (5),
no-answer (3), congestion (8), failed (0), hangup (1), none (the OriginateResponse event
never comes; a synchronous Originate never gets its reply and the connection answers
nothing more). Whatever the option: Reason 0 for channel techs other than Local, PJSIP and
SIP, for unknown or unreachable phones, and for Local channels whose exten@context does not
exist; Reason 3 for PJSIP/104. Local/102-104@from-internal end as the PJSIP phone their
extension dials (Reason 0, 0, 3). A synchronous Originate answers after --event-delay-ms
("Originate failed" unless answered; at once for Reason 0). With a `call` event mask the
session also gets Newchannel and Newstate events for the dialled channel before the
OriginateResponse (right after the async ack; before a synchronous reply).

--fault:
  none                normal behaviour
  no-banner           accept, read, never send anything
  close-after-banner  send the banner, then close
  stall-action        answer Challenge/Login normally, then never answer anything again
                      (the connection stays open)
  close-mid-reply     after login, answer the next message with only "Response: Success\r\n",
                      then close
  slow-logoff         never answer Logoff (the connection stays open)
  drip                send everything (banner included) one byte at a time, --drip-ms
                      after each byte
  flood               after login, answer the next action with an endless stream of call
                      events (Newchannel/Newstate), never its Response
  endless-line        after login, answer the next action with "Response: Success",
                      its ActionID and a "Message: " line that never ends (no LF, for ever)
  garbage             instead of a banner, random binary bytes without LF, for ever
The endless faults write only as fast as the client reads, so the simulator stays small.

--tls-cert FILE --tls-key FILE: serve TLS (as Asterisk's tlsenable on port 5039): a TLS
handshake first, then AMI inside it. FILE are PEM (certificate chain; private key).

--log FILE: appends everything clients send, as the exact raw bytes received, one whole
client message at a time (all its lines with their own CRLF or LF, and the empty line that
ends it). A line "# connection N\n" (N = 1, 2, ... in accept order) is written when
connection N is accepted and again before its bytes whenever another connection wrote to
the log in between; it always starts at the beginning of a line (a "\n" is added first if
the previous bytes did not end with one). With TLS, once the handshake is done, a line
"# connection N: TLS, server name (SNI) NAME\n" (or "... TLS, no server name (SNI)\n") says
what the client sent as SNI. Bytes of an unfinished message are appended when the
connection ends. The file is flushed after every write.

Framing is Asterisk's: CRLF or bare LF, 1024-byte input buffer (longer lines answer
"Failed to parse message: line too long", with Asterisk's desync for 1023*k-byte lines),
128 lines per message, NUL ends a line. Deliberate limits: no authtimeout/authlimit; a line
over 1 MiB or a message over 16 MiB closes the connection (Asterisk discards and goes on).
)";

const std::map<std::string, Outcome> outcomes{
    {"answered", Outcome::answered},     {"busy", Outcome::busy},
    {"no-answer", Outcome::no_answer},   {"congestion", Outcome::congestion},
    {"failed", Outcome::failed},         {"hangup", Outcome::hangup},
    {"none", Outcome::none}};

const std::map<std::string, Fault> faults{
    {"none", Fault::none},
    {"no-banner", Fault::no_banner},
    {"close-after-banner", Fault::close_after_banner},
    {"stall-action", Fault::stall_action},
    {"close-mid-reply", Fault::close_mid_reply},
    {"slow-logoff", Fault::slow_logoff},
    {"drip", Fault::drip},
    {"flood", Fault::flood},
    {"endless-line", Fault::endless_line},
    {"garbage", Fault::garbage}};

std::vector<User> default_users() {
  return {{"eedomus", "s3cret", get_perm("originate,message,system,call")}, {"readonly", "ro", 0}};
}

User parse_user(const std::string& spec) {
  const auto first = spec.find(':');
  const auto last = spec.rfind(':');
  if (first == std::string::npos || first == last || first == 0) {
    throw CLI::ValidationError("--user", "expected NAME:SECRET:WRITE, got '" + spec + "'");
  }
  return {spec.substr(0, first), spec.substr(first + 1, last - first - 1),
          get_perm(spec.substr(last + 1))};
}

}  // namespace

std::variant<Options, int> parse_options(int argc, char** argv) {
  Options options;
  CLI::App app{description, "eecall-ami-sim"};
  app.footer(footer);
  app.get_formatter()->column_width(28);

  std::vector<std::string> user_specs;
  std::string outcome = "answered";
  std::string fault = "none";
  long long auth_delay = options.auth_delay.count();
  long long event_delay = options.event_delay.count();
  long long drip = options.drip.count();
  long long max_seconds = 0;

  app.add_option("--listen", options.listen, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--user", user_specs, "NAME:SECRET:WRITE, repeatable (see below)");
  app.add_option("--log", options.log_path, "append the raw client bytes to FILE (see below)");
  app.add_option("--banner", options.banner, "first line sent to each client")->capture_default_str();
  app.add_option("--auth-delay-ms", auth_delay, "wait before 'Authentication failed'")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--event-delay-ms", event_delay,
                 "wait before OriginateResponse (and a synchronous Originate's reply)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--originate-outcome", outcome, "answered|busy|no-answer|congestion|failed|hangup|none")
      ->check(CLI::IsMember(outcomes))
      ->capture_default_str();
  app.add_option("--fault", fault,
                 "none|no-banner|close-after-banner|stall-action|close-mid-reply|slow-logoff|"
                 "drip|flood|endless-line|garbage")
      ->check(CLI::IsMember(faults))
      ->capture_default_str();
  app.add_option("--drip-ms", drip, "--fault drip: wait after each byte")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  auto* cert = app.add_option("--tls-cert", options.tls_cert, "serve TLS with this PEM certificate chain")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--tls-key", options.tls_key, "PEM private key of --tls-cert")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_flag("--broadcast-events", options.broadcast_events,
               "send call events to every logged-in connection (as Asterisk does), not only "
               "to the one that originated");
  app.add_option("--max-seconds", max_seconds, "exit by itself after N seconds; 0 = never")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  try {
    app.parse(argc, argv);
    for (const auto& spec : user_specs) options.users.push_back(parse_user(spec));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (user_specs.empty()) options.users = default_users();
  options.outcome = outcomes.at(outcome);
  options.fault = faults.at(fault);
  options.auth_delay = std::chrono::milliseconds(auth_delay);
  options.event_delay = std::chrono::milliseconds(event_delay);
  options.drip = std::chrono::milliseconds(drip);
  options.max_seconds = std::chrono::seconds(max_seconds);
  return options;
}

}  // namespace eecall::sim
