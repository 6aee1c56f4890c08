// eecall-bench-spawn: starts programs many times, one process after the other, as a web server
// starts a CGI program (a clean environment given with --set, stdout read through a pipe), and
// reports per program the median wall time of a run and the largest peak resident memory.
//
//   eecall-bench-spawn [--runs N] [--warmup N] [--max-seconds S] [--own-rss]
//       --job NAME [--expect TEXT] [--set NAME=VALUE]... -- PROGRAM [ARG]...
//      [--job NAME ... -- PROGRAM [ARG]...]...
//   eecall-bench-spawn --free-port          prints a TCP port free on 127.0.0.1 right now
//
// A job's arguments end at the next --job. The jobs run interleaved (one run of each in turn),
// so a machine that gets busier or quieter during the measurement affects them alike.
// A run is good when the program exits 0 and, with --expect, its stdout contains TEXT.
// Prints one line per job:
//   NAME runs= good= bad= median_ms= p10_ms= p90_ms= min_ms= max_ms= cpu_ms= peak_rss_kb= faults=
// (cpu_ms: the median of the child's user + system time; faults: the median of its page
// faults). Stops after N rounds or S seconds, whichever comes first; exits 1 when any run was bad.
//
// peak_rss_kb is the kernel's ru_maxrss, which counts the memory the process had *before* it
// executed the program: with posix_spawn that is this spawner's own (a few MB), so a program
// smaller than the spawner shows the spawner's size. --own-rss measures the program's own peak
// instead: each run is started under ptrace, stopped as it exits, and its VmHWM read from
// /proc/PID/status (the memory of the executed program only). The stops make those runs
// slower: use --own-rss for memory, a run without it for time.
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

double now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double to_ms(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) * 1e3 + static_cast<double>(tv.tv_usec) / 1e3;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("free-port");
    return 1;
  }
  std::printf("%d\n", ntohs(addr.sin_port));
  ::close(fd);
  return 0;
}

struct Job {
  std::string name;
  std::string expect;
  std::vector<std::string> env;
  std::vector<std::string> argv;
  // results
  std::vector<double> times;
  std::vector<double> cpu_times;
  std::vector<double> faults;
  long good = 0;
  long bad = 0;
  long peak_rss_kb = 0;
};

struct Run {
  bool good = false;
  double ms = 0;      // wall time, spawn to reaped
  double cpu_ms = 0;  // the child's user + system time
  long faults = 0;    // the child's page faults (minor: the program's pages are in memory)
  long rss_kb = 0;
};

// The VmHWM line of /proc/PID/status, in KiB; 0 when it cannot be read.
long peak_rss_of(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0;
  long kb = 0;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb;
}

// Everything the program wrote to the pipe, until it closed; then closes the pipe.
std::string read_all(int fd) {
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) output.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return output;
}

// The run's figures once the program is reaped.
Run finished(const Job& job, double start, int status, const rusage& usage, const std::string& output,
             long rss_kb) {
  Run run;
  run.ms = now_ms() - start;
  run.cpu_ms = to_ms(usage.ru_utime) + to_ms(usage.ru_stime);
  run.rss_kb = rss_kb;
  run.faults = usage.ru_minflt + usage.ru_majflt;
  run.good = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
             (job.expect.empty() || output.find(job.expect) != std::string::npos);
  return run;
}

// A run under ptrace (--own-rss): fork, PTRACE_TRACEME, exec; stopped at exit, where VmHWM is
// still the program's. Without ptrace (a container may forbid it) the child just runs and the
// run reports ru_maxrss ("rss=rusage" in the output). The output is read once the program has
// exited: fine for answers smaller than a pipe's buffer (64 KiB), as eecall's are.
Run run_traced(const Job& job, std::vector<char*>& argv, std::vector<char*>& envp, bool& traced) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  const double start = now_ms();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return {};
  }
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    ::dup2(null_in, STDIN_FILENO);
    ::dup2(null_out, STDERR_FILENO);
    ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  int status = 0;
  rusage usage{};
  long own_kb = 0;
  traced = false;
  for (;;) {
    if (::wait4(pid, &status, 0, &usage) < 0) break;
    if (!WIFSTOPPED(status)) break;  // exited
    const int signal = WSTOPSIG(status);
    if (signal == SIGTRAP && (status >> 16) == PTRACE_EVENT_EXIT) {
      own_kb = peak_rss_of(pid);
      ::ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    } else if (signal == SIGTRAP && !traced) {  // the stop after execve
      traced = true;
      ::ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL);
      ::ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    } else {
      ::ptrace(PTRACE_CONT, pid, nullptr, signal);  // pass other signals on
    }
  }
  const std::string output = read_all(out[0]);
  return finished(job, start, status, usage, output, own_kb > 0 ? own_kb : usage.ru_maxrss);
}

