// AMI framing, both directions, with hard bounds so a broken peer cannot exhaust memory.
//
// Reading follows Asterisk's own get_input()/do_message(): lines end with CRLF or a bare LF,
// an empty line ends a message, leading blanks of a value are skipped, trailing ones kept,
// a line without ':' is kept (empty name, the raw line as value) but never matches a lookup.
// Writing refuses anything that Asterisk would read differently from what we meant.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"
#include "eecall/util/result.hpp"

namespace eecall::ami {

struct ReadLimits {
  std::size_t max_line = 8192;             // bytes before the line end
  std::size_t max_message = 64 * 1024;     // bytes of one message, line ends included
  std::size_t max_headers = 512;           // header lines in one message
};

/// Incremental reader: feed() bytes as they arrive, then take lines or messages.
/// Memory is bounded by ReadLimits: a violation is reported once and the parser stays failed.
class Parser {
 public:
  explicit Parser(ReadLimits limits = {}) : limits_(limits) {}

  void feed(std::string_view bytes);

  /// Next complete line without its terminator (for the banner). nullopt: need more bytes.
  Result<std::optional<std::string>> next_line();

  /// Next complete non-empty message. Stray empty lines between messages are skipped, as
  /// Asterisk's own framing bugs produce them (ami-protocol.md §1.6).
  Result<std::optional<Message>> next_message();

  /// Bytes received but not consumed yet.
  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - pos_; }

 private:
  std::optional<std::string_view> take_line(Failure& failure);

  ReadLimits limits_;
  std::string buffer_;
  std::size_t pos_ = 0;
  Status failed_;
  Message partial_;
  std::size_t partial_bytes_ = 0;
};

/// Longest line we ever send, terminator included; Asterisk reads 1024 bytes and a
/// 1023-byte line can desync its framing (ami-protocol.md §1.2), so keep a margin.
inline constexpr std::size_t max_outgoing_line = 1000;
/// Asterisk's AST_MAX_MANHEADERS.
inline constexpr std::size_t max_outgoing_headers = 128;

/// Serialises a message for the wire (CRLF, empty line at the end) after checking every
/// header: the name is a token, the value holds no CR/LF/NUL nor leading/trailing blanks, and
/// each line fits max_outgoing_line. Failure code: invalid_parameter.
Result<std::string> encode(const Message& message);

/// The message as one log-safe text: `Secret` and `Key` values replaced by "***".
std::string redacted(const Message& message);

}  // namespace eecall::ami
