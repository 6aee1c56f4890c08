#include "outbox.hpp"

namespace eecall::sim {

Outbox::Outbox(Connection& connection, std::chrono::milliseconds drip)
    : connection_(connection), drip_(drip), wake_(connection.executor()) {}

void Outbox::send(std::string bytes) {
  if (closing_ || bytes.empty()) return;
  queue_.push_back(std::move(bytes));
  wake_.cancel();
}

void Outbox::send_endlessly(std::function<std::string()> next) {
  if (closing_) return;
  endless_ = std::move(next);
  wake_.cancel();
}

void Outbox::close_after_flush() {
  closing_ = true;
  wake_.cancel();
}

awaitable<void> Outbox::write(const std::string& bytes, boost::system::error_code& ec) {
  if (drip_.count() <= 0) {
    co_await connection_.write(asio::buffer(bytes), ec);
    co_return;
  }
  for (const char& byte : bytes) {
    co_await connection_.write(asio::buffer(&byte, 1), ec);
    if (ec) co_return;
    co_await sleep_for(drip_);
  }
}

awaitable<void> Outbox::run() {
  boost::system::error_code ec;
  for (;;) {
    if (queue_.empty()) {
      if (closing_) break;
      if (endless_) {
        // Only as fast as the client reads: each write waits for the socket to take it.
        co_await write(endless_(), ec);
        if (ec) break;
        continue;
      }
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const std::string bytes = std::move(queue_.front());
    queue_.pop_front();
    co_await write(bytes, ec);
    if (ec) break;
  }
  closing_ = true;
  queue_.clear();
  connection_.close();
}

}  // namespace eecall::sim
