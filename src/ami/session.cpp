#include <utility>  // before Asio: Boost 1.74 + GCC 12 in C++20 needs std::exchange declared

#include "eecall/ami/session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <condition_variable>
#include <mutex>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <random>
#include <thread>

#include "eecall/ami/client.hpp"
#include "eecall/ami/tls_module.hpp"
#include "eecall/util/text.hpp"

namespace eecall::ami {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::milliseconds;

ActionIdSource random_action_ids() {
  std::random_device rd;
  const auto tag = (static_cast<std::uint64_t>(rd()) << 32) | rd();
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "eecall-%012llx-",
                static_cast<unsigned long long>(tag & 0xFFFFFFFFFFFFull));
  return [prefix = std::string(prefix), n = 0](std::string_view) mutable {
    return prefix + std::to_string(++n);
  };
}

// getaddrinfo() cannot be cancelled, so it runs on a detached thread and we stop waiting for
// it at the deadline: a slow DNS server must not hold the HTTP answer.
Resolver system_resolver() {
  return [](const std::string& host, milliseconds budget) -> Result<std::vector<std::string>> {
    struct Shared {
      std::mutex mutex;
      std::condition_variable done_cv;
      bool done = false;
      int status = 0;
      std::vector<std::string> addresses;
    };
    auto shared = std::make_shared<Shared>();
    std::thread([shared, host] {
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* list = nullptr;
      const int status = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
      std::vector<std::string> found;
      for (auto* ai = list; status == 0 && ai != nullptr; ai = ai->ai_next) {
        char buf[NI_MAXHOST];
        if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, nullptr, 0,
                          NI_NUMERICHOST) == 0) {
          found.emplace_back(buf);
        }
      }
      if (list != nullptr) ::freeaddrinfo(list);
      const std::lock_guard lock(shared->mutex);
      shared->status = status;
      shared->addresses = std::move(found);
      shared->done = true;
      shared->done_cv.notify_all();
    }).detach();
    std::unique_lock lock(shared->mutex);
    if (!shared->done_cv.wait_for(lock, budget, [&] { return shared->done; })) {
      return Failure{ErrorCode::timeout,
                     "resolving '" + host + "' took longer than " + std::to_string(budget.count()) +
                         " ms",
                     "resolve"};
    }
    if (shared->status != 0 || shared->addresses.empty()) {
      return Failure{ErrorCode::resolve_failed,
                     "cannot resolve '" + host + "': " + ::gai_strerror(shared->status),
                     "resolve"};
    }
    return shared->addresses;
  };
}

namespace {

std::string describe(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a;
  return out.empty() ? std::string("(no address)") : out;
}

// The connection, optionally wrapped in TLS; each blocking-looking step runs the io_context
// until the operation completes or its deadline passes (the Asio blocking_tcp_client idiom).
class Connection {
 public:
  Connection(const ClientSettings& settings, Clock::time_point total_deadline)
      : settings_(settings), total_deadline_(total_deadline), parser_(settings.limits) {
    watch_cancel_fd();
  }

  Status connect(const std::vector<std::string>& addresses, std::uint16_t port) {
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

  /// TLS handshake on the connected socket, through eecall-tls.so (loaded now, and only for
  /// TLS): the peer's chain must lead to ca_file (or, when it is empty, to the system store)
  /// and its certificate must name `host` (DNS name, or IP address for an IP literal). Any
  /// failure is tls_failed: never a fallback to plain TCP.
  Status start_tls(const std::string& host, std::uint16_t port) {
    const auto failed = [&](const std::string& why) {
      return Failure{ErrorCode::tls_failed,
                     "TLS with " + host + " port " + std::to_string(port) + " failed: " + why, "tls"};
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
    tls_.reset(tls_api_->open(socket_.native_handle(), host.c_str(), literal ? 1 : 0,
                              settings_.ca_file.c_str(), error.data(), error.size()));
    if (!tls_) return failed(error.data());
    // The whole handshake is one step, however it drips.
    const auto status = tls_call([&] { return tls_api_->handshake(tls_.get(), error.data(), error.size()); },
                                 "tls", step_deadline());
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

  Result<std::string> read_banner() {
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
          failed->message += " (a TLS port such as Asterisk's 5039 sends nothing first: use tls)";
        }
        return *failed;
      }
    }
  }

  Status send(const Message& message, std::string_view step) {
    auto bytes = encode(message);
    if (!bytes) return bytes.failure();
    if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("AMI >> {}", redacted(message));
    if (tls_) return send_tls(bytes.value(), step);
    boost::system::error_code result = asio::error::would_block;
    asio::async_write(socket_, asio::buffer(bytes.value()),
                      [&](const boost::system::error_code& ec, std::size_t) { result = ec; });
    if (auto timed_out = run_until_done(step, result)) return timed_out;
    if (result) {
      return Failure{ErrorCode::protocol_error,
                     "sending " + std::string(step) + " failed: " + result.message(),
                     std::string(step)};
    }
    return std::nullopt;
  }

