// A port that accepted the check's connection but sent no AMI banner: what is it? An AMI port
// sends its banner at once; a web server and a TLS server both wait for the client. So the check
// speaks first, once, as a TLS client would (a ClientHello): a TLS server answers with a
// handshake or an alert record, a web server with an HTTP error. Only that kind is reported,
// never the bytes (the peer is a stranger: eecall must not become a banner grabber).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "eecall/checkup/check.hpp"
#include "eecall/util/unique_fd.hpp"

namespace eecall {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// TLS 1.2 ClientHello (record 0x16 0x0301, 81 bytes): ECDHE/RSA AES-GCM suites, x25519 and
// P-256, the usual signature algorithms. Enough for any TLS server to answer it.
constexpr std::array<unsigned char, 86> client_hello{
    0x16, 0x03, 0x01, 0x00, 0x51,                    // record: handshake, 81 bytes
    0x01, 0x00, 0x00, 0x4d,                          // ClientHello, 77 bytes
    0x03, 0x03,                                      // TLS 1.2
    0x65, 0x65, 0x63, 0x61, 0x6c, 0x6c, 0x20, 0x63,  // random (32 bytes)
    0x68, 0x65, 0x63, 0x6b, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x20, 0x6f, 0x66, 0x20, 0x61, 0x20,
    0x73, 0x69, 0x6c, 0x65, 0x6e, 0x74, 0x20, 0x70,
    0x00,                                            // no session id
    0x00, 0x08, 0xc0, 0x2f, 0xc0, 0x2b, 0x00, 0x9c, 0x00, 0x2f,  // 4 cipher suites
    0x01, 0x00,                                      // compression: none
    0x00, 0x1c,                                      // extensions, 28 bytes
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17,  // supported_groups
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                          // ec_point_formats
    0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x01, 0x04, 0x03, 0x08, 0x04,  // signature_algorithms
};

int left_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  int n = 0;
  do {
    n = ::poll(&p, 1, left_ms(deadline));
  } while (n < 0 && errno == EINTR);
  return n > 0 && (p.revents & events) != 0;
}

// A non-blocking TCP connection to a numeric address within the deadline.
UniqueFd connect_to(const std::string& address, std::uint16_t port, Clock::time_point deadline) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    return UniqueFd();
  }
  UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fd;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    if (errno != EINPROGRESS || !wait_for(fd.get(), POLLOUT, deadline)) return UniqueFd();
    int error = 0;
    socklen_t size = sizeof(error);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) return UniqueFd();
  }
  return fd;
}

}  // namespace

SilentPort classify_answer(std::string_view first_bytes) {
  if (first_bytes.starts_with("HTTP/")) return SilentPort::http;
  const bool tls_record = first_bytes.size() >= 2 && (first_bytes[0] == '\x16' || first_bytes[0] == '\x15') &&
                          first_bytes[1] == '\x03';
  if (tls_record) return SilentPort::tls;
  return first_bytes.empty() ? SilentPort::unknown : SilentPort::other;
}

SilentPort sniff_silent_port(const std::string& address, std::uint16_t port, milliseconds budget) {
  const auto deadline = Clock::now() + budget;
  const auto fd = connect_to(address, port, deadline);
  if (!fd.valid()) return SilentPort::unknown;
  if (::send(fd.get(), client_hello.data(), client_hello.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(client_hello.size())) {
    return SilentPort::unknown;
  }
  std::array<char, 16> answer{};
  std::size_t got = 0;
  while (got < 5 && wait_for(fd.get(), POLLIN, deadline)) {
    const auto n = ::recv(fd.get(), answer.data() + got, answer.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  return classify_answer(std::string_view(answer.data(), got));
}

}  // namespace eecall
