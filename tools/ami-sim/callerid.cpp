#include "callerid.hpp"

namespace eecall::sim {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// ast_strip_quoted(s, "\"", "\""): blanks, then one pair of surrounding quotes.
std::string_view strip_quoted(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// utils.c ast_shrink_phone_number(): drops "( )", '-' outside [...], '.' unless last.
std::string shrink_phone_number(std::string_view n) {
  std::string out;
  int bracketed = 0;
  for (std::size_t x = 0; x < n.size(); ++x) {
    const char c = n[x];
    switch (c) {
      case '[': ++bracketed; out.push_back(c); break;
      case ']': --bracketed; out.push_back(c); break;
      case '-': if (bracketed != 0) out.push_back(c); break;
      case '.': if (x + 1 == n.size()) out.push_back(c); break;
      case '(': case ' ': case ')': break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool is_phone_number(std::string_view n) {
  if (n.empty()) return false;
  for (const char c : n) {
    if (std::string_view("0123456789*#+").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

CallerId parse_caller_id(std::string_view value) {
  CallerId out;
  if (const auto lt = value.rfind('<'); lt != std::string_view::npos) {
    auto location = value.substr(lt + 1);
    location = location.substr(0, location.rfind('>'));
    out.number = shrink_phone_number(location);
    out.name = std::string(strip_quoted(value.substr(0, lt)));
    return out;
  }
  const std::string shrunk = shrink_phone_number(value);
  if (is_phone_number(shrunk)) {
    out.number = shrunk;
  } else {
    out.name = std::string(strip_quoted(value));
  }
  return out;
}

}  // namespace eecall::sim