  /// `interruptible`: a cancel request ends this wait (the plans' waits for events); the replies
  /// to our own actions (login, Hangup, Logoff) are always read to the end.
  Result<Message> await(const std::function<bool(const Message&)>& wanted, std::string_view step,
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

  /// True once the cancel descriptor became readable (checked now, also while no I/O runs).
  bool cancel_requested() {
    if (!cancel_requested_ && cancel_) {
      pollfd fd{cancel_->native_handle(), POLLIN, 0};
      cancel_requested_ = ::poll(&fd, 1, 0) > 0;
    }
    return cancel_requested_;
  }

  [[nodiscard]] Clock::time_point total_deadline() const { return total_deadline_; }

  [[nodiscard]] Clock::time_point step_deadline() const {
    return std::min(Clock::now() + settings_.step_timeout, total_deadline_);
  }

  [[nodiscard]] bool closed() const { return !socket_.is_open(); }

  /// An end of the connection as an address string; empty when not connected.
  [[nodiscard]] std::string address(bool local) const {
    boost::system::error_code ec;
    const auto end = local ? socket_.local_endpoint(ec) : socket_.remote_endpoint(ec);
    return ec ? std::string() : end.address().to_string();
  }

  void close() {
    tls_.reset();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  // What a missed deadline does to the pending operation: a read can be cancelled and the
  // session goes on (nothing was consumed); a write or a connect may have half happened, so the
  // connection is closed.
  enum class OnTimeout { cancel, close };

  Status read_more(std::string_view step) {
    return read_more(step, step_deadline(), OnTimeout::close);
  }

  Status read_more(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout) {
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

  static Failure closed_by_peer(std::string_view step) {
    return Failure{ErrorCode::protocol_error,
                   "the AMI server closed the connection while we waited for the " + std::string(step) +
                       " reply",
                   std::string(step)};
  }

  static Failure read_failed(std::string_view step, const std::string& why) {
    return Failure{ErrorCode::protocol_error, "reading the " + std::string(step) + " reply failed: " + why,
                   std::string(step)};
  }

  // --- TLS: the module's non-blocking calls, and Asio waiting for the socket in between ---

  Status read_more_tls(std::string_view step, Clock::time_point deadline, OnTimeout on_timeout) {
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

  Status send_tls(const std::string& bytes, std::string_view step) {
    std::array<char, 512> error{};
    const auto status = tls_call(
        [&] { return tls_api_->write(tls_.get(), bytes.data(), bytes.size(), error.data(), error.size()); },
        step, step_deadline());
    if (!status) return status.failure();
    if (status.value() == EECALL_TLS_OK) return std::nullopt;
    return Failure{ErrorCode::protocol_error,
                   "sending " + std::string(step) + " failed: " +
                       (status.value() == EECALL_TLS_CLOSED ? std::string("the server closed the connection")
                                                            : std::string(error.data())),
                   std::string(step)};
  }

  /// Calls a module function (same arguments each time) until it stops asking to wait for the
  /// socket; its last status, or the failure of a wait (timeout at `deadline`).
  template <typename Call>
  Result<int> tls_call(const Call& call, std::string_view step, Clock::time_point deadline,
                       OnTimeout on_timeout = OnTimeout::close) {
    for (;;) {
      const int status = call();
      if (status != EECALL_TLS_WANT_READ && status != EECALL_TLS_WANT_WRITE) return status;
      // Only a wait for reading may be cancelled: the TLS read has not consumed anything yet.
      const auto waiting = status == EECALL_TLS_WANT_READ ? on_timeout : OnTimeout::close;
      if (auto waited = wait_for_socket(status, step, deadline, waiting)) return *waited;
    }
  }

  /// Waits until the socket is readable (WANT_READ) or writable (WANT_WRITE), or the deadline.
  Status wait_for_socket(int want, std::string_view step, Clock::time_point deadline,
                                         OnTimeout on_timeout) {
    boost::system::error_code result = asio::error::would_block;
    socket_.async_wait(want == EECALL_TLS_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
                       [&](const boost::system::error_code& ec) { result = ec; });
    if (auto timed_out = run_until_done(step, result, deadline, on_timeout)) return timed_out;
    if (result) return read_failed(step, result.message());
    return std::nullopt;
  }

  Status run_until_done(std::string_view step, const boost::system::error_code& result) {
    return run_until_done(step, result, step_deadline(), OnTimeout::close);
  }

  Status run_until_done(std::string_view step, const boost::system::error_code& result,
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
    // Deadline passed: cancelling (or closing) makes the pending operation finish; let it. (Not
    // io_.run(): the cancel watch stays pending for the session's whole life.)
    if (on_timeout == OnTimeout::cancel) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
    } else {
      close();
    }
    io_.restart();
    while (result == asio::error::would_block) io_.run_one();
    const bool total = deadline >= total_deadline_;
    return Failure{ErrorCode::timeout,
                   total ? "the request's total deadline passed while waiting for " + std::string(step)
                         : "no progress within " + std::to_string(settings_.step_timeout.count()) +
                               " ms while waiting for " + std::string(step),
                   std::string(step)};
  }

  static Failure cancelled(std::string_view step) {
    return Failure{ErrorCode::cancelled,
                   "the request was cancelled while waiting for " + std::string(step), std::string(step)};
  }

  // Waits on a copy of settings.cancel_fd: when it becomes readable, a pending interruptible
  // read is cancelled (run_until_done turns that into `cancelled`), and every later one too.
  void watch_cancel_fd() {
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

  const ClientSettings& settings_;
  Clock::time_point total_deadline_;
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::optional<asio::posix::stream_descriptor> cancel_;
  bool cancel_requested_ = false;
  bool interruptible_ = false;  // the pending read is a plan's wait for events
  struct TlsClose {
    const eecall_tls_api* const* api;
    void operator()(eecall_tls_session* session) const { (*api)->close(session); }
  };
  const eecall_tls_api* tls_api_ = nullptr;
  std::unique_ptr<eecall_tls_session, TlsClose> tls_{nullptr, TlsClose{&tls_api_}};  // after the socket
  Parser parser_;
  std::array<char, 4096> chunk_{};
};

// Peer bytes for the log: printable ASCII only, and not too many of them.
std::string sanitized(std::string_view raw, std::size_t max = 200) {
  std::string shown(raw.substr(0, max));
  for (auto& ch : shown) {
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7F) ch = '?';
  }
  return raw.size() > max ? shown + "..." : shown;
}

// Until a Login succeeds the peer is a stranger: any port a URL named. What it sent may go to
// the log (sanitised) but never into an answer, or eecall would be a port scanner that grabs
// banners for whoever can reach it. So the answer gets `answer_text`, which says only what
// kind of failure it was.
Failure from_stranger(const Endpoint& endpoint, ErrorCode code, std::string answer_text, std::string_view step,
                      std::string_view peer_said) {
  spdlog::warn("{}:{} {}: {} (the server sent '{}')", endpoint.host, endpoint.port, step, answer_text,
               sanitized(peer_said));
  return Failure{code, std::move(answer_text), std::string(step)};
}

}  // namespace

struct Session::Impl {
  Impl(const ClientSettings& s, Clock::time_point total, ActionIdSource& id_source)
      : settings(s), connection(s, total), ids(id_source) {}
  const ClientSettings& settings;
  Connection connection;
  ActionIdSource& ids;
  bool logged_in = false;
  std::string banner;
  std::string local_address;  // kept once connected: the socket may be closed later
  std::string remote_address;
};

Session::Session(const ClientSettings& settings, Clock::time_point total_deadline, ActionIdSource& ids)
    : impl_(std::make_unique<Impl>(settings, total_deadline, ids)) {}

Session::~Session() { impl_->connection.close(); }

Clock::time_point Session::step_deadline() const { return impl_->connection.step_deadline(); }
Clock::time_point Session::total_deadline() const { return impl_->connection.total_deadline(); }
std::string Session::next_id(std::string_view step) { return impl_->ids(step); }
std::string Session::banner() const { return impl_->logged_in ? impl_->banner : std::string(); }
std::string Session::local_address() const { return impl_->local_address; }
std::string Session::remote_address() const { return impl_->remote_address; }

Status Session::open(const Endpoint& endpoint, const Resolver& resolver, LoginEvents events) {
  auto& c = impl_->connection;
  const auto& settings = impl_->settings;
  // A literal IP is never looked up (no DNS traffic, no delay).
  std::vector<std::string> addresses;
  boost::system::error_code literal_ec;
  asio::ip::make_address(endpoint.host, literal_ec);
  if (!literal_ec) {
    addresses.push_back(endpoint.host);
  } else {
    const auto left = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                                    c.total_deadline() - Clock::now()));
    auto resolved = resolver(endpoint.host, std::min(left, settings.step_timeout));
    if (!resolved) return resolved.failure();
    addresses = std::move(resolved.value());
  }

