// The phones a dial reaches: the lab's (shared/asterisk/README.md "What is in the lab"), or
// for the phones without a behaviour of their own, what --originate-outcome says.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "dialplan.hpp"
#include "options.hpp"
#include "outcome.hpp"

namespace eecall::sim {

/// How a phone sends the keys it presses: RFC 2833 (DTMFBegin, then DTMFEnd 280 ms long,
/// h3b) or SIP INFO (only DTMFEnd, 160 ms, h4a).
enum class DtmfMode { rfc2833, info };

struct Phone {
  std::string number;  // the endpoint or peer name ("105")
  /// answered; busy; no_answer; congestion; hangup; failed (no channel is even created:
  /// unknown or unreachable phones, c1/c3/c4); none (never answers, never fails).
  Outcome outcome = Outcome::answered;
  int reason = 0;     // OriginateResponse Reason when not answered
  bool rings = true;  // sends 180 Ringing (Newstate Ringing, DialState RINGING)
  /// When the outcome comes: after --answer-delay-ms; at once (108's 486, h6a); or when
  /// Originate's Timeout runs out (104, c5).
  enum class When { after_answer_delay, at_once, at_timeout } when = When::after_answer_delay;
  std::string keys;        // what it presses after answering
  DtmfMode dtmf = DtmfMode::rfc2833;
  /// What AMD says of it, and when (from the answer), as the u* recordings of the lab: 109 a
  /// machine, 110 a person, every other phone (silent) NOTSURE when AMD's total time ran out.
  std::string amd_status = "NOTSURE";
  std::string amd_cause;  // empty: TOOLONG-<total time - 100>
  std::chrono::milliseconds amd_time{0};  // 0: AMD's total time
  std::chrono::milliseconds greeting_left{0};  // a machine: its greeting goes on this long after AMD
};

/// The phone behind `tech/data` (data is what follows "PJSIP/" or "SIP/"). PJSIP 102, 103
/// and unknown endpoints fail at once (Reason 0); 104 rings until the Timeout (Reason 3);
/// 105 and 106 answer and press 1 (RFC 2833, SIP INFO); 107 answers and never presses; 108
/// is busy (Reason 0, as a real Asterisk 20 reports a 486). PJSIP 100 and 101, SIP 100 and
/// 101 and SIP user@host do what `options.outcome` says. --keys sets what any phone presses.
Phone phone_for(Tech tech, std::string_view data, const Options& options);

}  // namespace eecall::sim
