// How Asterisk's applications split their argument string (main/app.c, main/utils.c) and
// what Read and Playback make of theirs (apps/app_read.c, apps/app_playback.c).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace eecall::sim {

/// __ast_app_separate_args(buf, delim, remove_chars=1, array, max): splits at `delim`
/// outside double quotes, ( ) and [ ]; removes the double quotes and the backslashes (each
/// backslash keeps the next character as is); the last of `max` fields takes the rest as it
/// is. An empty `data` gives no field at all.
std::vector<std::string> separate_args(std::string_view data, char delim, std::size_t max);

/// ast_strsep(&s, '&', AST_STRSEP_STRIP | AST_STRSEP_TRIM) until it returns NULL: the prompt
/// names of a Playback/Read "file1&file2" argument, each trimmed and without surrounding
/// quotes; an empty string gives one empty name, a trailing '&' one more empty name.
std::vector<std::string> split_prompts(std::string_view filenames);

/// C's atoi() and atof() (leading blanks, sign, digits; garbage after them ignored).
int c_atoi(std::string_view s);
double c_atof(std::string_view s);

/// Read(variable,filename[&filename2...],maxdigits,options,attempts,timeout).
struct ReadArgs {
  std::string variable;
  std::string filenames;
  int maxdigits = 255;                 // 1..255; anything else means 255
  int attempts = 1;                    // <= 0 means 1
  std::chrono::milliseconds timeout{0};  // 0: Asterisk's defaults (6 s first digit, 2 s next)
  std::string terminators = "#";       // option t(...) replaces them; a bare t removes them
  bool terminator_as_digit = false;    // option e
};
ReadArgs parse_read(std::string_view data);

}  // namespace eecall::sim
