// How a simulated dial attempt ends, and the OriginateResponse Reason code for it.
#pragma once

namespace eecall::sim {

/// The OriginateResponse Reason codes of ami-protocol.md §4.4.
enum class Outcome { answered, busy, no_answer, congestion, failed, hangup, none };

/// `Reason:` for an outcome (Outcome::none has no event; 0 is returned).
constexpr int reason_code(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::answered: return 4;
    case Outcome::busy: return 5;
    case Outcome::no_answer: return 3;
    case Outcome::congestion: return 8;
    case Outcome::hangup: return 1;
    case Outcome::failed:
    case Outcome::none: return 0;
  }
  return 0;
}

}  // namespace eecall::sim
