// The transport's plain TCP side: connect, read, write, each under a deadline, and the watch on
// the cancel descriptor. The TLS side is transport_tls.cpp.
#include "transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <poll.h>

#include "eecall/ami/client.hpp"

namespace eecall::ami {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string describe(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a;
  return out.empty() ? std::string("(no address)") : out;
}

}  // namespace

Connection::Connection(const ClientSettings& settings, Clock::time_point total_deadline)
    : settings_(settings), total_deadline_(total_deadline), parser_(settings.limits) {
  watch_cancel_fd();
}

Status Connection::connect(const std::vector<std::string>& addresses, std::uint16_t port) {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& a : addresses) {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(a, ec);
    if (!ec) endpoints.emplace_back(addr, port);
  }
  boost::system::error_code result = asio::error::would_block;
  asio::async_connect(socket_, endpoints,
                      [&](const boost::system::error_code& ec, const tcp::endpoint&) { result = ec; });
  if (auto timed_out = run_until_done("connect", result)) return timed_out;
  if (result) {
    return Failure{ErrorCode::connect_failed,
                   "cannot connect to " + describe(addresses) + " port " + std::to_string(port) + ": " +
                       result.message(),
                   "connect"};
  }
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  return std::nullopt;
}

Result<std::string> Connection::read_banner() {
  for (;;) {
    auto line = parser_.next_line();
    if (!line) {
      // A first line longer than ReadLimits::max_line is no AMI banner.
      return Failure{ErrorCode::not_asterisk,
                     "the server at that address is not an Asterisk Manager Interface (its "
                     "first line is longer than " +
                         std::to_string(settings_.limits.max_line) + " bytes)",
                     "banner"};
    }
    if (line.value()) return std::move(*line.value());
    if (auto failed = read_more("banner")) {
      if (failed->code == ErrorCode::timeout && !settings_.tls) {
        // Not "use tls": a web server is as silent (issue 19 item 9); --check asks which it is.
        failed->message += " (an AMI port sends its banner at once: this one waits for the client, as a TLS "
                           "port such as Asterisk's 5039 or a web server does)";
      }
      return *failed;
    }
  }
}

Status Connection::send(const Message& message, std::string_view step) {
  auto bytes = encode(message);
  if (!bytes) return bytes.failure();
  if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("AMI >> {}", redacted(message));
  if (tls_) return send_tls(bytes.value(), step);
  boost::system::error_code result = asio::error::would_block;
  asio::async_write(socket_, asio::buffer(bytes.value()),
                    [&](const boost::system::error_code& ec, std::size_t) { result = ec; });
  if (auto timed_out = run_until_done(step, result)) return timed_out;
  if (result) {
    return Failure{ErrorCode::protocol_error, "sending " + std::string(step) + " failed: " + result.message(),
                   std::string(step)};
  }
  return std::nullopt;
}

Result<Message> Connection::await(const std::function<bool(const Message&)>& wanted, std::string_view step,
                                  Clock::time_point deadline, bool interruptible) {
  for (;;) {
    if (interruptible && cancel_requested()) return cancelled(step);
    auto next = parser_.next_message();
    if (!next) {
      auto failure = next.failure();
      failure.subject = std::string(step);  // the step, like every other session failure
      return failure;
    }
    if (auto& message = next.value()) {
      if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("AMI << {}", redacted(*message));
      if (wanted(*message)) return std::move(*message);
      continue;
    }
    interruptible_ = interruptible;
    auto failed = read_more(step, deadline, OnTimeout::cancel);
    interruptible_ = false;
    if (failed) return *failed;
  }
}

bool Connection::cancel_requested() {
  if (!cancel_requested_ && cancel_) {
    pollfd fd{cancel_->native_handle(), POLLIN, 0};
    cancel_requested_ = ::poll(&fd, 1, 0) > 0;
  }
  return cancel_requested_;
}

