#include "eecall/action/outcome.hpp"

namespace eecall {

std::string_view job_state_name(JobState state) noexcept {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "failed";
}

std::optional<JobState> parse_job_state(std::string_view name) noexcept {
  for (const auto state : {JobState::queued, JobState::running, JobState::done, JobState::failed,
                           JobState::cancelled}) {
    if (job_state_name(state) == name) return state;
  }
  return std::nullopt;
}

Outcome failed_outcome(const Failure& failure) {
  Outcome outcome;
  set_failure(outcome, failure);
  return outcome;
}

std::string_view check_status_name(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::ok: return "ok";
    case CheckStatus::failed: return "failed";
    case CheckStatus::unknown: break;
  }
  return "unknown";
}

std::string_view check_status_symbol(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::ok: return "\xE2\x9C\x94";  // U+2714 HEAVY CHECK MARK, in UTF-8
    case CheckStatus::failed: return "\xE2\x9C\x98";  // U+2718 HEAVY BALLOT X
    case CheckStatus::unknown: break;
  }
  return "?";
}

}  // namespace eecall
