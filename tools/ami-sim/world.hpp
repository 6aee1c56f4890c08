// State shared by all connections. Everything runs on one io_context thread: no locks.
#pragma once

#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "dialplan.hpp"
#include "options.hpp"
#include "traffic_log.hpp"

namespace eecall::sim {

class Session;

struct World {
  World(const Options& opts, TrafficLog& traffic)
      : options(opts),
        log(traffic),
        namer(std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count()),
        rng(std::random_device{}()) {}

  const Options& options;
  TrafficLog& log;
  ChannelNamer namer;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::mt19937 rng;
  std::vector<std::weak_ptr<Session>> sessions;  // for --broadcast-events
};

}  // namespace eecall::sim
