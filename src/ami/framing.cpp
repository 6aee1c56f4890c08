#include "eecall/ami/framing.hpp"

#include "eecall/util/text.hpp"

namespace eecall::ami {

void Parser::feed(std::string_view bytes) {
  if (failed_) return;
  // Compact before growing, so the buffer never holds more than one bounded message's worth.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<std::string_view> Parser::take_line(Failure& failure) {
  const auto end = buffer_.find('\n', pos_);
  if (end == std::string::npos) {
    // + 1: a line of max_line bytes may have its CR here and its LF still on the way.
    if (buffer_.size() - pos_ > limits_.max_line + 1) {
      failure = {ErrorCode::protocol_error,
                 "the AMI server sent a line longer than " + std::to_string(limits_.max_line) +
                     " bytes",
                 "read"};
    }
    return std::nullopt;
  }
  std::string_view line(buffer_.data() + pos_, end - pos_);
  const std::size_t consumed = end - pos_ + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF or bare LF
  if (line.size() > limits_.max_line) {
    failure = {ErrorCode::protocol_error,
               "the AMI server sent a line longer than " + std::to_string(limits_.max_line) +
                   " bytes",
               "read"};
    return std::nullopt;
  }
  pos_ += consumed;
  partial_bytes_ += consumed;
  return line;
}

Result<std::optional<std::string>> Parser::next_line() {
  if (failed_) return *failed_;
  Failure failure;
  auto line = take_line(failure);
  if (!failure.message.empty()) return *(failed_ = failure);
  partial_bytes_ = 0;
  if (!line) return std::optional<std::string>{};
  return std::optional<std::string>(std::string(*line));
}

Result<std::optional<Message>> Parser::next_message() {
  if (failed_) return *failed_;
  for (;;) {
    Failure failure;
    auto line = take_line(failure);
    if (!failure.message.empty()) return *(failed_ = failure);
    if (!line) return std::optional<Message>{};
    const bool header_line = !line->empty();
    if (partial_bytes_ > limits_.max_message ||
        (header_line && partial_.headers().size() >= limits_.max_headers)) {
      return *(failed_ = Failure{ErrorCode::protocol_error,
                                 "the AMI server sent a message larger than " +
                                     std::to_string(limits_.max_message) + " bytes or " +
                                     std::to_string(limits_.max_headers) + " lines",
                                 "read"});
    }
    if (line->empty()) {
      partial_bytes_ = 0;
      if (partial_.empty()) continue;  // stray blank line: Asterisk's own framing bugs
      Message done = std::move(partial_);
      partial_ = Message{};
      return std::optional<Message>(std::move(done));
    }
    const auto colon = line->find(':');
    if (colon == std::string_view::npos) {
      // Kept (raw text as the value) under an empty name, so no lookup ever matches it.
      partial_.add({}, std::string(*line));
      continue;
    }
    auto value = line->substr(colon + 1);
    // Asterisk skips leading bytes < 0x21 of a value (ast_skip_blanks), keeps trailing ones.
    while (!value.empty() && static_cast<unsigned char>(value.front()) < 0x21) value.remove_prefix(1);
    partial_.add(std::string(line->substr(0, colon)), std::string(value));
  }
}

namespace {

bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == ':') return false;
  }
  return true;
}

}  // namespace

Result<std::string> encode(const Message& message) {
  if (message.headers().size() > max_outgoing_headers) {
    return Failure{ErrorCode::invalid_parameter, "too many AMI header lines", "encode"};
  }
  std::string out;
  for (const auto& [name, value] : message.headers()) {
    if (!is_token(name)) {
      return Failure{ErrorCode::invalid_parameter, "AMI header name '" + name + "' is not a token",
                     name};
    }
    for (const char c : value) {
      if (c == '\r' || c == '\n' || c == '\0') {
        return Failure{ErrorCode::invalid_parameter,
                       "AMI header " + name + " would contain CR, LF or NUL", name};
      }
    }
    if (!value.empty() && (static_cast<unsigned char>(value.front()) < 0x21 ||
                           value.back() == ' ' || value.back() == '\t')) {
      return Failure{ErrorCode::invalid_parameter,
                     "AMI header " + name + " would start or end with a blank", name};
    }
    const std::size_t line_size = name.size() + 2 + value.size() + 2;
    if (line_size > max_outgoing_line) {
      return Failure{ErrorCode::invalid_parameter,
                     "AMI header " + name + " would be " + std::to_string(line_size) +
                         " bytes, over the " + std::to_string(max_outgoing_line) + "-byte limit",
                     name};
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

std::string redacted(const Message& message) {
  std::string out;
  for (const auto& [name, value] : message.headers()) {
    if (!out.empty()) out.append(" | ");
    const bool secret = text::iequals(name, "Secret") || text::iequals(name, "Key");
    out.append(name).append(": ").append(secret ? "***" : value);
  }
  return out;
}

}  // namespace eecall::ami
