#include "ini.hpp"

#include <algorithm>

namespace eecall::ini {

namespace {

constexpr std::string_view blanks = " \t\r\v\f";

bool is_blank(char c) { return blanks.find(c) != std::string_view::npos; }

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

Failure refused(std::string message) { return {ErrorCode::config_error, std::move(message), "config"}; }

Failure refused_at(const std::string& path, int line, const std::string& message) {
  return refused(path + ":" + std::to_string(line) + ": " + message);
}

bool is_comment(std::string_view line) { return !line.empty() && (line[0] == ';' || line[0] == '#'); }

// The value of "[name]  ; comment": the name, or a refusal when anything but a comment follows.
Result<std::string> section_name(std::string_view line) {
  const auto end = line.find(']');
  if (end == std::string_view::npos) return refused("unmatched '[': a section is [name]");
  const auto after = trimmed(line.substr(end + 1));
  if (!after.empty() && !is_comment(after)) {
    return refused("text after the section's ']' (a comment starts with ';' or '#')");
  }
  const auto name = trimmed(line.substr(1, end - 1));
  if (name.empty()) return refused("empty section name []");
  return std::string(name);
}

Result<Entry> entry(std::string_view line, int number) {
  const auto equals = line.find('=');
  if (equals == std::string_view::npos) {
    return refused("no '=' in this line: a setting is 'key = value', a comment starts with ';' or '#'");
  }
  const auto key = trimmed(line.substr(0, equals));
  if (key.empty()) return refused("a key is expected before '='");
  auto value = read_value(line.substr(equals + 1));
  if (!value) return refused(std::string(key) + ": " + value.failure().message);
  return Entry{std::string(key), std::move(value).value(), number};
}

bool has_key(const Section& section, const std::string& key) {
  return std::any_of(section.entries.begin(), section.entries.end(),
                     [&](const Entry& e) { return e.key == key; });
}

bool has_section(const std::vector<Section>& sections, const std::string& name) {
  return std::any_of(sections.begin(), sections.end(), [&](const Section& s) { return s.name == name; });
}

// Files one non-comment line into `sections`; a message (without path:line) when it is refused.
Status take_line(std::vector<Section>& sections, std::string_view line, int number) {
  if (line[0] == '[') {
    auto name = section_name(line);
    if (!name) return name.failure();
    if (!sections.empty() && sections.back().entries.empty()) sections.pop_back();  // empty: left out
    if (has_section(sections, name.value())) return refused("[" + name.value() + "] appears twice");
    sections.push_back({std::move(name).value(), number, {}});
    return std::nullopt;
  }
  auto read = entry(line, number);
  if (!read) return read.failure();
  if (sections.empty()) return refused("'" + read.value().key + "' is outside any [section]");
  if (has_key(sections.back(), read.value().key)) {
    return refused(read.value().key + " appears twice in [" + sections.back().name + "]");
  }
  sections.back().entries.push_back(std::move(read).value());
  return std::nullopt;
}

}  // namespace

Result<std::string> read_value(std::string_view written) {
  std::string value;
  for (std::size_t i = 0; i < written.size(); ++i) {
    const char c = written[i];
    const bool after_blank = i == 0 || is_blank(written[i - 1]);
    const bool next_is_blank = i + 1 == written.size() || is_blank(written[i + 1]);
    if (c == '\\' && i + 1 < written.size() && (written[i + 1] == ';' || written[i + 1] == '#')) {
      value += written[++i];  // Asterisk's escape: "\;" is a ';' (and "\#" a '#')
    } else if (c == ';' && !after_blank) {
      return refused("a ';' right after a value: write \\; for a ';' in the value, or put a blank "
                     "before the comment");
    } else if (c == '#' && after_blank && !next_is_blank) {
      return refused("a '#' after a blank, with text right after it: write \\# for a '#' in the "
                     "value, or '# comment' for a comment");
    } else if (c == ';' || (c == '#' && after_blank)) {
      break;  // the comment runs to the end of the line
    } else {
      value += c;
    }
  }
  return std::string(trimmed(value));
}

Result<std::vector<Section>> parse(std::string_view text, const std::string& path) {
  std::vector<Section> sections;
  for (int number = 1; !text.empty(); ++number) {
    const auto end = text.find('\n');
    const auto line = trimmed(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || is_comment(line)) continue;
    if (auto failed = take_line(sections, line, number)) return refused_at(path, number, failed->message);
  }
  if (!sections.empty() && sections.back().entries.empty()) sections.pop_back();
  return sections;
}

}  // namespace eecall::ini
