#include "options.hpp"

#include <CLI/CLI.hpp>
#include <map>
#include <utility>

namespace eecall::sim {

namespace {

constexpr const char* description =
    "eecall-ami-sim: a small Asterisk Manager Interface (AMI) server that answers like the\n"
    "Asterisk 20 sessions recorded in shared/ami-transcripts, for tests of eecall.\n"
    "It talks AMI on TCP only: its calls, phones and sounds are simulated.";

constexpr const char* footer = R"(
When ready it prints exactly one line on stdout, then serves until SIGTERM/SIGINT (exit 0)
or --max-seconds:
  eecall-ami-sim listening on ADDR:PORT

Users (--user NAME:SECRET:WRITE[:READ], repeatable): WRITE and READ are comma lists of
classes as in manager.conf (originate, message, system, call, dtmf, dialplan, command,
all...), possibly empty; without READ the user reads all. With four fields or more the last
two are WRITE and READ, so a secret containing ':' needs READ. Without --user the users of
the lab's manager.conf exist:
  eedomus:s3cret:originate,message,system,call,agi:all   readonly:ro::all
  alertonly:al3rt:originate,call:call,dtmf,dialplan

Actions: Login (Secret or AuthType MD5 + Key after Challenge), Challenge, Ping, Logoff,
Events (EventMask), Originate (write originate), MessageSend (write message), Hangup (write
system or call), and what eecall --check asks (tests/data/k*): ListCommands (the actions
below that the user's write classes allow, with the lab's synopses), CoreSettings (write
system or reporting: Asterisk 20.20.1, AMI 9.0.0, no system name, CoreRunUser and
CoreRunGroup from --run-user), ModuleCheck (write system: the lab's 93 modules are loaded,
but those of --unload), PJSIPShowEndpoint (write system: the lab's endpoints 100-108 with
some of Asterisk's headers; 103 has no contact, 102's is Unreachable, the others'
NonQualified), SIPshowpeer (write system or reporting: peers 100 and 101, Unmonitored),
Setvar (write call: a global variable, then VarSet with Channel: none, class dialplan; on a
live channel only acknowledged). Command answers "Permission denied" without write command;
any other action is an unknown command, and so are PJSIPShowEndpoint without res_pjsip and
SIPshowpeer without chan_sip (--unload).

Events: an event goes to a session when both its event mask (Login's Events: off/no/false/0:
none; absent or on/yes/true: all; digits: a bit mask; else a class list such as
"call,dialplan"; then Action Events) and its user's READ classes have the event's class:
call (Newchannel, Newstate, DialBegin, DialState, DialEnd, OriginateResponse, Hangup), dtmf
(DTMFBegin, DTMFEnd), dialplan (VarSet, Newexten), system (FullyBooted after Login). Call
events go only to the connection whose Originate caused them, unless --broadcast-events.

The lab (shared/asterisk/README.md): context from-internal holds 100-108 (Dial the PJSIP
phone), 200 and 201 (Dial SIP/100, SIP/101), 291-293 (Answer, Playback hello-world&vm-goodbye,
tt-monkeys, demo-congrats, Hangup) and _0XXXXXXXXX (Dial PJSIP/101). PJSIP phones:
  100, 101  do what --originate-outcome says (answer by default), then press nothing
  102, 103  unreachable, no contact: OriginateResponse Failure, Reason 0, at once, no channel
  104       never answers: Failure, Reason 3 when the Originate's Timeout (ms) runs out
  105       answers, presses 1 by RFC 2833 (DTMFBegin, DTMFEnd 140 ms later, DurationMs 280)
  106       answers, presses 1 by SIP INFO (only DTMFEnd, DurationMs 160)
  107       answers, presses nothing
  108       busy (486): DialEnd BUSY, Hangup Cause 17 (TechCause 486), OriginateResponse
            Failure with Reason 0 (not 5, as the real Asterisk 20), at once
chan_sip peers 100 and 101 and SIP/user@host do what --originate-outcome says; other
endpoints, peers and drivers fail at once (Reason 0). Phones answer --answer-delay-ms after
the Originate and press their keys --key-delay-ms after answering, 0.5 s apart; --keys
PHONE=DIGITS changes what a phone presses (--keys 105=2, --keys 107=1#, --keys 105= for
nothing). MessageSend succeeds to pjsip:100, pjsip:101, pjsip:104 (also pjsip:100/URI,
pjsip:100@domain), sip:100, sip:101, sip:user@host.

Calls: Originate's checks are Asterisk's (write system needed for System, Exec, AGI...
applications and for Data holding CURL, DB, EVAL, FILE, ODBC, REALTIME or SHELL). ChannelId
is the first channel's Uniqueid and every channel of the call carries it as Linkedid; a
Local channel's ;2 half is OtherChannelId or <ChannelId>;2, the phone's channel behind it
gets a generated Uniqueid; a failed call's OriginateResponse has Uniqueid <ChannelId> (or
<unknown>). Local/EXTEN@from-internal makes the ;1/;2 pair, ;2 runs EXTEN (Local to an
extension that does not exist fails at once, Reason 0). An asynchronous Originate gets
OriginateResponse when the phone answers (Success, Reason 4, the channel's name) or fails; a
synchronous one gets "Originate successfully queued" or "Originate failed" then instead.
On the answered channel (the phone's, or ;1) runs:
  Read(var,prompt[&prompt...],maxdigits,options,attempts,timeout): READSTATUS=ERROR at once;
    the prompts play (a key interrupts them; one that cannot be played is skipped); then a
    first key is awaited for timeout seconds (may be fractional; none: 6 s), the next ones
    2 s each, until maxdigits keys (1-255, else 255) or the terminator '#' (option t(KEYS)
    changes it, a bare t removes it; option e: '#' alone is read as the digit); VarSet var
    (empty when nothing was pressed) after each attempt, up to attempts; READSTATUS OK,
    TIMEOUT, HANGUP (hung up) or ERROR (no prompt could be played); then Hangup Cause 0.
  Playback(prompt[&prompt...][,options]): each prompt plays for its length; one that cannot
    be played is skipped and makes PLAYBACKSTATUS FAILED (else SUCCESS); then Hangup Cause 0.
    A hangup during it stops the list with SUCCESS, as the lab's Asterisk does.
  any other application: answered, then hung up at once (Cause 0), as one Asterisk lacks.
  Context/Exten form: 291-293 play, then Hangup Cause 16; an extension that dials a phone
    is not simulated further: the channel stays up until hung up (at most an hour).
Through Local the ;2 half and the phone's channel hang up after ;1 with Cause 16, and each
key shows on the phone's channel (Received), ;2 (Sent) and ;1 (Received).
Prompts: a relative name is one of the lab's sounds (hello-world 1.3 s, vm-goodbye 1.0 s,
beep 0.3 s, tt-monkeys 16 s, demo-congrats 30 s) or one given with --sound NAME=SECONDS,
exactly as written (no extension); an absolute path is looked up on this machine's disk as
Asterisk does: without extension, each format's extensions tried (wav, wav16, sln, sln16,
sln12..sln192, g722, au, alaw, pcm/ulaw, gsm), the file cheapest to turn into ulaw opened,
its length from its size; a .wav must be PCM 16-bit mono at 8000 Hz (.wav16: 16000 Hz),
else it fails as "frequency mismatch" does on Asterisk. A path given with its extension, a
missing file and a URL (http://, not simulated) cannot be played.

Hangup (Channel: a channel's name or Uniqueid, any case; or /REGEX/ on names, answered with
an EventList of ChannelHungup events; Cause: 0-127): "Channel Hungup", then the channel's
Hangup event with that Cause (0 when none); "No such channel" for a channel hung up or never
seen. Hanging up the application's channel ends the application (Read: var empty,
READSTATUS=HANGUP); hanging up ;2 or the phone's channel takes all three down with Cause 16;
during the ringing: DialEnd NOANSWER, OriginateResponse Failure Reason 0. A channel is
forgotten once its Hangup event is sent.

--originate-outcome: what phones without a lab behaviour do: answered (Reason 4, Success),
busy (5), no-answer (3), congestion (8), failed (0, no channel), hangup (1), none (they ring
until the Timeout and the OriginateResponse event never comes; a synchronous Originate never
gets its reply and the connection answers nothing more).

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
128 lines per message, NUL ends a line.

Deliberate differences from Asterisk: no authtimeout/authlimit; a line over 1 MiB or a
message over 16 MiB closes the connection (Asterisk discards and goes on); Uniqueids are
<start epoch>.<n> (no system name) and channel numbers count over the process lifetime;
fewer events (no NewCallerid, NewConnectedLine, DeviceStateChange, LocalBridge, Bridge*,
HangupRequest, SoftHangupRequest, and VarSet only for READSTATUS, Read's variable and
PLAYBACKSTATUS); events of one moment come in one fixed order, where Asterisk's threads
vary it; every channel is ulaw; phones take any number of calls at once; only Read and
Playback are applications; Read's option i and Playback's say/mix are ignored;
PJSIPShowEndpoint and SIPshowpeer send some of Asterisk's headers, and the device state never
changes; CoreSettings has an empty SystemName; Setvar keeps no channel variables.
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

// lab-config/manager.conf and shared/asterisk/templates/manager.conf.
std::vector<User> default_users() {
  return {{"eedomus", "s3cret", get_perm("originate,message,system,call,agi"), flag::all},
          {"readonly", "ro", 0, flag::all},
          {"alertonly", "al3rt", get_perm("originate,call"), get_perm("call,dtmf,dialplan")}};
}

// NAME:SECRET:WRITE or NAME:SECRET:WRITE:READ. WRITE and READ are class lists (no ':'), so
// with four fields or more the last two are WRITE and READ and the secret is what is between.
User parse_user(const std::string& spec) {
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const auto colon = spec.find(':', start);
    fields.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (fields.size() < 3 || fields.front().empty()) {
    throw CLI::ValidationError("--user", "expected NAME:SECRET:WRITE[:READ], got '" + spec + "'");
  }
  User user{fields.front(), {}, 0, flag::all};
  std::size_t secret_end = fields.size() - 1;
  if (fields.size() >= 4) {
    user.read = get_perm(fields.back());
    secret_end = fields.size() - 2;
  }
  user.write = get_perm(fields[secret_end]);
  for (std::size_t i = 1; i < secret_end; ++i) {
    if (i > 1) user.secret.push_back(':');
    user.secret += fields[i];
  }
  return user;
}

// "NAME=VALUE" of --keys and --sound.
std::pair<std::string, std::string> split_assignment(const std::string& option, const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw CLI::ValidationError(option, "expected NAME=VALUE, got '" + spec + "'");
  }
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

}  // namespace

