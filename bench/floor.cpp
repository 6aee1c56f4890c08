// eecall-bench-floor: the floor eecall is measured against. One fresh TCP connection and the
// same AMI byte exchange as eecall (banner, Login with Events: off, the action, Logoff, and it
// waits for the Goodbye as eecall does), with no parsing beyond finding the end of each reply
// (and, for an MD5 login, the Challenge value). Plain POSIX calls and a small MD5 of its own,
// so its cost is the process plus the exchange and nothing else.
//
//   eecall-bench-floor HOST PORT USER SECRET call|message md5|plain [REPEAT]
//
// md5: Challenge, then Login with AuthType: MD5 and Key (eecall's default, EECALL_AUTH=md5);
// plain: Login with Secret (EECALL_AUTH=plain).
// Exit 0 when the action's reply is "Response: Success". With REPEAT > 1 it does the exchange
// REPEAT times in this one process and prints the median exchange time in ms (no process
// start-up), which tells the process cost apart from the exchange's.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

// MD5 (RFC 1321), only for the Key of an MD5 login: md5_hex(challenge + secret).
std::string md5_hex(const std::string& input) {
  static constexpr std::uint32_t k[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
      0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
      0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
      0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
      0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
      0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
      0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
      0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
      0xeb86d391};
  static constexpr int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  std::string m = input;
  const std::uint64_t bits = static_cast<std::uint64_t>(input.size()) * 8u;
  m.push_back(static_cast<char>(0x80));
  while (m.size() % 64 != 56) m.push_back('\0');
  for (int i = 0; i < 8; ++i) m.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (std::size_t off = 0; off < m.size(); off += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* b = reinterpret_cast<const unsigned char*>(m.data() + off + 4 * static_cast<std::size_t>(i));
      w[i] = static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
             static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      std::uint32_t f = 0;
      int g = 0;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const std::uint32_t t = d;
      d = c;
      c = b;
      const std::uint32_t x = a + f + k[i] + w[g];
      b = b + ((x << r[i]) | (x >> (32 - r[i])));
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (const std::uint32_t v : h) {
    for (int i = 0; i < 4; ++i) {
      const auto byte = (v >> (8 * i)) & 0xFF;
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0x0F]);
    }
  }
  return out;
}

struct Conn {
  int fd = -1;
  char buf[8192];
  std::size_t used = 0;
};

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until `terminator` is in the buffer; returns the bytes up to and including it and
// drops them from the buffer. Nothing more is parsed.
bool read_until(Conn& c, const char* terminator, char* out, std::size_t out_size) {
  const std::size_t tlen = std::strlen(terminator);
  for (;;) {
    if (c.used >= tlen) {
      const void* hit = memmem(c.buf, c.used, terminator, tlen);
      if (hit != nullptr) {
        const auto end = static_cast<std::size_t>(static_cast<const char*>(hit) - c.buf) + tlen;
        const std::size_t keep = std::min(end, out_size - 1);
        std::memcpy(out, c.buf, keep);
        out[keep] = '\0';
        std::memmove(c.buf, c.buf + end, c.used - end);
        c.used -= end;
        return true;
      }
    }
    if (c.used == sizeof c.buf) return false;
    const ssize_t n = ::recv(c.fd, c.buf + c.used, sizeof c.buf - c.used, 0);
    if (n <= 0) return false;
    c.used += static_cast<std::size_t>(n);
  }
}

