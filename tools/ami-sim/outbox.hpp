// The sending side of one connection: queued byte strings, each written with one write (as
// Asterisk writes each reply/event), in order, then the socket closed when asked.
#pragma once

#include <deque>
#include <string>

#include "asio.hpp"

namespace eecall::sim {

class Outbox {
 public:
  explicit Outbox(tcp::socket& socket);

  /// Queues bytes; dropped once closing.
  void send(std::string bytes);
  /// Closes the socket once everything queued so far is written.
  void close_after_flush();
  [[nodiscard]] bool closing() const noexcept { return closing_; }

  /// The writer; run it once per connection. Ends with the socket closed (also on a write error).
  awaitable<void> run();

 private:
  tcp::socket& socket_;
  asio::steady_timer wake_;
  std::deque<std::string> queue_;
  bool closing_ = false;
};

}  // namespace eecall::sim