  if (auto failed = c.connect(addresses, endpoint.port)) return failed;
  impl_->local_address = c.address(true);
  impl_->remote_address = c.address(false);
  if (settings.tls) {
    if (auto failed = c.start_tls(endpoint.host, endpoint.port)) return failed;
  }

  // From here until the Login succeeds, failures that carry the peer's words go through
  // from_stranger(); the others (timeouts, a closed connection, an oversized line) are ours.
  auto banner = c.read_banner();
  if (!banner) return banner.failure();
  spdlog::debug("AMI << banner '{}'", sanitized(banner.value()));
  if (!banner.value().starts_with("Asterisk Call Manager/")) {
    return from_stranger(endpoint, ErrorCode::not_asterisk,
                         "the server at that address is not an Asterisk Manager Interface", "banner",
                         banner.value());
  }

  Message login;
  if (settings.auth == AuthMethod::md5) {
    const auto challenge_id = next_id("challenge");
    auto reply = exchange(make_challenge(challenge_id), challenge_id, "challenge");
    if (!reply) return reply.failure();
    const auto status = reply.value().get_or("Response");
    const auto challenge = reply.value().get("Challenge");
    if (status != "Success" && status != "Error") {
      return from_stranger(endpoint, ErrorCode::protocol_error, "unexpected reply to the MD5 challenge",
                           "challenge", redacted(reply.value()));
    }
    if (status == "Error" || !challenge || challenge->empty()) {
      return from_stranger(endpoint, ErrorCode::auth_failed, "MD5 challenge refused (auth = plain may work)",
                           "challenge", redacted(reply.value()));
    }
    login = make_md5_login(endpoint.user, endpoint.secret, *challenge, events, next_id("login"));
  } else {
    login = make_login(endpoint.user, endpoint.secret, events, next_id("login"));
  }
  auto reply = exchange(login, std::string(login.get_or("ActionID")), "login");
  if (!reply) return reply.failure();
  const auto status = reply.value().get_or("Response");
  if (status == "Error") {
    // Asterisk answers a failed login after 1 s and closes: never retried (fail2ban). Its text
    // is always "Authentication failed"; only another one is worth a log line.
    const auto said = reply.value().get_or("Message");
    constexpr std::string_view refused = "Authentication failed";
    if (said == refused) return Failure{ErrorCode::auth_failed, std::string(refused), "login"};
    return from_stranger(endpoint, ErrorCode::auth_failed, std::string(refused), "login", redacted(reply.value()));
  }
  if (status != "Success") {
    return from_stranger(endpoint, ErrorCode::protocol_error, "unexpected reply to the login", "login",
                         redacted(reply.value()));
  }
  impl_->logged_in = true;
  impl_->banner = banner.value();
  return std::nullopt;
}

Result<Message> Session::exchange(const Message& action, const std::string& id, std::string_view step) {
  if (auto failed = send(action, step)) return *failed;
  // The reply to our own action is always read to its end: a cancel never interrupts it.
  return impl_->connection.await([&](const Message& m) { return m.is_response() && m.get_or("ActionID") == id; },
                                 step, step_deadline(), false);
}

Status Session::send(const Message& action, std::string_view step) {
  return impl_->connection.send(action, step);
}

Result<Message> Session::request(const Message& action, std::string_view step) {
  auto reply = exchange(action, std::string(action.get_or("ActionID")), step);
  if (!reply) return reply.failure();
  const auto status = reply.value().get_or("Response");
  if (status == "Error") return action_error(reply.value(), step);
  if (status != "Success") {
    return Failure{ErrorCode::protocol_error, "unexpected reply 'Response: " + std::string(status) + "'",
                   std::string(step)};
  }
  return reply;
}

Result<Message> Session::await(const std::function<bool(const Message&)>& wanted, std::string_view step,
                               Clock::time_point deadline) {
  auto got = impl_->connection.await(wanted, step, deadline, true);
  // The plan chose this deadline (a ring time, a prompt, a grace): not the step timeout.
  if (!got && got.failure().code == ErrorCode::timeout && deadline < total_deadline()) {
    auto failure = got.failure();
    failure.message = "waiting for " + std::string(step) + " ran past its deadline";
    return failure;
  }
  return got;
}

bool Session::cancelled() { return impl_->connection.cancel_requested(); }

void Session::logoff() {
  auto& c = impl_->connection;
  if (impl_->logged_in && !c.closed()) {
    // Logoff is a courtesy: the outcome is known, so a slow Goodbye only costs a short wait.
    const auto id = next_id("logoff");
    if (!send(make_logoff(id), "logoff")) {
      const auto deadline = std::min(Clock::now() + impl_->settings.logoff_timeout, c.total_deadline());
      auto bye = c.await([&](const Message& m) { return m.is_response() && m.get_or("ActionID") == id; },
                         "logoff", deadline, false);
      if (!bye) spdlog::debug("logoff: {}", bye.failure().message);
    }
  }
  c.close();
}

Failure action_error(const Message& response, std::string_view step) {
  const auto text = std::string(response.get_or("Message", "no message"));
  if (text::iequals(text, "Permission denied")) return {ErrorCode::permission_denied, text, std::string(step)};
  return {ErrorCode::action_failed, text, std::string(step)};
}

}  // namespace eecall::ami
