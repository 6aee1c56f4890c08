#include "eecall/ami/run_result.hpp"

#include <array>

namespace eecall {

namespace {

// Each outcome's name in answers and job files, in the enum's order: one table, read each way.
constexpr std::array<std::string_view, 13> attempt_outcome_names = {
    "acknowledged", "answered",    "not_acknowledged", "busy", "no_answer", "congestion",
    "hangup",       "call_failed", "playback_failed",  "sent", "failed",    "cancelled", "voicemail"};
static_assert(attempt_outcome_names.size() == static_cast<std::size_t>(AttemptOutcome::voicemail) + 1,
              "one name per AttemptOutcome, in order");

}  // namespace

std::string_view attempt_outcome_name(AttemptOutcome outcome) noexcept {
  const auto index = static_cast<std::size_t>(outcome);
  return index < attempt_outcome_names.size() ? attempt_outcome_names[index] : "call_failed";
}

std::optional<AttemptOutcome> attempt_outcome_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < attempt_outcome_names.size(); ++i) {
    if (attempt_outcome_names[i] == name) return static_cast<AttemptOutcome>(i);
  }
  return std::nullopt;
}

void set_failure(ami::RunResult& outcome, const Failure& failure) {
  outcome.error = failure.code;
  outcome.message = failure.message;
  outcome.subject = failure.subject;
}

}  // namespace eecall
