#include "outbox.hpp"

namespace eecall::sim {

Outbox::Outbox(tcp::socket& socket) : socket_(socket), wake_(socket.get_executor()) {}

void Outbox::send(std::string bytes) {
  if (closing_ || bytes.empty()) return;
  queue_.push_back(std::move(bytes));
  wake_.cancel();
}

void Outbox::close_after_flush() {
  closing_ = true;
  wake_.cancel();
}

awaitable<void> Outbox::run() {
  boost::system::error_code ec;
  for (;;) {
    if (queue_.empty()) {
      if (closing_) break;
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    const std::string bytes = std::move(queue_.front());
    queue_.pop_front();
    co_await asio::async_write(socket_, asio::buffer(bytes),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  closing_ = true;
  queue_.clear();
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace eecall::sim
