#include "eecall/ami/message.hpp"

#include "eecall/util/text.hpp"

namespace eecall::ami {

std::optional<std::string_view> Message::get(std::string_view name) const noexcept {
  for (const auto& h : headers_) {
    if (text::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string_view Message::get_or(std::string_view name, std::string_view fallback) const noexcept {
  return get(name).value_or(fallback);
}

bool Message::is_event() const noexcept {
  return !headers_.empty() && text::iequals(headers_.front().name, "Event");
}

bool Message::is_response() const noexcept {
  return !headers_.empty() && text::iequals(headers_.front().name, "Response");
}

}  // namespace eecall::ami
