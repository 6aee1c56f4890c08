#include "eecall/ami/run_result.hpp"

namespace eecall {

std::string_view attempt_outcome_name(AttemptOutcome outcome) noexcept {
  switch (outcome) {
    case AttemptOutcome::acknowledged: return "acknowledged";
    case AttemptOutcome::answered: return "answered";
    case AttemptOutcome::not_acknowledged: return "not_acknowledged";
    case AttemptOutcome::busy: return "busy";
    case AttemptOutcome::no_answer: return "no_answer";
    case AttemptOutcome::congestion: return "congestion";
    case AttemptOutcome::hangup: return "hangup";
    case AttemptOutcome::call_failed: return "call_failed";
    case AttemptOutcome::playback_failed: return "playback_failed";
    case AttemptOutcome::sent: return "sent";
    case AttemptOutcome::failed: return "failed";
    case AttemptOutcome::cancelled: return "cancelled";
  }
  return "call_failed";
}

void set_failure(ami::RunResult& outcome, const Failure& failure) {
  outcome.error = failure.code;
  outcome.message = failure.message;
  outcome.subject = failure.subject;
}

}  // namespace eecall
