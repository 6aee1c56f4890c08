// The transport's TLS side: the module's non-blocking calls (eecall-tls.so), and Asio waiting
// for the socket in between, under the same deadlines as plain TCP.
#include "transport.hpp"

#include "eecall/ami/client.hpp"
#include "eecall/ami/tls_module.hpp"

namespace eecall::ami {

namespace asio = boost::asio;
using asio::ip::tcp;

/// Calls a module function (same arguments each time) until it stops asking to wait for the
/// socket; its last status, or the failure of a wait (timeout at `deadline`).
template <typename Call>
Result<int> Connection::tls_call(const Call& call, std::string_view step, Clock::time_point deadline,
                                 OnTimeout on_timeout) {
  for (;;) {
    const int status = call();
    if (status != EECALL_TLS_WANT_READ && status != EECALL_TLS_WANT_WRITE) return status;
    // Only a wait for reading may be cancelled: the TLS read has not consumed anything yet.
    const auto waiting = status == EECALL_TLS_WANT_READ ? on_timeout : OnTimeout::close;
    if (auto waited = wait_for_socket(status, step, deadline, waiting)) return *waited;
  }
}

Status Connection::start_tls(const std::string& host, std::uint16_t port) {
  const auto failed = [&](const std::string& why) {
    return Failure{ErrorCode::tls_failed, "TLS with " + host + " port " + std::to_string(port) + " failed: " + why,
                   "tls"};
  };
  auto module = load_tls_module(settings_.tls_module);
  if (!module) return module.failure();
  tls_api_ = module.value();
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);  // the module's calls must never block: we wait, with deadlines
  if (ec) return failed("cannot make the socket non-blocking: " + ec.message());
  asio::ip::make_address(host, ec);
  const bool literal = !ec;
  std::array<char, 512> error{};
  tls_.reset(tls_api_->open(socket_.native_handle(), host.c_str(), literal ? 1 : 0, settings_.ca_file.c_str(),
                            error.data(), error.size()));
  if (!tls_) return failed(error.data());
  // The whole handshake is one step, however it drips.
  const auto status =
      tls_call([&] { return tls_api_->handshake(tls_.get(), error.data(), error.size()); }, "tls", step_deadline());
  if (!status) return status.failure();
  switch (status.value()) {
    case EECALL_TLS_OK: return std::nullopt;
    case EECALL_TLS_REJECTED:
      return failed("certificate not accepted: " + std::string(error.data()) +
                    (settings_.ca_file.empty() ? " (checked against the system's trusted CAs)"
                                               : " (checked against " + settings_.ca_file + ")"));
    case EECALL_TLS_CLOSED: return failed("the server closed the connection during the TLS handshake");
    default: return failed("handshake: " + std::string(error.data()) + " (is this a TLS port?)");
  }
}

Status Connection::read_more_tls(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout) {
  std::array<char, 512> error{};
  std::size_t got = 0;
  const auto status = tls_call(
      [&] { return tls_api_->read(tls_.get(), chunk_.data(), chunk_.size(), &got, error.data(), error.size()); },
      step, deadline, on_timeout);
  if (!status) return status.failure();
  if (status.value() == EECALL_TLS_CLOSED) return closed_by_peer(step);
  if (status.value() != EECALL_TLS_OK) return read_failed(step, error.data());
  parser_.feed(std::string_view(chunk_.data(), got));
  return std::nullopt;
}

Status Connection::send_tls(const std::string& bytes, std::string_view step) {
  std::array<char, 512> error{};
  const auto status = tls_call(
      [&] { return tls_api_->write(tls_.get(), bytes.data(), bytes.size(), error.data(), error.size()); }, step,
      step_deadline());
  if (!status) return status.failure();
  if (status.value() == EECALL_TLS_OK) return std::nullopt;
  return Failure{ErrorCode::protocol_error,
                 "sending " + std::string(step) + " failed: " +
                     (status.value() == EECALL_TLS_CLOSED ? std::string("the server closed the connection")
                                                          : std::string(error.data())),
                 std::string(step)};
}

/// Waits until the socket is readable (WANT_READ) or writable (WANT_WRITE), or the deadline.
Status Connection::wait_for_socket(int want, std::string_view step, Clock::time_point deadline,
                                   OnTimeout on_timeout) {
  boost::system::error_code result = asio::error::would_block;
  socket_.async_wait(want == EECALL_TLS_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
                     [&](const boost::system::error_code& ec) { result = ec; });
  if (auto timed_out = run_until_done(step, result, deadline, on_timeout)) return timed_out;
  if (result) return read_failed(step, result.message());
  return std::nullopt;
}

}  // namespace eecall::ami
