// One AMI message: an ordered list of `Name: value` headers, as Asterisk frames them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eecall::ami {

struct Header {
  std::string name;
  std::string value;
};

class Message {
 public:
  Message() = default;
  Message(std::initializer_list<Header> headers) : headers_(headers) {}

  void add(std::string name, std::string value) {
    headers_.push_back({std::move(name), std::move(value)});
  }

  /// First header with this name, case-insensitive (Asterisk's GET_HEADER_FIRST_MATCH).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
  [[nodiscard]] std::string_view get_or(std::string_view name,
                                        std::string_view fallback = {}) const noexcept;

  [[nodiscard]] const std::vector<Header>& headers() const noexcept { return headers_; }
  [[nodiscard]] bool empty() const noexcept { return headers_.empty(); }

  /// Classification by the *first* header: an OriginateResponse event carries a
  /// `Response:` header too (ami-protocol.md §1.4).
  [[nodiscard]] bool is_event() const noexcept;
  [[nodiscard]] bool is_response() const noexcept;

 private:
  std::vector<Header> headers_;
};

}  // namespace eecall::ami
