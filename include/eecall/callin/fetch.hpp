// What a menu key fetches: one GET through eecall-notify.so (libcurl, loaded only when a key
// needs it), and the value a read key speaks, taken from the answer.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace eecall::callin {

struct FetchAnswer {
  bool answered = false;  // an HTTP answer came (any status)
  long http_status = 0;
  std::string body;   // its first 64 KiB
  std::string error;  // not answered: why (never the URL's path or query)

  [[nodiscard]] bool succeeded() const noexcept { return answered && http_status >= 200 && http_status < 300; }
};

using Fetcher = std::function<FetchAnswer(const std::string& url, std::chrono::milliseconds timeout)>;

/// The real fetcher: eecall-notify.so from `module` (empty: next to the program or installed).
Fetcher module_fetcher(std::string module);

/// The value to speak from an answer's body: `field` a dotted path into a JSON object
/// ("body.last_value_text", the eeDomus API's answer), a string or a number there; an empty
/// field: the body itself, trimmed, when it is short UTF-8 text. nullopt: nothing usable.
std::optional<std::string> value_at(std::string_view body, std::string_view field);

}  // namespace eecall::callin
