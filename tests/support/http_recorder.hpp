// A small HTTP server on 127.0.0.1 that records the request targets it receives: the stand-in
// for the box that a background job notifies (notify_url). It answers with a chosen status,
// or never answers (a slow server), or closes at once (a broken one).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace eecall::test {

class HttpRecorder {
 public:
  enum class Mode { answer, stall, close };
  explicit HttpRecorder(int status = 200, Mode mode = Mode::answer);
  ~HttpRecorder();
  HttpRecorder(const HttpRecorder&) = delete;
  HttpRecorder& operator=(const HttpRecorder&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// `http://127.0.0.1:PORT`
  [[nodiscard]] std::string base_url() const;
  /// The request line of every request received, in order ("GET /set?value=1 HTTP/1.1").
  [[nodiscard]] std::vector<std::string> requests() const;
  /// Waits until `count` requests have arrived, for at most `budget`; returns them all
  /// (fewer when the budget ran out: the caller's assertion names what was missing).
  [[nodiscard]] std::vector<std::string> requests_when(std::size_t count, std::chrono::milliseconds budget) const;
  /// The body of every answer from now on (default "ok"): a read key's JSON.
  void set_body(std::string body);

 private:
  void serve();

  int status_;
  Mode mode_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<std::string> requests_;
  std::string body_ = "ok";
  std::vector<int> stalled_;
  std::thread thread_;
};

}  // namespace eecall::test
