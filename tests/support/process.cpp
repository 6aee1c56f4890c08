#include "support/process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;  // NOLINT: POSIX

namespace eecall::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_end = fds[0];
    write_end = fds[1];
  }
};

std::vector<char*> c_strings(std::vector<std::string>& owned) {
  std::vector<char*> out;
  for (auto& s : owned) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// A child may exit before it read all of its standard input (an answer refused at once): the
// harness's write must then fail with EPIPE, not kill the test with SIGPIPE. So the test process
// ignores SIGPIPE, and every child gets the default action back (an ignored signal would
// otherwise stay ignored across exec, and eecall must be tested as a web server starts it).
void ignore_sigpipe_once() {
  static const bool ignored = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)ignored;
}

pid_t spawn(const std::vector<std::string>& argv, const Env* env, int in_fd, int out_fd, int err_fd) {
  ignore_sigpipe_once();
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<std::string> args = argv;
  auto arg_ptrs = c_strings(args);
  std::vector<std::string> env_strings;
  if (env != nullptr) {
    for (const auto& [k, v] : *env) env_strings.push_back(k + "=" + v);
  }
  auto env_ptrs = c_strings(env_strings);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0].c_str(), &actions, &attributes, arg_ptrs.data(),
                               env != nullptr ? env_ptrs.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

// Reaps `pid`, waiting at most until `deadline`: a child may close its stdout and stderr and
// still run, so the end of its output is not the end of the wait. Past the deadline: SIGKILL
// (reaped at once), and true.
bool reap_by(pid_t pid, Clock::time_point deadline, int& status, rusage& usage) {
  constexpr auto poll_interval = std::chrono::milliseconds(1);
  pid_t reaped = 0;
  while ((reaped = ::wait4(pid, &status, WNOHANG, &usage)) == 0 || (reaped < 0 && errno == EINTR)) {
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      return true;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  return false;
}

// Said at the end of the child's stderr, which a failing test prints.
std::string timeout_note(const std::string& program, std::chrono::milliseconds timeout) {
  return "\n[run_process: " + program + " killed after " + std::to_string(timeout.count()) + " ms, its timeout]\n";
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const Env& env,
                          const std::string& input, std::chrono::milliseconds timeout) {
  Pipe in, out, err;
  const auto start = Clock::now();
  const pid_t pid = spawn(argv, &env, in.read_end, out.write_end, err.write_end);
  ::close(in.read_end);
  ::close(out.write_end);
  ::close(err.write_end);
  ::fcntl(in.write_end, F_SETFL, O_NONBLOCK);

  ProcessResult result;
  std::size_t written = 0;
  int in_fd = in.write_end;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  int out_fd = out.read_end;
  int err_fd = err.read_end;
  const auto deadline = start + timeout;
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    std::array<pollfd, 3> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}}};
    ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000)));
    std::array<char, 4096> buf{};
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || (fds[static_cast<std::size_t>(i)].revents & (POLLIN | POLLHUP)) == 0) continue;
      const auto n = ::read(fd, buf.data(), buf.size());
      if (n <= 0) {
        ::close(fd);
        fd = -1;
      } else {
        (i == 0 ? result.out : result.err).append(buf.data(), static_cast<std::size_t>(n));
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const auto n = ::write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  int status = 0;
  rusage usage{};
  if (reap_by(pid, deadline, status, usage)) result.timed_out = true;
  if (result.timed_out) result.err += timeout_note(argv.front(), timeout);
  result.peak_rss_kb = usage.ru_maxrss;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  Pipe out;
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_ = spawn(argv, nullptr, null_in, out.write_end, STDERR_FILENO);
  ::close(null_in);
  ::close(out.write_end);
  out_fd_ = out.read_end;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    // SIGTERM, then at most term_grace for the child to exit (the simulator does at once),
    // then SIGKILL.
    constexpr auto term_grace = std::chrono::seconds(2);
    constexpr auto poll_interval = std::chrono::milliseconds(20);
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + term_grace;
    while (Clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(poll_interval);
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

std::string ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      auto line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return {};
    pollfd fd{out_fd_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return {};
    std::array<char, 512> buf{};
    const auto n = ::read(out_fd_, buf.data(), buf.size());
    if (n <= 0) return {};
    pending_.append(buf.data(), static_cast<std::size_t>(n));
  }
}

namespace {

std::string fresh_log_path() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path();
  return (dir / ("eecall-sim-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".log"))
      .string();
}

std::vector<std::string> simulator_argv(const std::string& log_path, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {EECALL_SIM_BINARY, "--listen", "127.0.0.1", "--port", "0",
                                   "--log", log_path, "--max-seconds", "300"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

Simulator::Simulator(const std::vector<std::string>& extra_args)
    : log_path_(fresh_log_path()), child_(simulator_argv(log_path_, extra_args)) {
  // 10 s was too short on a loaded machine (16 s once under stress-ng, issue 22).
  constexpr auto start_timeout = std::chrono::seconds(30);
  const auto line = child_.read_line(start_timeout);
  const auto colon = line.rfind(':');
  if (line.find("listening on") == std::string::npos || colon == std::string::npos) {
    throw std::runtime_error("simulator did not say 'listening on HOST:PORT' within " +
                             std::to_string(start_timeout.count()) + " s (its first line, empty at EOF or timeout: '" +
                             line + "')");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

Simulator::~Simulator() {
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string Simulator::received() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace eecall::test
