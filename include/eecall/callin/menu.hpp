// The call-in menu, one call: the caller checked, the PIN (or a trusted caller ID), then the
// main menu's keys until '#', a hang-up or the call's time limit. It speaks through an AgiLine
// and knows nothing of processes, files or HTTP: the services below do that.
//
// Every prompt that waits for keys is a GET DATA (the caller may type over it: a key pressed
// during a STREAM FILE without escape digits is lost, tests/data/agi_pin.txt); a sentence
// that waits for nothing is a STREAM FILE that any key interrupts, that key then being the
// next choice.
//
// A key typed while eecall synthesizes a sentence is lost (Asterisk drops the DTMF that comes
// between two AGI commands), so every sentence known before the answer is synthesized then,
// while it still rings (MenuServices::warm_up): after the answer only what the box says is new.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/callin/agi_channel.hpp"
#include "eecall/callin/callin_config.hpp"
#include "eecall/callin/fetch.hpp"
#include "eecall/callin/lockout.hpp"
#include "eecall/util/result.hpp"

namespace eecall::callin {

/// A running alert a caller may acknowledge (jobs/): its id and what it says.
struct RunningAlert {
  std::string job_id;
  std::string text;
};

struct MenuServices {
  /// A sentence → the path STREAM FILE / GET DATA play (absolute, without extension).
  std::function<Result<std::string>(std::string_view sentence)> speak;
  /// Makes the audio of these sentences ready (what speak will then find cached); called
  /// before ANSWER, while the caller still hears it ring. Empty function: nothing to do.
  std::function<void(const std::vector<std::string>& sentences)> warm_up;
  Fetcher fetch;
  const Lockout* lockout = nullptr;
  /// The alert to offer for acknowledgement, if one is running (empty function: none).
  std::function<std::optional<RunningAlert>()> running_alert;
  /// Acknowledges it on behalf of `caller`.
  std::function<Status(const RunningAlert&, std::string_view caller)> acknowledge;
};

/// What happened, for the call's one log line (never the PIN).
struct CallReport {
  std::string caller;
  std::string pin = "not asked";  // ok, trusted caller, wrong, locked out, not given
  std::string keys;               // the menu keys pressed, in order
  std::vector<std::string> actions;
  std::string outcome;  // left, hung up, refused caller, locked out, time limit, no key, failed: ...
};

CallReport run_menu(AgiLine& line, const Menu& menu, std::string_view caller, const MenuServices& services);

/// The one line that logs a call.
std::string describe(const CallReport& report);

}  // namespace eecall::callin
