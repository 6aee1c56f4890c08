// A value or a failure, for code paths that must not throw (C++20 has no std::expected).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "eecall/util/error_code.hpp"

namespace eecall {

/// What went wrong: a stable code, the parameter or step it concerns, and a human sentence.
struct Failure {
  ErrorCode code = ErrorCode::internal_error;
  std::string message;
  std::string subject;  // parameter name ("to") or step name ("login"); may be empty
};

/// What a step that makes nothing returns: empty when it was done, else its Failure. The one
/// convention for "done or a failure" (`if (auto failed = step()) return *failed;`).
using Status = std::optional<Failure>;

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Failure failure) : state_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  const Failure& failure() const { assert(!ok()); return std::get<Failure>(state_); }

 private:
  std::variant<T, Failure> state_;
};

}  // namespace eecall
