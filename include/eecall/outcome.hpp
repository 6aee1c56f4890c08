// The outcome of one request: what the renderer turns into XML, JSON or a text line.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string>

#include "eecall/error.hpp"
#include "eecall/request.hpp"

namespace eecall {

struct Outcome {
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

  [[nodiscard]] bool ok() const noexcept { return error == ErrorCode::none; }
};

}  // namespace eecall
