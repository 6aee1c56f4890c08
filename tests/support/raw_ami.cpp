#include "support/raw_ami.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace eecall::test {

RawAmi::RawAmi(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const timeval send_timeout{5, 0};  // a peer that stops reading fails send(), never hangs the test
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (pending_.find("\r\n") == std::string::npos) {
    if (!fill(deadline)) {
      throw std::runtime_error("no AMI banner line from 127.0.0.1:" + std::to_string(port) + " within 5 s (got '" +
                               pending_ + "')");
    }
  }
  const auto end = pending_.find("\r\n");
  banner_ = pending_.substr(0, end);
  pending_.erase(0, end + 2);
}

RawAmi::~RawAmi() {
  if (fd_ >= 0) ::close(fd_);
}

void RawAmi::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string("send() failed or stalled 5 s: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

std::optional<std::string> RawAmi::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto end = pending_.find("\r\n\r\n"); end != std::string::npos) {
      std::string message = pending_.substr(0, end + 4);
      pending_.erase(0, end + 4);
      return message;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

bool RawAmi::fill(std::chrono::steady_clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  std::array<char, 8192> buf{};
  const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  pending_.append(buf.data(), static_cast<std::size_t>(n));
  return true;
}

}  // namespace eecall::test
