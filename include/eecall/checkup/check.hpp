// `eecall --check` and `check=1`: a list of named checks of everything a use of eecall needs —
// eecall's own side (configuration, policy, directories, modules) and the PBX's (connection,
// login, rights, events, modules, dialplan, phones) — each with what was found and, when it is
// not ✔, the fix in one line (the manager.conf line, the FreePBX screen, the module to load).
//
// The PBX is asked through one AMI session (ami/probe.hpp: it only gathers answers); the
// judging, and every fix text, is here (check_pbx.cpp, check_local.cpp), as pure functions of
// the facts, so that each check's ✔, ✘ and ? is tested from given facts.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eecall/ami/probe.hpp"
#include "eecall/admin/config.hpp"
#include "eecall/admin/policy.hpp"
#include "eecall/action/outcome.hpp"
#include "eecall/request/parse.hpp"

namespace eecall {

/// What a check is for: the use a request would make, with everything but the PBX optional.
/// `--msg` or `--drv` make it a message (to the phones of --to), `--say` or `--play` an alert
/// (to the phones of --from), anything else a call (from --from to --to; --wait: its outcome).
struct CheckUse {
  ActionKind action = ActionKind::call;
  std::vector<std::string> phones;  // call: from; alert: from's list; message: to's list (as given)
  std::string target;               // call: to (empty: not given)
  MessageDriver driver = MessageDriver::pjsip;
  bool wait = false;                 // a call that waits for its outcome
  bool ack = false;                  // an alert waiting for a key: Read, else Playback
  std::optional<PromptKind> prompt;  // an alert's say or play
  bool amd = false;                  // an alert with amd (asked, or the configuration's default)
  bool background = false;           // background=1: jobs_dir is needed
  bool notify = false;               // --check-notify: fetch notify_url's site
  bool strict = false;               // --strict, strict=1: a ? (could not be known) fails the check
};

/// Where and how the PBX is reached, as the request would.
struct PbxTarget {
  std::string host;
  std::uint16_t port = default_ami_port;
  std::string user;
  ami::AuthMethod auth = ami::AuthMethod::md5;
  bool tls = false;
  ami::CallSettings call;
};

/// How a call's channel template reaches a phone: through the dialplan (Local/{from}@CONTEXT:
/// the phone must be an extension of CONTEXT), straight to a PJSIP endpoint or chan_sip peer,
/// or some other way eecall cannot check.
struct PhoneRoute {
  enum class Kind { dialplan, pjsip, sip, other } kind = Kind::other;
  std::string context;  // dialplan
};
PhoneRoute phone_route(const ami::CallSettings& call);

/// An address (or host written as one) of this machine's loopback: 127.0.0.0/8, ::1, or
/// 127.x mapped into IPv6.
bool is_loopback(std::string_view address);

/// What to ask the PBX for `use`: the login's events, the event probes, the modules, the
/// extensions, the endpoints.
ami::ProbeQuestions questions_for(const CheckUse& use, const ami::CallSettings& call);

/// A port that accepted the connection but sent no banner, spoken to first (a TLS ClientHello):
/// it answered HTTP, or TLS, or something else, or nothing (unknown).
enum class SilentPort { unknown, http, tls, other };
/// The kind of the first bytes a silent port answered (only the kind is ever reported).
SilentPort classify_answer(std::string_view first_bytes);
/// Connects to `address` (numeric, as the probe's connection found it) and asks, within `budget`.
SilentPort sniff_silent_port(const std::string& address, std::uint16_t port, std::chrono::milliseconds budget);
/// True when the probe's connection was accepted but no banner came in time (plain TCP): the case
/// sniff_silent_port is for.
bool banner_never_came(const ami::ProbeFacts& facts);

/// The PBX's side, judged from what it answered: connection, tls, ami, login, rights, events,
/// asterisk, modules, dialplan, phones (only those asked; after a failed login only up to it).
/// `silent`: what a port that sent no banner answered (sniff_silent_port), when it was asked.
std::vector<CheckItem> judge_pbx(const CheckUse& use, const PbxTarget& pbx, const ami::ProbeFacts& facts,
                                 SilentPort silent = SilentPort::unknown);

// --- eecall's own side ---

/// A user, as a file's mode bits see it.
struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
};
/// The account of that name (getpwnam, getgrouplist); nullopt when there is none.
std::optional<Account> account_named(const std::string& name);
/// The account of uid (and its primary group gid, supplementary groups from /etc/group).
std::optional<Account> account_of(uid_t uid, std::optional<gid_t> gid = std::nullopt);

