#include "request_reader.hpp"

#include <algorithm>

namespace eecall::sim {

RequestReader::RequestReader()
    : parser_(ami::ReadLimits{hard_line_cap, hard_line_cap, max_headers}) {}

void RequestReader::feed(std::string_view bytes) {
  parser_.feed(bytes);
  unreturned_.append(bytes);
}

Result<std::optional<Request>> RequestReader::next() {
  for (;;) {
    const std::size_t before = parser_.buffered();
    auto got = parser_.next_line();
    if (!got) {
      return Failure{ErrorCode::protocol_error,
                     "client line over " + std::to_string(hard_line_cap) + " bytes", "read"};
    }
    if (!got.value()) return std::optional<Request>{};
    const std::string& content = *got.value();
    const std::size_t consumed = before - parser_.buffered();  // content + CRLF or LF
    message_raw_ += consumed;
    if (message_raw_ > hard_message_cap) {
      return Failure{ErrorCode::protocol_error,
                     "client message over " + std::to_string(hard_message_cap) + " bytes", "read"};
    }

    std::string_view line = content;
    if (consumed > asterisk_buffer) {
      // get_input(): with no terminator in a full buffer it keeps the last byte and reads
      // on, so only bytes from offset 1023*k onwards reach the caller.
      line_too_long_ = true;
      const std::size_t k = (consumed - asterisk_buffer + (asterisk_buffer - 2)) /
                            (asterisk_buffer - 1);  // ceil((consumed - 1024) / 1023)
      line.remove_prefix(std::min(line.size(), k * (asterisk_buffer - 1)));
    }
    line = line.substr(0, line.find('\0'));  // handled as a C string from here on

    if (!line.empty()) {
      add_line(line);
      continue;
    }
    // An empty line ends the message (do_message()).
    Request done = std::move(partial_);
    if (header_loss_) {
      done.status = Request::Status::too_many_lines;  // the parse flag stays set, as in Asterisk
    } else if (line_too_long_) {
      done.status = Request::Status::line_too_long;
      line_too_long_ = false;  // handle_parse_error() clears it
    }
    done.raw = unreturned_.substr(0, message_raw_);
    unreturned_.erase(0, message_raw_);
    message_raw_ = 0;
    partial_ = Request{};
    lines_ = 0;
    header_loss_ = false;
    return std::optional<Request>(std::move(done));
  }
}

void RequestReader::add_line(std::string_view line) {
  if (lines_ >= max_headers) {
    header_loss_ = true;
    return;
  }
  ++lines_;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;  // kept by Asterisk, but never matches a lookup
  auto value = line.substr(colon + 1);
  // ast_skip_blanks(): every leading byte below 0x21 goes; trailing blanks stay.
  while (!value.empty() && static_cast<unsigned char>(value.front()) < 0x21) value.remove_prefix(1);
  partial_.message.add(std::string(line.substr(0, colon)), std::string(value));
}

std::string RequestReader::take_unreturned() {
  std::string out = std::move(unreturned_);
  unreturned_.clear();
  message_raw_ = 0;
  return out;
}

}  // namespace eecall::sim
