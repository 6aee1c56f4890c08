#include "connection.hpp"

namespace eecall::sim {

Connection::Connection(tcp::socket socket, asio::ssl::context* tls) : socket_(std::move(socket)) {
  if (tls != nullptr) tls_.emplace(socket_, *tls);
}

awaitable<bool> Connection::handshake(boost::system::error_code& ec) {
  ec = {};
  if (!tls_) co_return true;
  co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

awaitable<std::size_t> Connection::read_some(asio::mutable_buffer buffer,
                                              boost::system::error_code& ec) {
  if (tls_) co_return co_await tls_->async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
  co_return co_await socket_.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
}

awaitable<void> Connection::write(asio::const_buffer bytes, boost::system::error_code& ec) {
  if (tls_) {
    co_await asio::async_write(*tls_, bytes, asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(socket_, bytes, asio::redirect_error(asio::use_awaitable, ec));
  }
}

std::string Connection::tls_server_name() {
  if (!tls_) return {};
  const char* name = SSL_get_servername(tls_->native_handle(), TLSEXT_NAMETYPE_host_name);
  return name != nullptr ? std::string(name) : std::string();
}

void Connection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace eecall::sim
