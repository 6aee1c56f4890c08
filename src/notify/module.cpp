// eecall-notify.so: one HTTP GET through libcurl, behind include/eecall/notify/module_abi.h.
// C-style code without exceptions (built with -fno-exceptions): it needs no C++ runtime.
#include <curl/curl.h>

#include <cstdio>
#include <cstring>

#include "eecall/notify/module_abi.h"

namespace {

void set_error(char* error, size_t size, const char* text) {
  if (error == nullptr || size == 0) return;
  std::snprintf(error, size, "%s", text);
}

// The body is of no interest: read and dropped.
size_t drop_body(char*, size_t size, size_t count, void*) { return size * count; }

// Where get_body keeps the start of the body: a fixed buffer, the rest dropped.
struct BodyBuffer {
  char* data;
  size_t size;
  size_t length;
};

size_t keep_body(char* chunk, size_t size, size_t count, void* target) {
  auto* buffer = static_cast<BodyBuffer*>(target);
  const size_t n = size * count;
  const size_t room = buffer->size - buffer->length;
  const size_t kept = n < room ? n : room;
  if (kept > 0) std::memcpy(buffer->data + buffer->length, chunk, kept);
  buffer->length += kept;
  return n;
}

int fetch(const char* url, long timeout_ms, long* http_status, BodyBuffer* body, char* error,
          size_t error_size) {
  set_error(error, error_size, "");
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    set_error(error, error_size, "cannot start libcurl");
    return EECALL_NOTIFY_FAILED;
  }
  char curl_error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from the resolver
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "eecall-notify/1");
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  } else {
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, drop_body);
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
  const CURLcode code = curl_easy_perform(curl);
  int status = EECALL_NOTIFY_ANSWERED;
  if (code == CURLE_OK) {
    long response = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
    if (http_status != nullptr) *http_status = response;
  } else {
    // libcurl's own texts name the host and port at most ("Failed to connect to box port 80
    // after 2 ms: Connection refused"), never the path or the query.
    set_error(error, error_size, curl_error[0] != '\0' ? curl_error : curl_easy_strerror(code));
    status = EECALL_NOTIFY_FAILED;
  }
  curl_easy_cleanup(curl);
  return status;
}

int get(const char* url, long timeout_ms, long* http_status, char* error, size_t error_size) {
  return fetch(url, timeout_ms, http_status, nullptr, error, error_size);
}

int get_body(const char* url, long timeout_ms, long* http_status, char* body, size_t body_size,
             size_t* body_length, char* error, size_t error_size) {
  BodyBuffer buffer{body, body == nullptr ? 0 : body_size, 0};
  const int status = fetch(url, timeout_ms, http_status, &buffer, error, error_size);
  if (body_length != nullptr) *body_length = buffer.length;
  return status;
}

const eecall_notify_api api = {EECALL_NOTIFY_ABI_VERSION, get, get_body};

}  // namespace

extern "C" __attribute__((visibility("default"))) const eecall_notify_api* eecall_notify_module() { return &api; }