/// The running Asterisk on this host, from /proc: its account (effective uid, gid and groups)
/// and how it was found ("its process 1234"); nullopt when none runs here.
std::optional<std::pair<Account, std::string>> asterisk_process();

/// A file or directory as stat(2) saw it.
struct PathFacts {
  std::string path;
  bool exists = false;
  bool directory = false;
  uid_t owner = 0;
  gid_t group = 0;
  unsigned mode = 0;  // the permission bits, setgid included
  std::string error;  // why stat failed, when it failed otherwise than "no such file"
};
PathFacts path_facts(const std::string& path);

/// Whether `who` may read (4), write (2) and/or search or execute (1) `path` by its mode bits
/// (root may read and write anything). ACLs are not looked at.
bool may(const Account& who, const PathFacts& path, unsigned want);

/// "www-data:asterisk 2750" for a found text.
std::string describe_owner(const PathFacts& path);

/// The configuration file: loaded (its profiles), and readable by the web server's user.
/// `file` is nullopt when there is no configuration file.
CheckItem judge_configuration(const Config& config, const std::optional<PathFacts>& file,
                              const std::optional<Account>& web_user);
/// A configuration that could not be loaded: ✘ with the loader's message.
CheckItem judge_configuration_failure(const Failure& failure);
/// state_dir: writable by the web server's user. Without it requests still work, only without
/// max_actions_per_minute and repeat_window: a ✘ is shown but never needed.
CheckItem judge_state_dir(const PathFacts& dir, const Account& web_user);
/// jobs_dir: the web server's user's own (0700), or creatable in its parent.
CheckItem judge_jobs_dir(const PathFacts& dir, const PathFacts& parent, const Account& web_user, bool needed);
/// job_log (when set): a file the web server's user may write, or create in `dir`. Without it
/// jobs log to syslog instead: a ✘ is shown but never needed.
CheckItem judge_job_log(const PathFacts& file, const PathFacts& dir, const Account& web_user);
/// audio_dir: a directory the web server's user may write.
CheckItem judge_audio_dir(const PathFacts& dir, const Account& web_user);
/// audio_dir seen from Asterisk: on the same host (the AMI connection's two ends), and
/// searchable by the user Asterisk runs as (nullopt: not known).
CheckItem judge_audio_for_asterisk(const PathFacts& dir, bool same_host, const std::string& pbx_address,
                                   const std::optional<Account>& asterisk_user, const std::string& how_known);
/// The speech module: loaded (its path), or why not.
CheckItem judge_speech_module(const Result<std::string>& loaded);
/// notify_url's site: an HTTP answer (its status) or why none came; `configured` false when no
/// notify_url applies.
CheckItem judge_notify(bool configured, const std::string& site, const Result<long>& answer);

/// Runs one check request: the report (AnswerKind::check), or a refusal like any request's
/// (a check=1 over HTTP without the configuration's token is forbidden; a bad parameter).
using Prober =
    std::function<ami::ProbeFacts(const ami::Endpoint&, const ami::ProbeQuestions&, const ami::ClientSettings&)>;
Prober network_prober();

Outcome run_check(const Incoming& incoming, const Config& config, const SettingValues& environment,
                  const Prober& prober);

/// The command line's report when the configuration file could not even be loaded.
Outcome check_report_for_config_failure(const Failure& failure);

/// The verdict of a report: result, error and step of the first needed check that is ✘ (or,
/// `strict`, not ✔), and the message counting them. Not strict, a needed ? is no failure: the
/// report passes when every needed check is ✔ or ?, and the message names the ? ones, to be
/// verified by hand (asking would need a right eecall should not have, e.g. write = system).
void settle_report(Outcome& report, bool strict = false);

/// True when `params` ask for a check (check=1).
bool wants_check(const Params& params);

}  // namespace eecall
