#include "permissions.hpp"

#include <array>

#include "eecall/util/text.hpp"

namespace eecall::sim {

namespace {

struct PermAlias {
  ClassMask num;
  std::string_view label;
};

// manager.c perms[], in its order (authority_to_str() prints in this order).
constexpr std::array<PermAlias, 21> perms{{
    {1 << 0, "system"},     {1 << 1, "call"},      {1 << 2, "log"},       {1 << 3, "verbose"},
    {1 << 4, "command"},    {1 << 5, "agent"},     {1 << 6, "user"},      {1 << 7, "config"},
    {1 << 8, "dtmf"},       {1 << 9, "reporting"}, {1 << 10, "cdr"},      {1 << 11, "dialplan"},
    {1 << 12, "originate"}, {1 << 13, "agi"},      {1 << 15, "cc"},       {1 << 16, "aoc"},
    {1 << 17, "test"},      {1 << 18, "security"}, {1 << 30, "message"},  {flag::all, "all"},
    {0, "none"},
}};

// manager.c ast_instring(): note strncmp over the *item's* length for non-last items.
bool ast_instring(std::string_view big, std::string_view small) {
  std::size_t pos = 0;
  for (;;) {
    const auto next = big.find(',', pos);
    if (next == std::string_view::npos) return big.substr(pos) == small;
    // strncmp(item, small, len(item)) == 0: small starts with item (an empty item matches all).
    const auto item = big.substr(pos, next - pos);
    if (item.size() <= small.size() && small.substr(0, item.size()) == item) return true;
    pos = next + 1;
    if (pos >= big.size()) return false;  // the do/while stops at the terminating NUL
  }
}

}  // namespace

ClassMask get_perm(std::string_view list) {
  ClassMask ret = 0;
  for (const auto& p : perms) {
    if (ast_instring(list, p.label)) ret |= p.num;
  }
  return ret;
}

std::int64_t strings_to_mask(std::string_view value) {
  if (value.empty()) return -1;
  bool digits = true;
  for (const char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    // atoi(): no overflow handling in Asterisk; clamp to keep it defined here.
    std::int64_t n = 0;
    for (const char c : value) {
      n = n * 10 + (c - '0');
      if (n > flag::all) return flag::all;
    }
    return n;
  }
  if (ast_false(value)) return 0;
  if (ast_true(value)) {
    ClassMask ret = 0;
    for (const auto& p : perms) ret |= p.num;
    return ret;
  }
  return get_perm(value);
}

std::string authority_to_str(ClassMask authority) {
  std::string out;
  for (std::size_t i = 0; i + 1 < perms.size(); ++i) {  // every alias but "none"
    if ((authority & perms[i].num) != 0) {
      if (!out.empty()) out.push_back(',');
      out.append(perms[i].label);
    }
  }
  return out.empty() ? "<none>" : out;
}

bool ast_true(std::string_view value) {
  for (const auto word : {"yes", "true", "y", "t", "1", "on"}) {
    if (text::iequals(value, word)) return true;
  }
  return false;
}

bool ast_false(std::string_view value) {
  for (const auto word : {"no", "false", "n", "f", "0", "off"}) {
    if (text::iequals(value, word)) return true;
  }
  return false;
}

}  // namespace eecall::sim
