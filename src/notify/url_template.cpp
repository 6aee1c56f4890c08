#include "eecall/notify/url_template.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace eecall {

namespace {

constexpr std::array<std::string_view, 6> placeholders = {"result", "error", "acknowledged_by",
                                                          "job",    "state", "value"};
constexpr std::size_t max_template_bytes = 2000;

Failure bad(std::string message) { return {ErrorCode::invalid_parameter, std::move(message), "notify_url"}; }

// RFC 3986: everything but the unreserved characters is percent-encoded.
std::string percent_encoded(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0x0F];
    }
  }
  return out;
}

// Where the host part ends: the first '/', '?' or '#' after the scheme, or the end.
std::size_t authority_end(std::string_view url, std::size_t authority_start) {
  const auto end = url.find_first_of("/?#", authority_start);
  return end == std::string_view::npos ? url.size() : end;
}

std::size_t scheme_length(std::string_view url) {
  if (url.starts_with("http://")) return 7;
  if (url.starts_with("https://")) return 8;
  return 0;
}

bool looks_secret(std::string_view name) {
  std::string lower;
  for (const char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* word : {"secret", "pass", "pwd", "token", "key", "auth", "sig", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Result<std::string> check_notify_template(std::string_view url_template) {
  const auto scheme = scheme_length(url_template);
  if (scheme == 0) return bad("notify_url must start with http:// or https://");
  if (url_template.size() > max_template_bytes) {
    return bad("notify_url is longer than " + std::to_string(max_template_bytes) + " characters");
  }
  if (!std::all_of(url_template.begin(), url_template.end(), [](char c) { return c > 0x20 && c < 0x7F; })) {
    return bad("notify_url must be printable ASCII without blanks (percent-encode the rest)");
  }
  const auto host_end = authority_end(url_template, scheme);
  if (host_end == scheme) return bad("notify_url has no host");
  for (std::size_t i = 0; i < url_template.size(); ++i) {
    if (url_template[i] == '}') return bad("notify_url has a '}' that closes no placeholder");
    if (url_template[i] != '{') continue;
    const auto close = url_template.find('}', i);
    const auto name = url_template.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1);
    if (close == std::string_view::npos ||
        std::find(placeholders.begin(), placeholders.end(), name) == placeholders.end()) {
      return bad("notify_url has an unknown placeholder at '" + std::string(url_template.substr(i, 20)) +
                 "' (known: {result} {error} {acknowledged_by} {job} {state} {value})");
    }
    if (i < host_end) return bad("notify_url may hold placeholders only after the host");
    i = close;
  }
  return std::string(url_template);
}

std::string expand_url_template(std::string_view url_template,
                                const std::function<std::string(std::string_view)>& value_of) {
  const std::string_view in = url_template;
  std::string url;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto close = in[i] == '{' ? in.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      url.push_back(in[i]);
      continue;
    }
    url += percent_encoded(value_of(in.substr(i + 1, close - i - 1)));
    i = close;
  }
  return url;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  const auto scheme = scheme_length(url);
  if (scheme == 0) return out;
  // user:password@host
  const auto host_end = authority_end(url, scheme);
  const auto at = url.substr(0, host_end).rfind('@');
  if (at != std::string_view::npos && at > scheme) {
    const auto colon = url.substr(0, at).find(':', scheme);
    if (colon != std::string_view::npos) out = std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
  }
  const auto query = out.find('?');
  if (query == std::string::npos) return out;
  const auto fragment = out.find('#', query);
  const auto query_end = fragment == std::string::npos ? out.size() : fragment;
  std::string rebuilt = out.substr(0, query + 1);
  std::size_t start = query + 1;
  while (start <= query_end) {
    auto end = out.find('&', start);
    if (end == std::string::npos || end > query_end) end = query_end;
    const auto pair = std::string_view(out).substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && looks_secret(pair.substr(0, eq))) {
      rebuilt += std::string(pair.substr(0, eq + 1)) + "***";
    } else {
      rebuilt += pair;
    }
    if (end < query_end) rebuilt += '&';
    start = end + 1;
  }
  return rebuilt + out.substr(query_end);
}

}  // namespace eecall
