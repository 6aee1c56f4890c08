#include "traffic_log.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace eecall::sim {

TrafficLog::TrafficLog(const std::string& path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot open log file " + path + ": " + std::strerror(errno));
  }
}

TrafficLog::~TrafficLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void TrafficLog::opened(int id) { header(id); }

void TrafficLog::note(int id, std::string_view text) {
  std::string line = at_line_start_ ? "" : "\n";
  line += "# connection " + std::to_string(id) + ": ";
  line += text;
  line += "\n";
  put(line);
  last_id_ = id;
}

void TrafficLog::received(int id, std::string_view bytes) {
  if (bytes.empty()) return;
  if (id != last_id_) header(id);
  put(bytes);
}

void TrafficLog::header(int id) {
  std::string line = at_line_start_ ? "" : "\n";
  line += "# connection " + std::to_string(id) + "\n";
  put(line);
  last_id_ = id;
}

void TrafficLog::put(std::string_view bytes) {
  if (file_ == nullptr || bytes.empty()) return;
  std::fwrite(bytes.data(), 1, bytes.size(), file_);
  std::fflush(file_);
  at_line_start_ = bytes.back() == '\n';
}

}  // namespace eecall::sim
