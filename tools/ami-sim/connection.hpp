// One client connection: plain TCP, or TLS when the simulator serves --tls-cert/--tls-key
// (Asterisk's tlsenable). The session and its outbox only see read_some() and write().
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "asio.hpp"

namespace eecall::sim {

class Connection {
 public:
  /// `tls` null: plain TCP. Otherwise it must outlive the connection.
  Connection(tcp::socket socket, asio::ssl::context* tls);

  /// The server side of the TLS handshake (nothing for plain TCP). False: close it.
  awaitable<bool> handshake(boost::system::error_code& ec);
  awaitable<std::size_t> read_some(asio::mutable_buffer buffer, boost::system::error_code& ec);
  awaitable<void> write(asio::const_buffer bytes, boost::system::error_code& ec);
  /// After a TLS handshake: the host name the client sent as SNI; empty when it sent none
  /// (or for plain TCP).
  [[nodiscard]] std::string tls_server_name();
  /// Closes the TCP socket (no TLS close_notify: Asterisk does not wait for one either).
  void close();

  [[nodiscard]] tcp::socket::executor_type executor() { return socket_.get_executor(); }

 private:
  tcp::socket socket_;
  std::optional<asio::ssl::stream<tcp::socket&>> tls_;  // declared after the socket it uses
};

}  // namespace eecall::sim
