#include "eecall/callin/callin_config.hpp"

#include <algorithm>
#include <charconv>

#include "eecall/util/text.hpp"

namespace eecall::callin {

namespace {

Failure refused(const std::string& origin, const std::string& why) {
  return {ErrorCode::config_error, origin + ": " + why, "callin"};
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::vector<std::string> split(std::string_view text, std::string_view separators) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find_first_of(separators, start);
    const auto part = trim(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (!part.empty() || separators == "|") parts.emplace_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

Result<int> number_in(const ConfigEntry& entry, int low, int high) {
  int value = 0;
  const auto* end = entry.value.data() + entry.value.size();
  const auto [at, error] = std::from_chars(entry.value.data(), end, value);
  if (error != std::errc() || at != end || value < low || value > high) {
    return refused(entry.origin, entry.key + " must be a whole number from " + std::to_string(low) +
                                     " to " + std::to_string(high));
  }
  return value;
}

Status check_url(const ConfigEntry& entry, const std::string& url) {
  const bool scheme = url.starts_with("http://") || url.starts_with("https://");
  const bool printable = std::all_of(url.begin(), url.end(), [](char c) { return c > ' ' && c < 127; });
  if (!scheme || !printable || url.size() > 2000) {
    return refused(entry.origin, entry.key + ": the URL must be http:// or https://, printable, "
                                             "without blanks, at most 2000 characters");
  }
  return std::nullopt;
}

Status check_label(const ConfigEntry& entry, const std::string& label) {
  if (label.empty() || label.size() > 100 || !text::is_valid_utf8(label)) {
    return refused(entry.origin, entry.key + ": a label of 1 to 100 characters comes after the kind");
  }
  return std::nullopt;
}

// "act LABEL | URL", "read LABEL | URL [| FIELD]", "acknowledge [LABEL]".
Result<MenuKey> read_key(const ConfigEntry& entry) {
  MenuKey key;
  key.key = entry.key.back();
  const auto value = std::string_view(entry.value);
  const auto blank = value.find(' ');
  const auto kind = value.substr(0, blank);
  const auto parts = split(blank == value.npos ? std::string_view() : value.substr(blank + 1), "|");
  if (kind == "acknowledge") {
    key.kind = MenuKey::Kind::acknowledge;
    key.label = parts.empty() || parts[0].empty() ? "Acquitter l'alerte en cours" : parts[0];
    if (parts.size() > 1) return refused(entry.origin, entry.key + ": acknowledge takes no URL");
    if (auto failed = check_label(entry, key.label)) return *failed;
    return key;
  }
  if (kind != "act" && kind != "read") {
    return refused(entry.origin, entry.key + ": the kind is act, read or acknowledge");
  }
  key.kind = kind == "act" ? MenuKey::Kind::act : MenuKey::Kind::read;
  const std::size_t most = key.kind == MenuKey::Kind::read ? 3 : 2;
  if (parts.size() < 2 || parts.size() > most) {
    return refused(entry.origin, entry.key + ": write '" + std::string(kind) + " LABEL | URL" +
                                     (most == 3 ? " [| FIELD]'" : "'"));
  }
  key.label = parts[0];
  key.url = parts[1];
  if (parts.size() == 3) key.field = parts[2];
  if (auto failed = check_label(entry, key.label)) return *failed;
  if (auto failed = check_url(entry, key.url)) return *failed;
  return key;
}

bool is_key_name(std::string_view key) {
  return key.size() == 4 && key.starts_with("key") && key[3] >= '0' && key[3] <= '9';
}

Status take(Menu& menu, const ConfigEntry& entry) {
  const auto& key = entry.key;
  if (key == "pin") {
    if (entry.value.size() < 4 || entry.value.size() > 12 || !all_digits(entry.value)) {
      return refused(entry.origin, "pin must be 4 to 12 digits");  // never the value
    }
    menu.pin = entry.value;
  } else if (key == "allow_callers" || key == "trust_caller_id") {
    auto numbers = split(entry.value, " ,\t");
    for (const auto& number : numbers) {
      if (key == "allow_callers" && number == "any") continue;
      if (!all_digits(number) || number.size() > 20) {
        return refused(entry.origin, key + ": caller numbers are 1 to 20 digits, separated by blanks" +
                                         (key == "allow_callers" ? std::string(", or any") : ""));
      }
    }
    if (key == "trust_caller_id") {
      menu.trusted = std::move(numbers);
    } else {
      menu.allow_any = std::find(numbers.begin(), numbers.end(), "any") != numbers.end();
      std::erase(numbers, "any");
      menu.allow_callers = std::move(numbers);
    }
  } else if (key == "greeting" || key == "voice") {
    if (entry.value.size() > 300 || !text::is_valid_utf8(entry.value)) {
      return refused(entry.origin, key + " must be UTF-8 text of at most 300 bytes");
    }
    (key == "greeting" ? menu.greeting : menu.voice) = entry.value;
  } else if (key == "pin_tries") {
    auto n = number_in(entry, 1, 10);
    if (!n) return n.failure();
    menu.pin_tries = n.value();
  } else if (key == "lockout") {
    auto n = number_in(entry, 1, 1440);
    if (!n) return n.failure();
    menu.lockout = std::chrono::minutes(n.value());
  } else if (key == "call_limit") {
    auto n = number_in(entry, 30, 1800);
    if (!n) return n.failure();
    menu.call_limit = std::chrono::seconds(n.value());
  } else if (key == "fetch_timeout") {
    auto n = number_in(entry, 1, 30);
    if (!n) return n.failure();
    menu.fetch_timeout = std::chrono::seconds(n.value());
  } else if (is_key_name(key)) {
    auto menu_key = read_key(entry);
    if (!menu_key) return menu_key.failure();
    menu.keys.push_back(std::move(menu_key).value());
  } else {
    return refused(entry.origin, "unknown key '" + key + "' in a call-in menu");
  }
  return std::nullopt;
}

Status check_whole(const Menu& menu, const std::string& where) {
  if (!menu.allow_any && menu.allow_callers.empty() && menu.trusted.empty()) {
    return refused(where, "[callin " + menu.name + "] needs allow_callers (numbers, or any)");
  }
  const bool everyone_trusted = !menu.allow_any && std::all_of(
      menu.allow_callers.begin(), menu.allow_callers.end(), [&](const auto& n) { return menu.trusts(n); });
  if (menu.pin.empty() && !everyone_trusted) {
    return refused(where, "[callin " + menu.name + "] needs a pin (only trusted callers may go without)");
  }
  if (menu.keys.empty()) return refused(where, "[callin " + menu.name + "] has no key (key1 = ...)");
  return std::nullopt;
}

}  // namespace

const MenuKey* Menu::key(char digit) const {
  auto it = std::find_if(keys.begin(), keys.end(), [&](const MenuKey& k) { return k.key == digit; });
  return it == keys.end() ? nullptr : &*it;
}

bool Menu::allows(std::string_view caller) const {
  if (caller.empty() || !all_digits(caller)) return false;  // hidden or "unknown": never allowed
  return allow_any || trusts(caller) ||
         std::find(allow_callers.begin(), allow_callers.end(), caller) != allow_callers.end();
}

bool Menu::trusts(std::string_view caller) const {
  return !caller.empty() && std::find(trusted.begin(), trusted.end(), caller) != trusted.end();
}

Result<Menu> menu_from_config(const Config& config, std::string_view name) {
  const auto found = config.callin_menus.find(name);
  if (found == config.callin_menus.end()) {
    return Failure{ErrorCode::config_error,
                   "no [callin " + std::string(name) + "] in " +
                       (config.path.empty() ? std::string("the configuration") : config.path),
                   "callin"};
  }
  Menu menu;
  menu.name = std::string(name);
  for (const auto& entry : found->second) {
    if (auto failed = take(menu, entry)) return *failed;
  }
  std::sort(menu.keys.begin(), menu.keys.end(), [](const auto& a, const auto& b) {
    return (a.key == '0' ? 10 : a.key - '0') < (b.key == '0' ? 10 : b.key - '0');
  });
  const auto where = found->second.empty() ? config.path : found->second.front().origin;
  if (auto failed = check_whole(menu, where)) return *failed;
  return menu;
}

}  // namespace eecall::callin
