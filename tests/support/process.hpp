// Running programs the way a web server or a shell does: exact environment, stdin, stdout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace eecall::test {

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal or timed out
  bool timed_out = false;  // killed by us at the timeout
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
  /// The child's peak resident set (ru_maxrss from wait4), in KiB. posix_spawn() starts the
  /// child on the parent's memory until exec, which Linux counts too, so this is an upper
  /// bound that includes the test runner's own size at spawn time.
  long peak_rss_kb = 0;
};

using Env = std::map<std::string, std::string>;

/// Runs `argv` with exactly `env` (nothing inherited), feeds `input` on stdin, collects
/// stdout/stderr; kills the child at `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const Env& env,
                          const std::string& input = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A long-running child (the AMI simulator). Killed and reaped by the destructor.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// One line of the child's stdout (without the LF); empty string on EOF or timeout.
  std::string read_line(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
};

/// The project's AMI simulator on 127.0.0.1 with an ephemeral port and a log file.
class Simulator {
 public:
  explicit Simulator(const std::vector<std::string>& extra_args = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// Everything the simulator received so far (raw bytes, see its --help).
  [[nodiscard]] std::string received() const;

 private:
  std::string log_path_;
  std::uint16_t port_ = 0;
  ChildProcess child_;
};

/// A loopback TCP port on which nothing listens (bound, then closed).
std::uint16_t closed_port();

}  // namespace eecall::test
