// The AGI wire against what a real Asterisk 20 sent (tests/data/agi_*.txt, tests/data/README.md):
// the agi_ block, each reply kind (200 with data and endpos, 510, the 520 usage block, 511
// after a hang-up), EOF and the call's deadline.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <fstream>
#include <sstream>

#include "eecall/callin/agi_channel.hpp"
#include "eecall/util/unique_fd.hpp"

namespace eecall::callin {
namespace {

// One recorded line: direction ('<' from Asterisk, '>' to it) and its bytes, from the
// recorder's "D SECONDS b'...'" (a Python bytes literal: \n \\ \' \xNN escapes).
struct Recorded {
  char direction;
  std::string bytes;
};

std::string unquote(std::string_view literal) {
  std::string out;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != '\\') {
      out += literal[i];
      continue;
    }
    const char c = literal[++i];
    if (c == 'n') out += '\n';
    else if (c == 'r') out += '\r';
    else if (c == 't') out += '\t';
    else if (c == 'x') {
      out += static_cast<char>(std::stoi(std::string(literal.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else out += c;
  }
  return out;
}

std::vector<Recorded> recording(const std::string& name) {
  std::ifstream file(std::string(EECALL_TEST_DATA) + "/" + name);
  std::vector<Recorded> lines;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || (line[0] != '<' && line[0] != '>')) continue;
    const auto quote = line.find("b'");
    if (quote == std::string::npos) continue;
    lines.push_back({line[0], unquote(std::string_view(line).substr(quote + 2, line.size() - quote - 3))});
  }
  return lines;
}

// Asterisk's side of a recording fed into a pipe; the program's side read back from another.
struct Wire {
  int to_program[2];
  int from_program[2];
  Wire() {
    EXPECT_EQ(::pipe(to_program), 0);
    EXPECT_EQ(::pipe(from_program), 0);
  }
  ~Wire() {
    for (int fd : {to_program[0], to_program[1], from_program[0], from_program[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  void feed(const std::string& bytes) const { ASSERT_EQ(::write(to_program[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
  void close_input() { ::close(to_program[1]); to_program[1] = -1; }
  std::string sent() const {
    ::close(from_program[1]);
    const_cast<Wire*>(this)->from_program[1] = -1;
    std::string out;
    char chunk[4096];
    ssize_t n = 0;
    while ((n = ::read(from_program[0], chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(n));
    return out;
  }
};

auto soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

TEST(AgiChannel, ReplaysTheRecordedPinSession) {
  const auto lines = recording("agi_pin.txt");
  ASSERT_GT(lines.size(), 30u);
  Wire wire;
  std::string expected_out;
  std::vector<std::string> commands;
  for (const auto& line : lines) {
    if (line.direction == '<') wire.feed(line.bytes);
    else {
      expected_out += line.bytes;
      commands.push_back(line.bytes.substr(0, line.bytes.size() - 1));
    }
  }
  wire.close_input();
  AgiChannel channel(wire.to_program[0], wire.from_program[1], soon());
  auto env = channel.read_environment();
  ASSERT_TRUE(env) << env.failure().message;
  EXPECT_EQ(env.value().at("callerid"), "0612345678");
  EXPECT_EQ(env.value().at("extension"), "4000");
  EXPECT_EQ(env.value().at("arg_2"), "pin");
  EXPECT_EQ(env.value().at("accountcode"), "");
  std::vector<std::string> outcomes;
  for (const auto& command : commands) {
    auto reply = channel.command(command);
    outcomes.push_back(reply ? std::to_string(reply.value().code) + " " + reply.value().result + " (" + reply.value().data + ")"
                             : "failure " + reply.failure().message);
  }
  const std::vector<std::string> expected = {
      "200 0 ()",                                        // ANSWER
      "200 0 ()",                                        // STREAM FILE hello-world ""
      "200 234 ()",                                      // GET DATA: the '1' fell into STREAM FILE
      "200 49 ()",                                       // WAIT FOR DIGIT: '1'
      "200 -1 ()",                                       // STREAM FILE of a missing file
      "200 0 ()",                                        // STREAM FILE of our WAV
      "200  (timeout)",                                  // GET DATA with no key
      "failure Asterisk refused 'FOO BAR'",              // 510
      "failure Asterisk refused 'GET DATA'",             // the 520 usage block, read whole
      "200 -1 ()",                                       // WAIT FOR DIGIT: the caller hung up
      "200 0 ()",                                        // NOOP still answers
      "failure the channel is gone (511)",               // STREAM FILE on the dead channel
  };
  EXPECT_EQ(outcomes, expected);
  EXPECT_EQ(wire.sent(), expected_out);  // exactly the recorded commands, byte for byte
}

TEST(AgiChannel, ReadsTheInterruptedStreamFile) {
  const auto lines = recording("agi_interrupt.txt");
  Wire wire;
  for (const auto& line : lines) if (line.direction == '<') wire.feed(line.bytes);
  AgiChannel channel(wire.to_program[0], wire.from_program[1], soon());
  ASSERT_TRUE(channel.read_environment());
  ASSERT_TRUE(channel.command("ANSWER"));
  auto reply = channel.command("STREAM FILE x \"0123456789*#\"");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply.value().result, "53");  // '5' stopped the file
}

TEST(AgiChannel, EndOfInputIsAHangup) {
  Wire wire;
  wire.feed("agi_callerid: 100\n\n");
  wire.close_input();
  AgiChannel channel(wire.to_program[0], wire.from_program[1], soon());
  ASSERT_TRUE(channel.read_environment());
  auto reply = channel.command("ANSWER");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.failure().code, ErrorCode::hangup);
}

TEST(AgiChannel, SilenceEndsAtTheDeadline) {
  Wire wire;
  AgiChannel channel(wire.to_program[0], wire.from_program[1],
                     std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  auto env = channel.read_environment();
  ASSERT_FALSE(env);
  EXPECT_EQ(env.failure().code, ErrorCode::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(AgiChannel, RefusesWhatIsNotAgi) {
  Wire wire;
  wire.feed("HTTP/1.1 200 OK\n\n");
  AgiChannel channel(wire.to_program[0], wire.from_program[1], soon());
  auto env = channel.read_environment();
  ASSERT_FALSE(env);
  EXPECT_EQ(env.failure().code, ErrorCode::protocol_error);
  EXPECT_FALSE(parse_reply("200 reply"));
  EXPECT_FALSE(parse_reply("hello"));
  EXPECT_EQ(parse_reply("200 result=1234 (timeout) endpos=5").value().data, "timeout");
}

TEST(AgiChannel, RefusesAnEndlessLine) {
  Wire wire;
  wire.feed(std::string(2000, 'a'));
  AgiChannel channel(wire.to_program[0], wire.from_program[1], soon());
  auto env = channel.read_environment();
  ASSERT_FALSE(env);
  EXPECT_EQ(env.failure().code, ErrorCode::protocol_error);
}

// Asterisk's SIGHUP (agi_pin.txt) ends a command that waits for a reply at once, long before
// the call's deadline. In a child process: the handler's mark stays for the process's life.
TEST(AgiChannel, SighupEndsTheWaitAtOnce) {
  Wire wire;
  wire.feed("agi_callerid: 100\n\n");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    AgiChannel::watch_hangup();
    AgiChannel channel(wire.to_program[0], wire.from_program[1],
                       std::chrono::steady_clock::now() + std::chrono::seconds(20));
    if (!channel.read_environment()) ::_exit(3);
    auto reply = channel.command("WAIT FOR DIGIT 20000");
    ::_exit(!reply && reply.failure().code == ErrorCode::hangup ? 0 : 4);
  }
  char first = 0;  // the child's command arrived: it now waits for the reply
  ASSERT_EQ(::read(wire.from_program[0], &first, 1), 1);
  const auto start = std::chrono::steady_clock::now();
  ::kill(child, SIGHUP);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);  // bounded: the child's own deadline is 20 s
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace eecall::callin
