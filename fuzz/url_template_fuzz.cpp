// libFuzzer target: the admin's notify_url template (src/notify/url_template.cpp). Input: the
// template, a NUL byte, then the value every placeholder gets (the job's outcome: an error
// code, a phone the PBX reported, any bytes). Properties:
//   - an accepted template expands to printable ASCII without blanks, and its scheme and host
//     are exactly the template's (a value never moves the request to another host);
//   - the redacted URL (logs, state files) never shows the value of a query parameter whose
//     name looks like a secret, nor the password of user:password@.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "eecall/notify/url_template.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "url_template_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::size_t host_end(std::string_view url) {
  const auto start = url.find("://") + 3;
  const auto end = url.find_first_of("/?#", start);
  return end == std::string_view::npos ? url.size() : end;
}

bool looks_secret(std::string_view name) {
  std::string lower;
  for (const char c : name) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  for (const char* word : {"secret", "pass", "pwd", "token", "key", "auth", "sig", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// Every query pair of `url` whose name looks secret must have the value "***".
void check_redacted(const std::string& url, const std::string& redacted) {
  const auto query = redacted.find('?');
  if (query == std::string::npos) return;
  const auto fragment = redacted.find('#', query);
  const std::string_view q = std::string_view(redacted).substr(query + 1, fragment == std::string::npos
                                                                               ? std::string::npos
                                                                               : fragment - query - 1);
  std::size_t start = 0;
  while (start <= q.size()) {
    auto end = q.find('&', start);
    if (end == std::string_view::npos) end = q.size();
    const auto pair = q.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && looks_secret(pair.substr(0, eq)) && pair.substr(eq + 1) != "***") {
      fail("a secret-looking parameter shown in the redacted URL", url + " -> " + redacted);
    }
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto nul = bytes.find('\0');
  const auto url_template = bytes.substr(0, nul);
  const std::string value(nul == std::string_view::npos ? std::string_view{} : bytes.substr(nul + 1));

  const auto redacted_template = eecall::redact_url(url_template);  // any text: no crash
  (void)redacted_template;
  const auto checked = eecall::check_notify_template(url_template);
  if (!checked) {
    if (checked.failure().message.empty()) fail("refusal without a message", std::string(url_template));
    return 0;
  }
  const auto url = eecall::expand_url_template(checked.value(), [&](std::string_view) { return value; });
  for (const char c : url) {
    if (c <= 0x20 || c >= 0x7F) fail("expanded URL holds a blank or a byte outside printable ASCII", url);
  }
  const auto template_host = url_template.substr(0, host_end(url_template));
  if (std::string_view(url).substr(0, host_end(url)) != template_host) {
    fail("a value changed the scheme or host", std::string(url_template) + " -> " + url);
  }
  const auto redacted = eecall::redact_url(url);
  check_redacted(url, redacted);
  const auto at = url.substr(0, host_end(url)).rfind('@');
  const auto colon = url.find(':', url.find("://") + 3);
  if (at != std::string::npos && colon < at && colon + 1 < at) {
    const auto password = url.substr(colon + 1, at - colon - 1);
    if (redacted.substr(0, host_end(redacted)).find(":" + password + "@") != std::string::npos &&
        password != "***") {
      fail("the password of user:password@ shown in the redacted URL", url + " -> " + redacted);
    }
  }
  return 0;
}
