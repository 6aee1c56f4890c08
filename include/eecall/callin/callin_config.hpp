// A call-in menu from eecall.conf: the section `[callin NAME]` (docs/callin.md).
//
//   [callin home]
//   pin = 4711                          ; 4-12 digits, asked after the greeting, '#' ends it
//   allow_callers = 0612345678 0698765432   ; the numbers that may call (or: any)
//   trust_caller_id = 0612345678        ; these need no PIN (caller IDs can be forged: docs/security.md)
//   key1 = act Armer | http://box/api/set?action=periph.value&periph_id=12345&value=100&api_user=U&api_secret=S
//   key3 = read Alarme | http://box/api/get?action=periph.caract&periph_id=12345&api_user=U&api_secret=S | body.last_value_text
//   key0 = acknowledge
//
// Optional: greeting (spoken first), voice (espeak-ng voice, default: the general one),
// pin_tries (wrong PINs before the lockout, across calls: 1..10, default 3), lockout (minutes,
// 1..1440, default 15), call_limit (seconds a call may last, 30..1800, default 180),
// fetch_timeout (seconds per URL, 1..30, default 5).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/admin/config.hpp"
#include "eecall/util/result.hpp"

namespace eecall::callin {

struct MenuKey {
  enum class Kind { act, read, acknowledge };
  char key = '1';  // 0-9
  Kind kind = Kind::act;
  std::string label;  // spoken
  std::string url;    // act, read: http:// or https://, {caller} expanded (percent-encoded)
  std::string field;  // read: a dotted path into the JSON answer; empty: the whole body as text
};

struct Menu {
  std::string name;
  std::string pin;                         // empty only when every allowed caller is trusted
  std::vector<std::string> allow_callers;  // exact numbers; empty with allow_any
  bool allow_any = false;
  std::vector<std::string> trusted;  // need no PIN
  std::vector<MenuKey> keys;         // in key order
  std::string greeting = "Bonjour.";
  std::string voice;  // empty: the general voice
  int pin_tries = 3;
  std::chrono::minutes lockout{15};
  std::chrono::seconds call_limit{180};
  std::chrono::milliseconds fetch_timeout{5000};

  [[nodiscard]] const MenuKey* key(char digit) const;
  [[nodiscard]] bool allows(std::string_view caller) const;
  [[nodiscard]] bool trusts(std::string_view caller) const;
};

/// The menu of `[callin NAME]`, checked. Failure: config_error naming file:line (never a PIN
/// or a URL's secret), or naming the menu when there is none of that name.
Result<Menu> menu_from_config(const Config& config, std::string_view name);

}  // namespace eecall::callin
