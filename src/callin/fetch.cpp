#include "eecall/callin/fetch.hpp"

#include <nlohmann/json.hpp>

#include "eecall/notify/notify_module.hpp"
#include "eecall/util/text.hpp"

namespace eecall::callin {

namespace {

constexpr std::size_t max_body_bytes = 64 * 1024;
constexpr std::size_t max_spoken_bytes = 200;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

bool speakable(const std::string& text) {
  return !text.empty() && text.size() <= max_spoken_bytes && text::is_valid_utf8(text) &&
         text.find_first_of("<>{}\r\n") == std::string::npos;
}

}  // namespace

Fetcher module_fetcher(std::string module) {
  return [module = std::move(module)](const std::string& url, std::chrono::milliseconds timeout) {
    FetchAnswer answer;
    auto api = load_notify_module(module);
    if (!api) {
      answer.error = api.failure().message;
      return answer;
    }
    std::string body(max_body_bytes, '\0');
    std::size_t length = 0;
    char error[256] = {0};
    const int status = api.value()->get_body(url.c_str(), static_cast<long>(timeout.count()),
                                             &answer.http_status, body.data(), body.size(), &length,
                                             error, sizeof error);
    answer.answered = status == EECALL_NOTIFY_ANSWERED;
    body.resize(length);
    answer.body = std::move(body);
    answer.error = error;
    return answer;
  };
}

std::optional<std::string> value_at(std::string_view body, std::string_view field) {
  if (field.empty()) {
    auto text = trimmed(body);
    return speakable(text) ? std::optional(text) : std::nullopt;
  }
  auto json = nlohmann::json::parse(body, nullptr, false);
  const nlohmann::json* at = &json;
  std::size_t start = 0;
  while (start <= field.size()) {
    const auto dot = field.find('.', start);
    const auto name = std::string(field.substr(start, dot == field.npos ? field.npos : dot - start));
    if (!at->is_object() || !at->contains(name)) return std::nullopt;
    at = &(*at)[name];
    if (dot == field.npos) break;
    start = dot + 1;
  }
  std::string text;
  if (at->is_string()) {
    text = trimmed(at->get<std::string>());
  } else if (at->is_number()) {
    text = at->dump();
  } else {
    return std::nullopt;
  }
  return speakable(text) ? std::optional(text) : std::nullopt;
}

}  // namespace eecall::callin
