#include "app_args.hpp"

#include <cstdlib>

namespace eecall::sim {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// ast_strip_quoted(s, "'\"", "'\""): one pair of matching surrounding quotes goes.
std::string_view strip_quotes(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  if (s.size() == 1 && (s.front() == '"' || s.front() == '\'')) return {};
  return s;
}

}  // namespace

std::vector<std::string> separate_args(std::string_view data, char delim, std::size_t max) {
  std::vector<std::string> out;
  if (max == 0) return out;
  std::string current;
  int paren = 0;
  int bracket = 0;
  bool quote = false;
  bool ended_on_delim = false;
  std::size_t i = 0;
  while (i < data.size()) {
    if (out.size() + 1 == max) {  // the last field: the rest as it is (quotes and all)
      current.append(data.substr(i));
      break;
    }
    const char c = data[i++];
    ended_on_delim = false;
    if (c == '(') {
      ++paren;
    } else if (c == ')') {
      if (paren > 0) --paren;
    } else if (c == '[') {
      ++bracket;
    } else if (c == ']') {
      if (bracket > 0) --bracket;
    } else if (c == '"' && delim != '"') {
      quote = !quote;
      continue;
    } else if (c == '\\') {
      if (i < data.size()) current.push_back(data[i++]);
      continue;
    } else if (c == delim && paren == 0 && bracket == 0 && !quote) {
      out.push_back(std::move(current));
      current.clear();
      ended_on_delim = true;
      continue;
    }
    current.push_back(c);
  }
  if (!current.empty() || ended_on_delim || (out.empty() && !data.empty())) out.push_back(std::move(current));
  return out;
}

std::vector<std::string> split_prompts(std::string_view filenames) {
  std::vector<std::string> out;
  std::size_t start = 0;
  char quote = 0;
  for (std::size_t i = 0; i <= filenames.size(); ++i) {
    if (i < filenames.size()) {
      const char c = filenames[i];
      if (c == '\\') {
        ++i;
        continue;
      }
      if (c == '\'' || c == '"') quote = quote == 0 ? c : (quote == c ? 0 : quote);
      if (c != '&' || quote != 0) continue;
    }
    out.emplace_back(strip_quotes(trim(filenames.substr(start, i - start))));
    start = i + 1;
  }
  return out;
}

int c_atoi(std::string_view s) {
  const std::string copy(s);
  return std::atoi(copy.c_str());
}

double c_atof(std::string_view s) {
  const std::string copy(s);
  return std::atof(copy.c_str());
}

ReadArgs parse_read(std::string_view data) {
  ReadArgs r;
  auto args = separate_args(data, ',', 6);
  args.resize(6);
  r.variable = args[0];
  r.filenames = args[1];
  if (!args[2].empty()) {
    r.maxdigits = c_atoi(args[2]);
    if (r.maxdigits < 1 || r.maxdigits > 255) r.maxdigits = 255;
  }
  // ast_app_parse_options(): letters; t may carry "(terminators)".
  const std::string& options = args[3];
  for (std::size_t i = 0; i < options.size(); ++i) {
    const char c = options[i];
    if (c == 'e') r.terminator_as_digit = true;
    if (c != 't') continue;
    r.terminators.clear();
    if (i + 1 < options.size() && options[i + 1] == '(') {
      const auto close = options.find(')', i + 2);
      r.terminators = options.substr(i + 2, close == std::string::npos ? std::string::npos : close - i - 2);
      i = close == std::string::npos ? options.size() : close;
    }
  }
  if (!args[4].empty()) {
    r.attempts = c_atoi(args[4]);
    if (r.attempts <= 0) r.attempts = 1;
  }
  if (!args[5].empty()) {
    const double seconds = c_atof(args[5]);
    r.timeout = std::chrono::milliseconds(seconds <= 0 ? 0 : static_cast<long long>(seconds * 1000.0));
  }
  return r;
}

}  // namespace eecall::sim
