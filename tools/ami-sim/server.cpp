#include "server.hpp"

#include <csignal>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "asio.hpp"
#include "session.hpp"
#include "traffic_log.hpp"
#include "world.hpp"

namespace eecall::sim {

namespace {

awaitable<void> accept_loop(tcp::acceptor& acceptor, World& world) {
  int next_id = 1;
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) {  // e.g. out of file descriptors: do not spin
      std::cerr << "eecall-ami-sim: accept: " << ec.message() << "\n";
      co_await sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // Asterisk sets TCP_NODELAY too
    const int id = next_id++;
    world.log.opened(id);
    Session::start(std::make_shared<Session>(std::move(socket), world, id));
  }
}

}  // namespace

int serve(const Options& options) {
  std::signal(SIGPIPE, SIG_IGN);
  try {
    // Declared before the io_context so that they outlive the coroutine frames it destroys.
    TrafficLog log(options.log_path);
    std::optional<asio::ssl::context> tls;
    if (!options.tls_cert.empty()) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->use_certificate_chain_file(options.tls_cert);
      tls->use_private_key_file(options.tls_key, asio::ssl::context::pem);
    }
    World world(options, log, tls ? &*tls : nullptr);
    asio::io_context io;

    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.listen, ec);
    if (ec) {
      std::cerr << "eecall-ami-sim: --listen " << options.listen << ": not an IP address\n";
      return 1;
    }
    const tcp::endpoint wanted(address, options.port);
    tcp::acceptor acceptor(io);
    acceptor.open(wanted.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(wanted, ec);
    if (ec) {
      std::cerr << "eecall-ami-sim: cannot listen on " << options.listen << " port " << options.port
                << ": " << ec.message() << "\n";
      return 1;
    }
    acceptor.listen(asio::socket_base::max_listen_connections);
    const auto bound = acceptor.local_endpoint();

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
    asio::steady_timer deadline(io);
    if (options.max_seconds.count() > 0) {
      deadline.expires_after(options.max_seconds);
      deadline.async_wait([&io](const boost::system::error_code& error) {
        if (!error) {
          std::cerr << "eecall-ami-sim: --max-seconds reached, exiting\n";
          io.stop();
        }
      });
    }
    asio::co_spawn(io, accept_loop(acceptor, world), asio::detached);

    std::cout << "eecall-ami-sim listening on " << bound.address().to_string() << ":"
              << bound.port() << std::endl;
    io.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "eecall-ami-sim: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace eecall::sim
