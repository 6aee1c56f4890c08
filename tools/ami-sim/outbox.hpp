// The sending side of one connection: queued byte strings, each written with one write (as
// Asterisk writes each reply/event), in order, then the socket closed when asked.
// Two deliberate misbehaviours live here: --fault drip (every byte on its own, with a delay)
// and an endless stream (--fault flood / endless-line / garbage) that is only produced as
// fast as the client reads, so the simulator itself stays small.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>

#include "asio.hpp"
#include "connection.hpp"

namespace eecall::sim {

class Outbox {
 public:
  /// `drip` > 0: write one byte at a time, waiting `drip` after each.
  Outbox(Connection& connection, std::chrono::milliseconds drip);

  /// Queues bytes; dropped once closing.
  void send(std::string bytes);
  /// Once the queue is empty, writes `next()` again and again, for ever (until closed).
  void send_endlessly(std::function<std::string()> next);
  /// Closes the socket once everything queued so far is written.
  void close_after_flush();
  [[nodiscard]] bool closing() const noexcept { return closing_; }

  /// The writer; run it once per connection. Ends with the socket closed (also on a write error).
  awaitable<void> run();

 private:
  awaitable<void> write(const std::string& bytes, boost::system::error_code& ec);

  Connection& connection_;
  std::chrono::milliseconds drip_;
  asio::steady_timer wake_;
  std::deque<std::string> queue_;
  std::function<std::string()> endless_;
  bool closing_ = false;
};

}  // namespace eecall::sim