Run run_once(const Job& job, bool own_rss, bool& traced) {
  std::vector<char*> argv;
  for (const auto& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : job.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  if (own_rss) return run_traced(job, argv, envp, traced);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  const double start = now_ms();
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    std::fprintf(stderr, "spawn %s: %s\n", argv[0], std::strerror(spawned));
    return {};
  }
  const std::string output = read_all(out[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  return finished(job, start, status, usage, output, usage.ru_maxrss);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

int usage(const char* self) {
  std::fprintf(stderr,
               "usage: %s [--runs N] [--warmup N] [--max-seconds S] [--own-rss] --job NAME [--expect TEXT] "
               "[--set NAME=VALUE]... -- PROGRAM [ARG]... [--job ...]...\n       %s --free-port\n",
               self, self);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 200;
  long warmup = 5;
  bool own_rss = false;
  bool traced = false;
  double max_seconds = 60;
  std::vector<Job> jobs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--free-port") return free_port();
    if (a == "--runs") {
      runs = std::strtol(value().c_str(), nullptr, 10);
    } else if (a == "--warmup") {
      warmup = std::strtol(value().c_str(), nullptr, 10);
    } else if (a == "--own-rss") {
      own_rss = true;
    } else if (a == "--max-seconds") {
      max_seconds = std::strtod(value().c_str(), nullptr);
    } else if (a == "--job") {
      jobs.emplace_back().name = value();
    } else if (jobs.empty()) {
      return usage(argv[0]);
    } else if (a == "--expect") {
      jobs.back().expect = value();
    } else if (a == "--set") {
      jobs.back().env.push_back(value());
    } else if (a == "--") {
      while (i + 1 < argc && std::strcmp(argv[i + 1], "--job") != 0) jobs.back().argv.emplace_back(argv[++i]);
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return usage(argv[0]);
    }
  }
  const bool complete = std::all_of(jobs.begin(), jobs.end(), [](const Job& j) { return !j.argv.empty(); });
  if (jobs.empty() || !complete || runs < 1 || runs > 100000 || max_seconds <= 0) return usage(argv[0]);

  const double stop_at = now_ms() + max_seconds * 1000;
  for (long w = 0; w < warmup && now_ms() < stop_at; ++w) {
    for (const auto& job : jobs) run_once(job, own_rss, traced);
  }
  for (long r = 0; r < runs && now_ms() < stop_at; ++r) {
    for (auto& job : jobs) {
      const Run run = run_once(job, own_rss, traced);
      job.times.push_back(run.ms);
      job.cpu_times.push_back(run.cpu_ms);
      job.faults.push_back(static_cast<double>(run.faults));
      job.peak_rss_kb = std::max(job.peak_rss_kb, run.rss_kb);
      ++(run.good ? job.good : job.bad);
    }
  }

  bool all_good = true;
  for (auto& job : jobs) {
    auto& t = job.times;
    std::sort(t.begin(), t.end());
    std::sort(job.cpu_times.begin(), job.cpu_times.end());
    std::sort(job.faults.begin(), job.faults.end());
    std::printf("%s runs=%zu good=%ld bad=%ld median_ms=%.3f p10_ms=%.3f p90_ms=%.3f min_ms=%.3f "
                "max_ms=%.3f cpu_ms=%.3f peak_rss_kb=%ld faults=%.0f%s\n",
                job.name.c_str(), t.size(), job.good, job.bad, percentile(t, 0.5),
                percentile(t, 0.1), percentile(t, 0.9), t.empty() ? 0.0 : t.front(),
                t.empty() ? 0.0 : t.back(), percentile(job.cpu_times, 0.5), job.peak_rss_kb,
                percentile(job.faults, 0.5),
                own_rss ? (traced ? " rss=own" : " rss=rusage") : "");
    all_good = all_good && job.bad == 0 && !t.empty();
  }
  return all_good ? 0 : 1;
}
