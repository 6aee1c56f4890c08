#include "support/transcript.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "eecall/util/text.hpp"

namespace eecall::test {

std::string unescape(const std::string& escaped) {
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '\\') {
      out.push_back(escaped[i]);
      continue;
    }
    const char n = escaped.at(++i);
    if (n == 'r') {
      out.push_back('\r');
    } else if (n == 'n') {
      out.push_back('\n');
    } else if (n == '\\') {
      out.push_back('\\');
    } else if (n == 'x') {
      out.push_back(static_cast<char>(std::stoi(escaped.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      throw std::runtime_error("bad escape in transcript: " + escaped);
    }
  }
  return out;
}

std::vector<Connection> load_transcript(const std::string& file_name) {
  std::ifstream in(std::string(EECALL_TEST_DATA) + "/" + file_name);
  if (!in) throw std::runtime_error("cannot open transcript " + file_name);
  static const std::string no_line_end = "   # (no line end: chunk ends here)";
  std::vector<Connection> connections(1);
  std::chrono::microseconds now{0};
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# --- new TCP connection")) {
      if (!connections.back().empty()) connections.emplace_back();
      continue;
    }
    // "# S +0.004s 29 bytes" / "# C +0.004s 66 bytes" open a new chunk.
    if ((line.starts_with("# S +") || line.starts_with("# C +")) && line.ends_with(" bytes")) {
      now = std::chrono::microseconds(std::llround(std::stod(line.substr(5)) * 1e6));
      connections.back().push_back({line[2], {}, now});
      continue;
    }
    if (line.size() < 3 || (line[0] != 'C' && line[0] != 'S') || line[1] != ':' || line[2] != ' ') {
      continue;
    }
    auto body = line.substr(3);
    if (body.ends_with(no_line_end)) body.resize(body.size() - no_line_end.size());
    if (connections.back().empty() || connections.back().back().direction != line[0]) {
      connections.back().push_back({line[0], {}, now});
    }
    connections.back().back().bytes += unescape(body);
  }
  return connections;
}

std::vector<TimedMessage> messages_of(const Connection& connection, char direction) {
  std::vector<TimedMessage> out;
  std::string pending;
  bool banner = direction == 'S';
  for (const auto& chunk : connection) {
    if (chunk.direction != direction) continue;
    pending += chunk.bytes;
    if (banner) {
      const auto end = pending.find("\r\n");
      if (end == std::string::npos) continue;
      pending.erase(0, end + 2);
      banner = false;
    }
    for (auto end = pending.find("\r\n\r\n"); end != std::string::npos; end = pending.find("\r\n\r\n")) {
      out.push_back({pending.substr(0, end + 4), chunk.at});
      pending.erase(0, end + 4);
    }
  }
  return out;
}

std::string header_value(const std::string& raw_message, const std::string& name) {
  std::size_t pos = 0;
  while (pos < raw_message.size()) {
    auto end = raw_message.find('\n', pos);
    if (end == std::string::npos) end = raw_message.size();
    auto line = raw_message.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon != std::string::npos && text::iequals(line.substr(0, colon), name)) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace eecall::test
