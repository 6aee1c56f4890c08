// What the AMI core answers for one request: the action's result and, for alerts and messages
// to several phones, every attempt. The layers above wrap it in their answer (action/outcome.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/request/request.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

/// How one phone of an alert (or one recipient of a message) fared.
enum class AttemptOutcome {
  acknowledged,      // answered and pressed the `ack` key
  answered,          // answered (no `ack` asked)
  not_acknowledged,  // answered, but no key or another key
  busy,
  no_answer,
  congestion,
  hangup,            // hung up before answering
  call_failed,
  playback_failed,   // answered, but Asterisk could not play the prompt
  sent,              // message delivered to Asterisk
  failed,            // message refused
  cancelled,         // a cancel request stopped it (eecall hung the call up)
  voicemail,         // amd: answered by a machine (hung up at once, or the prompt left once)
};
std::string_view attempt_outcome_name(AttemptOutcome outcome) noexcept;
/// The outcome of that name, or nullopt.
std::optional<AttemptOutcome> attempt_outcome_named(std::string_view name) noexcept;

struct Attempt {
  std::string phone;
  AttemptOutcome outcome = AttemptOutcome::call_failed;
  std::chrono::milliseconds elapsed{0};
  std::string detail;  // e.g. Asterisk's text, or "pressed 2"
  // With `amd` only (empty otherwise, and then absent from every answer): AMD's verdict
  // (AMDSTATUS: HUMAN, MACHINE, NOTSURE, HANGUP) and its cause (AMDCAUSE, e.g. LONGGREETING-1500-1500).
  std::string amd_status;
  std::string amd_cause;
};

namespace ami {

struct RunResult {
  std::optional<ActionKind> action;  // unknown when the request itself was unusable
  ErrorCode error = ErrorCode::none;
  std::string message;    // human sentence; Asterisk's own `Message:` text where there is one
  std::string subject;    // parameter (bad input) or step (timeout, protocol error)
  std::string action_id;  // the ActionID of the Originate / MessageSend, once sent
  std::chrono::milliseconds elapsed{0};
  // From the OriginateResponse event, when the request waited for the call's outcome:
  std::optional<int> reason;  // Asterisk's Reason (4 answered, 5 busy, 3 no answer, ...)
  std::string channel;
  std::string uniqueid;
  // Alerts (and messages to several phones): every attempt in order, and who acknowledged.
  std::vector<Attempt> attempts;
  std::string acknowledged_by;

  [[nodiscard]] bool ok() const noexcept { return error == ErrorCode::none; }
};

}  // namespace ami

/// Copies a failure into a result: its code, message and subject.
void set_failure(ami::RunResult& result, const Failure& failure);

}  // namespace eecall
