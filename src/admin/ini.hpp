// (private) The INI reading of eecall.conf: sections, `key = value` lines, comments, each with
// its line number. What the keys mean is config.cpp's business.
//
// The comment rule (docs/security.md, "Configuration file"):
//   - a line whose first non-blank character is ';' or '#' is a comment;
//   - after a value, ';' or '#' preceded by a blank starts a comment (Asterisk's configs put
//     ';' comments anywhere on a line);
//   - "\;" and "\#" are a literal ';' and '#' (Asterisk's escape); any other backslash stays;
//   - a '#' glued to the text before it is part of the value (a URL fragment, [0-9*#]);
//   - what could be either is refused, never guessed: a ';' glued to the text before it
//     ("no;comment" or a secret "ab;cd"?) and a '#' after a blank with text right after it
//     ("Alarm #1" or a comment "#1"?);
//   - keys, section names and values are trimmed of surrounding blanks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eecall/util/result.hpp"

namespace eecall::ini {

struct Entry {
  std::string key;
  std::string value;  // comment removed, escapes resolved, trimmed
  int line = 0;
};

struct Section {
  std::string name;
  int line = 0;
  std::vector<Entry> entries;  // in file order, keys unique
};

/// The sections of `text`, in file order, names unique; a section without any key is left
/// out. Any error is config_error "path:line: what" (never quoting a value: it may be a secret).
Result<std::vector<Section>> parse(std::string_view text, const std::string& path);

/// One value as written after '=': the comment rule above applied. A refusal's message says
/// what to write instead, without the value.
Result<std::string> read_value(std::string_view written);

}  // namespace eecall::ini
