// State shared by all connections. Everything runs on one io_context thread: no locks.
#pragma once

#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "asio.hpp"
#include "dialplan.hpp"
#include "options.hpp"
#include "traffic_log.hpp"

namespace eecall::sim {

class Session;
class Call;

struct World {
  World(const Options& opts, TrafficLog& traffic, asio::ssl::context* tls_context)
      : options(opts),
        log(traffic),
        tls(tls_context),
        namer(std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count()),
        rng(std::random_device{}()) {}

  const Options& options;
  TrafficLog& log;
  asio::ssl::context* tls;  // null: plain TCP
  ChannelNamer namer;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::mt19937 rng;
  std::vector<std::weak_ptr<Session>> sessions;  // for --broadcast-events
  std::vector<std::weak_ptr<Call>> calls;        // calls in progress, for the Hangup action
};

}  // namespace eecall::sim
