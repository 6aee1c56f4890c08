#include "eecall/callin/agi_channel.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace eecall::callin {

namespace {

volatile std::sig_atomic_t hangup_signalled = 0;

void on_sighup(int) { hangup_signalled = 1; }

constexpr std::size_t max_line_bytes = 1024;
constexpr int max_environment_lines = 64;

Failure hung_up(std::string why) { return {ErrorCode::hangup, std::move(why), "agi"}; }
Failure broken(std::string why) { return {ErrorCode::protocol_error, std::move(why), "agi"}; }

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<AgiReply> parse_reply(std::string_view line) {
  if (line.size() < 3 || !is_digits(line.substr(0, 3))) return broken("not an AGI reply");
  AgiReply reply;
  reply.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (reply.code != 200) return reply;
  auto rest = line.substr(3);
  constexpr std::string_view key = " result=";
  if (!rest.starts_with(key)) return broken("200 reply without result=");
  rest.remove_prefix(key.size());
  const auto blank = rest.find(' ');
  reply.result = std::string(rest.substr(0, blank));
  if (blank == std::string_view::npos) return reply;
  rest.remove_prefix(blank + 1);
  if (rest.starts_with('(')) {
    const auto close = rest.find(')');
    if (close == std::string_view::npos) return broken("unclosed ( in an AGI reply");
    reply.data = std::string(rest.substr(1, close - 1));
  }
  return reply;
}

AgiChannel::AgiChannel(int in_fd, int out_fd, std::chrono::steady_clock::time_point deadline)
    : in_fd_(in_fd), out_fd_(out_fd), deadline_(deadline) {}

void AgiChannel::watch_hangup() {
  struct sigaction action {};
  action.sa_handler = on_sighup;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR at once
  sigaction(SIGHUP, &action, nullptr);
}

Result<std::string> AgiChannel::read_line() {
  while (true) {
    if (const auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > max_line_bytes) return broken("an AGI line longer than 1024 bytes");
    if (hangup_signalled) return hung_up("the caller hung up (SIGHUP)");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Failure{ErrorCode::timeout, "the call's time limit ran out", "agi"};
    pollfd wait{in_fd_, POLLIN, 0};
    const int ready = ::poll(&wait, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return broken("cannot wait for Asterisk");
    if (ready == 0) continue;  // the deadline check above ends it
    char chunk[512];
    const auto n = ::read(in_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return hung_up("Asterisk closed the AGI input");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Result<AgiEnvironment> AgiChannel::read_environment() {
  AgiEnvironment environment;
  for (int i = 0; i < max_environment_lines; ++i) {
    auto line = read_line();
    if (!line) return line.failure();
    if (line.value().empty()) return environment;
    const auto& text = line.value();
    const auto colon = text.find(": ");
    if (!text.starts_with("agi_") || colon == std::string::npos) return broken("not an agi_ variable");
    environment[text.substr(4, colon - 4)] = text.substr(colon + 2);
  }
  return broken("the agi_ block has no end");
}

Result<AgiReply> AgiChannel::command(std::string_view text) {
  if (hangup_signalled) return hung_up("the caller hung up (SIGHUP)");
  std::string line(text);
  line += '\n';
  std::string_view left = line;
  while (!left.empty()) {
    const auto n = ::write(out_fd_, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return hung_up("Asterisk closed the AGI output");
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  while (true) {
    auto reply_line = read_line();
    if (!reply_line) return reply_line.failure();
    if (reply_line.value() == "HANGUP") continue;  // FastAGI's notice; the reply follows
    if (reply_line.value().starts_with("520-")) {  // the usage text, up to "520 End ..."
      while (reply_line && !reply_line.value().starts_with("520 ")) reply_line = read_line();
      if (!reply_line) return reply_line.failure();
    }
    auto reply = parse_reply(reply_line.value());
    if (!reply) return reply;
    if (reply.value().code == 511) return hung_up("the channel is gone (511)");
    if (reply.value().code != 200) return broken("Asterisk refused '" + std::string(text) + "'");
    return reply;
  }
}

}  // namespace eecall::callin
