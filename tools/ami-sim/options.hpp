// Command line of eecall-ami-sim (see --help, written in options.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "outcome.hpp"
#include "permissions.hpp"
#include "sounds.hpp"

namespace eecall::sim {

/// Deliberate misbehaviour, to test how a client copes.
enum class Fault {
  none,
  no_banner,
  close_after_banner,
  stall_action,
  close_mid_reply,
  slow_logoff,
  drip,          // every byte on its own, --drip-ms apart
  flood,         // after login: call events for ever, never the action's answer
  endless_line,  // after login: the action's answer becomes one line that never ends
  garbage,       // random bytes (no LF) for ever instead of a banner
};

struct User {
  std::string name;
  std::string secret;  // compared with strcmp, so an empty secret matches a missing Secret
  ClassMask write = 0;
  ClassMask read = flag::all;  // manager.conf read=: the event classes its sessions may get
};

struct Options {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 5038;
  std::vector<User> users;
  std::string log_path;  // empty: no log
  std::string banner = "Asterisk Call Manager/9.0.0";
  std::chrono::milliseconds auth_delay{1000};
  /// From the Originate to the phone's answer (or busy, ...): the lab's phones answer after
  /// about 0.3 s. Also how long a synchronous Originate waits for that.
  std::chrono::milliseconds answer_delay{300};
  /// From the answer to the first key a phone presses (105 and 106 press after 2 s).
  std::chrono::milliseconds key_delay{2000};
  /// Digits each phone presses after answering, by phone number ("105" -> "1").
  std::map<std::string, std::string, std::less<>> keys{{"105", "1"}, {"106", "1"}, {"110", "1"}};
  /// --amd-hangup-ms: the phone hangs up this long into AMD (u6); nullopt: never.
  std::optional<std::chrono::milliseconds> amd_hangup;
  /// Relative prompt names Playback and Read know, with their durations.
  SoundCatalog sounds = lab_sounds();
  /// What phones without a lab behaviour do (PJSIP/SIP 100 and 101, SIP user@host).
  Outcome outcome = Outcome::answered;
  Fault fault = Fault::none;
  std::chrono::milliseconds drip{50};  // --fault drip: delay after each byte
  std::string tls_cert;  // PEM certificate chain; with tls_key: serve TLS only
  std::string tls_key;
  bool broadcast_events = false;  // call events to every connection, as Asterisk does
  /// Modules that are not loaded (--unload): ModuleCheck says so, their actions are unknown.
  std::vector<std::string> unloaded;
  std::string run_user;   // CoreSettings' CoreRunUser (--run-user); empty as in the lab
  std::string run_group;  // CoreRunGroup
  std::chrono::seconds max_seconds{0};  // 0: run until SIGTERM/SIGINT
};

/// Parses argv. Returns the options, or the exit status when the program must stop now
/// (--help printed: 0; usage error printed on stderr: non-zero).
std::variant<Options, int> parse_options(int argc, char** argv);

}  // namespace eecall::sim
