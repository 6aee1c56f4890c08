// Messages: one MessageSend per recipient, in the same session.
#include "plans.hpp"

namespace eecall::ami {

RunResult run_messages(Session& session, const Request& request) {
  RunResult outcome;
  // A Request built by hand (tests, fuzzing) may name its one recipient in `to` only.
  const auto recipients = request.phones.empty() ? std::vector<std::string>{request.to} : request.phones;
  const bool several = recipients.size() > 1;
  std::size_t sent = 0;
  Status first_failure;
  for (const auto& to : recipients) {
    const auto start = Clock::now();
    const auto id = session.next_id("action");
    if (outcome.action_id.empty()) outcome.action_id = id;
    auto reply = session.request(make_message_send(request, to, id), "action");
    Attempt attempt{to, reply ? AttemptOutcome::sent : AttemptOutcome::failed,
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start),
                    reply ? std::string(reply.value().get_or("Message")) : reply.failure().message, {}, {}};
    if (reply) {
      ++sent;
      outcome.message = attempt.detail;
    } else if (!first_failure) {
      first_failure = reply.failure();
    }
    if (several) outcome.attempts.push_back(std::move(attempt));
    // A refused recipient is reported and the next one tried; a broken session is not.
    if (!reply && reply.failure().code != ErrorCode::action_failed) break;
  }
  if (first_failure) {
    set_failure(outcome, *first_failure);
    if (several) {
      outcome.message = std::to_string(sent) + " of " + std::to_string(recipients.size()) +
                        " messages sent; first failure: " + first_failure->message;
    }
  } else if (several) {
    outcome.message = "all " + std::to_string(sent) + " messages sent";
  }
  return outcome;
}

}  // namespace eecall::ami