bool starts_with(const char* s, const char* prefix) {
  return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

// The bytes eecall sends for the same request (see src/ami/actions.cpp), so the server does the
// same work. A fixed ActionID: the floor does not match replies by it, it has one in flight.
int exchange(const sockaddr_in& addr, const char* user, const char* secret, bool call, bool md5) {
  Conn c;
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c.fd < 0) return 10;
  int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as eecall does
  if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(c.fd);
    return 11;
  }
  char reply[8192];
  char out[2048];
  int status = 0;
  if (!read_until(c, "\r\n", reply, sizeof reply) || !starts_with(reply, "Asterisk Call Manager/")) {
    status = 12;
  }
  std::string key;
  if (status == 0 && md5) {
    static const char challenge[] = "Action: Challenge\r\nAuthType: MD5\r\nActionID: floor-1\r\n\r\n";
    const char* value = nullptr;
    if (send_all(c.fd, challenge, sizeof challenge - 1) &&
        read_until(c, "\r\n\r\n", reply, sizeof reply) && starts_with(reply, "Response: Success")) {
      value = std::strstr(reply, "Challenge: ");
    }
    if (value == nullptr) {
      status = 13;
    } else {
      value += std::strlen("Challenge: ");
      key = md5_hex(std::string(value, std::strcspn(value, "\r\n")) + secret);
    }
  }
  if (status == 0) {
    const int n =
        md5 ? std::snprintf(out, sizeof out,
                            "Action: Login\r\nAuthType: MD5\r\nUsername: %s\r\nKey: %s\r\n"
                            "Events: off\r\nActionID: floor-2\r\n\r\n",
                            user, key.c_str())
            : std::snprintf(out, sizeof out,
                            "Action: Login\r\nUsername: %s\r\nSecret: %s\r\nEvents: off\r\n"
                            "ActionID: floor-2\r\n\r\n",
                            user, secret);
    if (!send_all(c.fd, out, static_cast<std::size_t>(n)) ||
        !read_until(c, "\r\n\r\n", reply, sizeof reply) || !starts_with(reply, "Response: Success")) {
      status = 13;
    }
  }
  if (status == 0) {
    const int n =
        call ? std::snprintf(out, sizeof out,
                             "Action: Originate\r\nChannel: Local/100@from-internal\r\n"
                             "Context: from-internal\r\nExten: 291\r\nPriority: 1\r\n"
                             "CallerID: 291\r\nTimeout: 30000\r\nAsync: true\r\n"
                             "ActionID: floor-3\r\n\r\n")
             : std::snprintf(out, sizeof out,
                             "Action: MessageSend\r\nTo: sip:100\r\nFrom: eedomus\r\n"
                             "Body: Alerte d\xC3\xA9" "bordement cuve\r\nActionID: floor-3\r\n\r\n");
    if (!send_all(c.fd, out, static_cast<std::size_t>(n)) ||
        !read_until(c, "\r\n\r\n", reply, sizeof reply) || !starts_with(reply, "Response: Success")) {
      status = 14;
    }
  }
  if (status == 0) {
    static const char logoff[] = "Action: Logoff\r\nActionID: floor-4\r\n\r\n";
    // Like eecall: the outcome is known, the Goodbye is awaited but its absence is no failure.
    if (send_all(c.fd, logoff, sizeof logoff - 1)) read_until(c, "\r\n\r\n", reply, sizeof reply);
  }
  ::close(c.fd);
  return status;
}

double now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || argc > 8 || (std::strcmp(argv[6], "md5") != 0 && std::strcmp(argv[6], "plain") != 0)) {
    std::fprintf(stderr, "usage: %s HOST PORT USER SECRET call|message md5|plain [REPEAT]\n", argv[0]);
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
  if (::inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    std::fprintf(stderr, "floor: HOST must be an IPv4 address\n");
    return 2;
  }
  const bool call = std::strcmp(argv[5], "call") == 0;
  const bool md5 = std::strcmp(argv[6], "md5") == 0;
  const long repeat = argc == 8 ? std::strtol(argv[7], nullptr, 10) : 1;
  if (repeat <= 1) return exchange(addr, argv[3], argv[4], call, md5);

  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(std::min(repeat, 100000L)));
  for (long i = 0; i < repeat && i < 100000; ++i) {
    const double start = now_ms();
    if (const int status = exchange(addr, argv[3], argv[4], call, md5); status != 0) return status;
    times.push_back(now_ms() - start);
  }
  std::sort(times.begin(), times.end());
  std::printf("%.3f\n", times[times.size() / 2]);
  return 0;
}
