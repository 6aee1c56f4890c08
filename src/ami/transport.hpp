// The transport under a Session: one TCP connection, optionally TLS through the module
// (eecall-tls.so), where every step that looks blocking runs the io_context until the operation
// completes or its deadline passes (the Asio blocking_tcp_client idiom). Private to src/ami.
#pragma once

#include <utility>  // before Asio: Boost 1.74 + GCC 12 in C++20 needs std::exchange declared

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/ami/framing.hpp"
#include "eecall/ami/message.hpp"
#include "eecall/ami/session.hpp"
#include "eecall/tls/module_abi.h"
#include "eecall/util/result.hpp"

namespace eecall::ami {

struct ClientSettings;

class Connection {
 public:
  Connection(const ClientSettings& settings, Clock::time_point total_deadline);

  /// TCP connect to the first of `addresses` that accepts; connect_failed or timeout.
  Status connect(const std::vector<std::string>& addresses, std::uint16_t port);

  /// TLS handshake on the connected socket, through eecall-tls.so (loaded now, and only for
  /// TLS): the peer's chain must lead to ca_file (or, when it is empty, to the system store)
  /// and its certificate must name `host` (DNS name, or IP address for an IP literal). Any
  /// failure is tls_failed: never a fallback to plain TCP.
  Status start_tls(const std::string& host, std::uint16_t port);

  /// The server's first line; not_asterisk when it is longer than ReadLimits::max_line.
  Result<std::string> read_banner();

  /// Writes one message (refused by the encoder if a value could break the framing).
  Status send(const Message& message, std::string_view step);

  /// Reads messages until `wanted` returns true for one, or `deadline` (then the pending read is
  /// cancelled and the connection stays usable). `interruptible`: a cancel request ends this
  /// wait (the plans' waits for events); the replies to our own actions (login, Hangup, Logoff)
  /// are always read to the end.
  Result<Message> await(const std::function<bool(const Message&)>& wanted, std::string_view step,
                        Clock::time_point deadline, bool interruptible);

  /// True once the cancel descriptor became readable (checked now, also while no I/O runs).
  bool cancel_requested();

  [[nodiscard]] Clock::time_point total_deadline() const { return total_deadline_; }
  /// Now + settings.step_timeout, capped by the total deadline.
  [[nodiscard]] Clock::time_point step_deadline() const;
  [[nodiscard]] bool closed() const { return !socket_.is_open(); }
  /// An end of the connection as an address string; empty when not connected.
  [[nodiscard]] std::string address(bool local) const;

  void close();

 private:
  // What a missed deadline does to the pending operation: a read can be cancelled and the
  // session goes on (nothing was consumed); a write or a connect may have half happened, so the
  // connection is closed.
  enum class OnTimeout { cancel, close };

  // --- plain TCP (transport.cpp) ---
  Status read_more(std::string_view step);
  Status read_more(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout);
  Status run_until_done(std::string_view step, const boost::system::error_code& result);
  Status run_until_done(std::string_view step, const boost::system::error_code& result,
                        Clock::time_point deadline, OnTimeout on_timeout);
  /// Lets the pending operation finish after its deadline passed: cancelled or closed.
  void abandon_pending(const boost::system::error_code& result, OnTimeout on_timeout);
  [[nodiscard]] Failure timed_out(std::string_view step, Clock::time_point deadline) const;
  void watch_cancel_fd();
  static Failure closed_by_peer(std::string_view step);
  static Failure read_failed(std::string_view step, const std::string& why);
  static Failure cancelled(std::string_view step);

  // --- TLS: the module's non-blocking calls, and Asio waiting for the socket in between
  // (transport_tls.cpp) ---
  Status read_more_tls(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout);
  Status send_tls(const std::string& bytes, std::string_view step);
  template <typename Call>
  Result<int> tls_call(const Call& call, std::string_view step, Clock::time_point deadline,
                       OnTimeout on_timeout = OnTimeout::close);
  Status wait_for_socket(int want, std::string_view step, Clock::time_point deadline, OnTimeout on_timeout);

  const ClientSettings& settings_;
  Clock::time_point total_deadline_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  std::optional<boost::asio::posix::stream_descriptor> cancel_;
  bool cancel_requested_ = false;
  bool interruptible_ = false;  // the pending read is a plan's wait for events
  struct TlsClose {
    const eecall_tls_api* const* api;
    void operator()(eecall_tls_session* session) const { (*api)->close(session); }
  };
  const eecall_tls_api* tls_api_ = nullptr;
  // Declared after the socket, so freed before the socket is closed (the session uses its fd).
  std::unique_ptr<eecall_tls_session, TlsClose> tls_{nullptr, TlsClose{&tls_api_}};
  Parser parser_;
  std::array<char, 4096> chunk_{};
};

}  // namespace eecall::ami
