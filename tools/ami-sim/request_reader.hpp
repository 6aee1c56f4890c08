// Turns client bytes into AMI requests exactly as Asterisk's get_input()/do_message() do
// (manager.c; ami-protocol.md §1.2-1.4), on top of the project's eecall::ami::Parser.
//
// Why Parser::next_line() and not Parser::next_message(): next_message() skips empty
// messages (Asterisk answers them "Missing action in request"), keeps lines without ':' as
// headers that Message::get() can match (Asterisk never matches them), does not cut lines
// at a NUL, and hides line lengths. So the Parser only splits lines here (CRLF or bare LF,
// with a 1 MiB hard cap), and this class redoes Asterisk's 1024-byte input buffer on the
// raw line size: a line whose bytes, terminator included, exceed 1024 flags the message
// "line too long"; of such a line only the tail Asterisk keeps is seen, and when that tail
// is empty (a 1023*k-byte line with CRLF) it ends the message early, as the real desync does.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/ami/framing.hpp"
#include "eecall/ami/message.hpp"
#include "eecall/util/result.hpp"

namespace eecall::sim {

struct Request {
  enum class Status { ok, too_many_lines, line_too_long };
  Status status = Status::ok;
  ami::Message message;  // the kept lines that contain ':' (only those can match a lookup)
  std::string raw;       // the exact bytes of this message as received
};

class RequestReader {
 public:
  static constexpr std::size_t asterisk_buffer = 1024;  // sizeof(inbuf) - 1
  static constexpr std::size_t max_headers = 128;       // AST_MAX_MANHEADERS
  static constexpr std::size_t hard_line_cap = 1 << 20;
  static constexpr std::size_t hard_message_cap = 16 << 20;  // raw bytes kept for the log

  RequestReader();

  void feed(std::string_view bytes);

  /// The next complete request; nullopt when more bytes are needed. A failure (a line over
  /// hard_line_cap, or a message over hard_message_cap) is final: close the connection.
  Result<std::optional<Request>> next();

  /// Bytes received but not part of a request returned so far; clears them.
  std::string take_unreturned();

 private:
  void add_line(std::string_view line);

  ami::Parser parser_;
  std::string unreturned_;       // raw bytes fed and not yet handed out with a request
  std::size_t message_raw_ = 0;  // how many of them belong to the message being assembled
  Request partial_;
  std::size_t lines_ = 0;
  bool header_loss_ = false;
  bool line_too_long_ = false;   // Asterisk's s->parsing: survives until reported
};

}  // namespace eecall::sim
