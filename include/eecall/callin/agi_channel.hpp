// The AGI wire (Asterisk's res_agi, recorded in tests/data/agi_*.txt): Asterisk writes the
// `agi_name: value` block and an empty line on the program's stdin, then each command the
// program writes as one line on its stdout is answered by one line:
//   200 result=N [(data)] [endpos=N]     done (result=-1: the channel hung up, or a file that
//                                         could not be played: either way, the call is over)
//   510 Invalid or unknown command
//   511 Command Not Permitted on a dead channel ...
//   520-Invalid command syntax.  Proper usage follows:  ... lines ...  520 End of proper usage.
// A caller hanging up sends the program SIGHUP (and, for FastAGI only, a "HANGUP" line).
// Every read waits at most until the call's deadline.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall::callin {

/// The `agi_*` block, names without the `agi_` prefix ("callerid", "channel", "arg_1", ...).
using AgiEnvironment = std::map<std::string, std::string, std::less<>>;

struct AgiReply {
  int code = 0;        // 200, 510, 511, 520
  std::string result;  // after "result=": "0", "-1", "49", "1234", "" (GET DATA timeout)
  std::string data;    // inside the parentheses: "timeout"
};

/// What the menu talks to: the real channel or a test's script.
class AgiLine {
 public:
  virtual ~AgiLine() = default;
  /// One command (a line without its end) and its reply. Failure: hangup (the caller hung up,
  /// Asterisk closed stdin, or answered 511), timeout (the call's deadline), protocol_error
  /// (a line that is not an AGI reply, or 510/520: a command Asterisk does not know).
  virtual Result<AgiReply> command(std::string_view text) = 0;
};

/// Parses one reply line (without its end). Failure: protocol_error.
Result<AgiReply> parse_reply(std::string_view line);

/// The AGI channel over two descriptors (stdin, stdout), every read bounded by `deadline`.
class AgiChannel : public AgiLine {
 public:
  AgiChannel(int in_fd, int out_fd, std::chrono::steady_clock::time_point deadline);

  /// Reads the `agi_*` block up to its empty line (at most 64 lines of 1 KiB).
  Result<AgiEnvironment> read_environment();
  Result<AgiReply> command(std::string_view text) override;

  /// Installs the SIGHUP handler (no SA_RESTART: a wait ends at once) that marks the call hung up.
  static void watch_hangup();

 private:
  Result<std::string> read_line();
  int in_fd_;
  int out_fd_;
  std::chrono::steady_clock::time_point deadline_;
  std::string buffer_;
};

}  // namespace eecall::callin
