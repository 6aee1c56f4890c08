// libFuzzer target: the AGI wire of a call in (src/callin/agi_channel.cpp). Input: every byte
// Asterisk could write on the program's stdin — the agi_* block, then the replies. The
// program answers each reply with one more NOOP until the channel fails. Properties:
//   - the reader ends on any input (a pipe closed behind the input: end of input = hang-up)
//     with a failure that is hangup or protocol_error, never a crash or a wait;
//   - the environment holds at most 64 names, none with the agi_ prefix left on;
//   - a command succeeds only on a 200 reply, and its result never holds a blank;
//   - parse_reply agrees with itself: a line it accepts starts with its three-digit code.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "eecall/callin/agi_channel.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "agi_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void check_failure(const eecall::Failure& failure) {
  if (failure.code != eecall::ErrorCode::hangup && failure.code != eecall::ErrorCode::protocol_error) {
    fail("the reader failed with a code other than hangup or protocol_error", failure.message);
  }
}

void check_lines(std::string_view bytes) {
  std::size_t start = 0;
  while (start < bytes.size()) {
    auto end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    const auto line = bytes.substr(start, end - start);
    const auto reply = eecall::callin::parse_reply(line);
    if (reply) {
      const auto code = std::to_string(reply.value().code);
      if (code.size() > 3 || line.substr(3 - code.size(), code.size()) != code) fail("a code not read from the line", line);
      if (reply.value().code == 200 && reply.value().result.find(' ') != std::string::npos) fail("a result with a blank", line);
    }
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 60000) return 0;  // the whole input must fit in the pipe (64 KiB) before reading
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_lines(bytes);

  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) fail("pipe", "");
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0) fail("open /dev/null", "");
  if (size > 0 && ::write(pipe_fds[1], data, size) != static_cast<ssize_t>(size)) fail("write to the pipe", "");
  ::close(pipe_fds[1]);  // end of input: Asterisk gone

  // Far beyond what reading a closed pipe takes: the deadline is not what ends a run.
  eecall::callin::AgiChannel channel(pipe_fds[0], devnull, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  const auto environment = channel.read_environment();
  if (!environment) {
    check_failure(environment.failure());
  } else {
    if (environment.value().size() > 64) fail("more than 64 agi_ names", "");
    for (int i = 0; i < 20000; ++i) {  // every reply line is at least 4 bytes: the input ends first
      const auto reply = channel.command("NOOP");
      if (!reply) {
        check_failure(reply.failure());
        break;
      }
      if (reply.value().code != 200) fail("a command succeeded on a reply other than 200", reply.value().result);
    }
  }
  ::close(pipe_fds[0]);
  ::close(devnull);
  return 0;
}