Clock::time_point Connection::step_deadline() const {
  return std::min(Clock::now() + settings_.step_timeout, total_deadline_);
}

std::string Connection::address(bool local) const {
  boost::system::error_code ec;
  const auto end = local ? socket_.local_endpoint(ec) : socket_.remote_endpoint(ec);
  return ec ? std::string() : end.address().to_string();
}

void Connection::close() {
  tls_.reset();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

Status Connection::read_more(std::string_view step) { return read_more(step, step_deadline(), OnTimeout::close); }

Status Connection::read_more(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout) {
  if (tls_) return read_more_tls(step, deadline, on_timeout);
  boost::system::error_code result = asio::error::would_block;
  std::size_t got = 0;
  socket_.async_read_some(asio::buffer(chunk_), [&](const boost::system::error_code& ec, std::size_t n) {
    result = ec;
    got = n;
  });
  if (auto timed_out = run_until_done(step, result, deadline, on_timeout)) return timed_out;
  if (result == asio::error::eof || result == asio::error::connection_reset) return closed_by_peer(step);
  if (result) return read_failed(step, result.message());
  parser_.feed(std::string_view(chunk_.data(), got));
  return std::nullopt;
}

Status Connection::run_until_done(std::string_view step, const boost::system::error_code& result) {
  return run_until_done(step, result, step_deadline(), OnTimeout::close);
}

Status Connection::run_until_done(std::string_view step, const boost::system::error_code& result,
                                  Clock::time_point deadline, OnTimeout on_timeout) {
  io_.restart();
  while (result == asio::error::would_block && Clock::now() < deadline) {
    io_.run_one_until(deadline);
  }
  if (result != asio::error::would_block) {
    // The cancel watch cancels an interruptible read: that is the request's cancel.
    if (result == asio::error::operation_aborted && interruptible_ && cancel_requested_) return cancelled(step);
    return std::nullopt;
  }
  abandon_pending(result, on_timeout);
  return timed_out(step, deadline);
}

void Connection::abandon_pending(const boost::system::error_code& result, OnTimeout on_timeout) {
  // Cancelling (or closing) makes the pending operation finish; let it. (Not io_.run(): the
  // cancel watch stays pending for the session's whole life.)
  if (on_timeout == OnTimeout::cancel) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  } else {
    close();
  }
  io_.restart();
  while (result == asio::error::would_block) io_.run_one();
}

Failure Connection::timed_out(std::string_view step, Clock::time_point deadline) const {
  const bool total = deadline >= total_deadline_;
  return Failure{ErrorCode::timeout,
                 total ? "the request's total deadline passed while waiting for " + std::string(step)
                       : "no progress within " + std::to_string(settings_.step_timeout.count()) +
                             " ms while waiting for " + std::string(step),
                 std::string(step)};
}

// Waits on a copy of settings.cancel_fd: when it becomes readable, a pending interruptible
// read is cancelled (run_until_done turns that into `cancelled`), and every later one too.
void Connection::watch_cancel_fd() {
  if (settings_.cancel_fd < 0) return;
  const int copy = ::fcntl(settings_.cancel_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return;
  cancel_.emplace(io_, copy);
  cancel_->async_wait(asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    cancel_requested_ = true;
    if (interruptible_) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
    }
  });
}

Failure Connection::closed_by_peer(std::string_view step) {
  return Failure{ErrorCode::protocol_error,
                 "the AMI server closed the connection while we waited for the " + std::string(step) + " reply",
                 std::string(step)};
}

Failure Connection::read_failed(std::string_view step, const std::string& why) {
  return Failure{ErrorCode::protocol_error, "reading the " + std::string(step) + " reply failed: " + why,
                 std::string(step)};
}

Failure Connection::cancelled(std::string_view step) {
  return Failure{ErrorCode::cancelled, "the request was cancelled while waiting for " + std::string(step),
                 std::string(step)};
}

}  // namespace eecall::ami
