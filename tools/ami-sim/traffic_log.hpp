// The --log file: raw client bytes, grouped under "# connection N" lines (format in --help).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace eecall::sim {

class TrafficLog {
 public:
  /// An empty path disables the log. Throws std::runtime_error when the file cannot be opened.
  explicit TrafficLog(const std::string& path);
  ~TrafficLog();
  TrafficLog(const TrafficLog&) = delete;
  TrafficLog& operator=(const TrafficLog&) = delete;

  /// Connection `id` was accepted.
  void opened(int id);
  /// A fact about connection `id` that is not a byte it sent, as a "# connection N: text" line.
  void note(int id, std::string_view text);
  /// Bytes received from connection `id` (one whole message, or an unfinished tail).
  void received(int id, std::string_view bytes);

 private:
  void header(int id);
  void put(std::string_view bytes);

  std::FILE* file_ = nullptr;
  int last_id_ = 0;
  bool at_line_start_ = true;
};

}  // namespace eecall::sim