std::variant<Options, int> parse_options(int argc, char** argv) {
  Options options;
  CLI::App app{description, "eecall-ami-sim"};
  app.footer(footer);
  app.get_formatter()->column_width(28);

  std::vector<std::string> user_specs;
  std::vector<std::string> key_specs;
  std::vector<std::string> sound_specs;
  std::string outcome = "answered";
  std::string fault = "none";
  long long auth_delay = options.auth_delay.count();
  long long answer_delay = options.answer_delay.count();
  long long key_delay = options.key_delay.count();
  long long drip = options.drip.count();
  long long max_seconds = 0;

  app.add_option("--listen", options.listen, "address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--user", user_specs, "NAME:SECRET:WRITE[:READ], repeatable (see below)");
  app.add_option("--log", options.log_path, "append the raw client bytes to FILE (see below)");
  app.add_option("--banner", options.banner, "first line sent to each client")->capture_default_str();
  app.add_option("--auth-delay-ms", auth_delay, "wait before 'Authentication failed'")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--answer-delay-ms,--event-delay-ms", answer_delay,
                 "from the Originate to the phone's answer, busy, ... (the lab's: 300)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--key-delay-ms", key_delay, "from the answer to a phone's first key (the lab's: 2000)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  long long amd_hangup = -1;
  app.add_option("--amd-hangup-ms", amd_hangup, "the phone hangs up this long into AMD (AsyncAGI EXEC AMD), as u6")
      ->check(CLI::Range(0LL, 3600000LL));
  app.add_option("--keys", key_specs, "PHONE=DIGITS: what PHONE presses once it answered, repeatable");
  app.add_option("--sound", sound_specs, "NAME=SECONDS: one more sound Playback and Read know, repeatable");
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
  app.add_option("--unload", options.unloaded,
                 "MODULE (e.g. app_read): as if it were not loaded: ModuleCheck says so, its actions are unknown; "
                 "repeatable");
  std::string run_user;
  app.add_option("--run-user", run_user, "USER[:GROUP]: CoreSettings' CoreRunUser and CoreRunGroup (default: empty, "
                                         "as the lab's Asterisk running as root)");
  app.add_option("--max-seconds", max_seconds, "exit by itself after N seconds; 0 = never")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  try {
    app.parse(argc, argv);
    for (const auto& spec : user_specs) options.users.push_back(parse_user(spec));
    for (const auto& spec : key_specs) {
      auto [phone, digits] = split_assignment("--keys", spec);
      if (digits.find_first_not_of("0123456789*#ABCD") != std::string::npos) {
        throw CLI::ValidationError("--keys", "DIGITS may hold 0-9 * # A-D, got '" + digits + "'");
      }
      options.keys[phone] = digits;
    }
    for (const auto& spec : sound_specs) {
      const auto [name, seconds] = split_assignment("--sound", spec);
      std::size_t used = 0;
      double value = -1;
      try {
        value = std::stod(seconds, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != seconds.size() || value < 0 || name.front() == '/') {
        throw CLI::ValidationError("--sound", "expected NAME=SECONDS (NAME relative), got '" + spec + "'");
      }
      options.sounds[name] = std::chrono::milliseconds(static_cast<long long>(value * 1000.0 + 0.5));
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (user_specs.empty()) options.users = default_users();
  options.outcome = outcomes.at(outcome);
  options.fault = faults.at(fault);
  options.auth_delay = std::chrono::milliseconds(auth_delay);
  options.answer_delay = std::chrono::milliseconds(answer_delay);
  options.key_delay = std::chrono::milliseconds(key_delay);
  if (amd_hangup >= 0) options.amd_hangup = std::chrono::milliseconds(amd_hangup);
  options.drip = std::chrono::milliseconds(drip);
  options.max_seconds = std::chrono::seconds(max_seconds);
  const auto colon = run_user.find(':');
  options.run_user = run_user.substr(0, colon);
  options.run_group = colon == std::string::npos ? std::string() : run_user.substr(colon + 1);
  return options;
}

}  // namespace eecall::sim
