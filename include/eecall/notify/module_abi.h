/* The interface between eecall and its notify module, eecall-notify.so.
 *
 * Why a module: a background job that ends tells the admin's URL (notify_url) with one HTTP
 * GET, through libcurl. A CGI program is a new process per request, and loading libcurl (and
 * the TLS libraries it brings) would cost every request; only a job with a notify_url needs
 * it, so eecall opens the module with dlopen() at that moment (docs/performance.md), like
 * eecall-tls.so.
 *
 * A plain C interface (one table of functions): nothing C++ crosses the boundary.
 */
#ifndef EECALL_NOTIFY_MODULE_ABI_H
#define EECALL_NOTIFY_MODULE_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the table below; eecall refuses a module with another version.
 * 2: get_body added (a call-in menu's read key speaks a value from the answer). */
#define EECALL_NOTIFY_ABI_VERSION 2
/* The one symbol the module exports: a function returning its table. */
#define EECALL_NOTIFY_ENTRY_POINT "eecall_notify_module"

enum eecall_notify_status {
  EECALL_NOTIFY_ANSWERED = 0, /* an HTTP answer came: its status is in *http_status */
  EECALL_NOTIFY_FAILED = 1    /* no HTTP answer (resolve, connect, TLS, timeout): error says why */
};

struct eecall_notify_api {
  int abi_version;

  /* One GET of `url`, http:// or https:// only, in at most `timeout_ms` in all. HTTPS is
   * verified (certificate chain against the system's trusted CAs, and the host name); no
   * redirect is followed; no proxy is used (CGI environments can carry a client's "Proxy:"
   * header as HTTP_PROXY). The body is read and dropped. The error text, always
   * NUL-terminated, never holds the URL's path or query. */
  int (*get)(const char* url, long timeout_ms, long* http_status, char* error, size_t error_size);

  /* As get, but the body's first `body_size` bytes are kept in `body` (not NUL-terminated;
   * *body_length says how many; a longer body is cut there, never an error). */
  int (*get_body)(const char* url, long timeout_ms, long* http_status, char* body, size_t body_size,
                  size_t* body_length, char* error, size_t error_size);
};

typedef const struct eecall_notify_api* (*eecall_notify_entry_point)(void);

#ifdef __cplusplus
}
#endif

#endif /* EECALL_NOTIFY_MODULE_ABI_H */
