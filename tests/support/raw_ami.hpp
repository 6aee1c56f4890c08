// A bare AMI connection for tests that drive the simulator byte by byte: whatever bytes the
// test writes go out as they are, and what comes back is cut into whole messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace eecall::test {

class RawAmi {
 public:
  /// Connects to 127.0.0.1:`port` and reads the banner line. Throws when it cannot.
  explicit RawAmi(std::uint16_t port);
  ~RawAmi();
  RawAmi(const RawAmi&) = delete;
  RawAmi& operator=(const RawAmi&) = delete;

  [[nodiscard]] const std::string& banner() const { return banner_; }

  /// Writes `bytes` as they are (a whole message must end with an empty line).
  void send(const std::string& bytes);

  /// The next whole message (its lines and the empty line that ends it), waiting at most
  /// `timeout`; nullopt on timeout or when the server closed the connection.
  std::optional<std::string> next(std::chrono::milliseconds timeout);

  [[nodiscard]] bool closed() const { return closed_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
  std::string banner_;
  bool closed_ = false;
};

}  // namespace eecall::test
