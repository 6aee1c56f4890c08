/* The interface between eecall and its TLS module, eecall-tls.so.
 *
 * Why a module: a CGI program is a new process per request, and loading libssl and libcrypto
 * costs more than the whole rest of a request (docs/performance.md). Most PBXs are reached
 * over plain TCP on the LAN, so eecall loads OpenSSL only when TLS is asked for: the module is
 * linked against the system's shared OpenSSL (security updates still apply) and opened with
 * dlopen() at that moment.
 *
 * A plain C interface (one table of functions) so that nothing C++ crosses the boundary. The
 * module works on the connected socket eecall gives it, which must be non-blocking: every call
 * returns at once, and WANT_READ / WANT_WRITE tell eecall what to wait for (under its own
 * deadlines) before it calls again with the same arguments.
 */
#ifndef EECALL_TLS_MODULE_ABI_H
#define EECALL_TLS_MODULE_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the table below; eecall refuses a module with another version. */
#define EECALL_TLS_ABI_VERSION 1
/* The one symbol the module exports: a function returning its table. */
#define EECALL_TLS_ENTRY_POINT "eecall_tls_module"

enum eecall_tls_status {
  EECALL_TLS_OK = 0,
  EECALL_TLS_WANT_READ = 1,  /* wait until the socket is readable, then call again */
  EECALL_TLS_WANT_WRITE = 2, /* wait until the socket is writable, then call again */
  EECALL_TLS_CLOSED = 3,     /* the peer closed the connection (cleanly or not) */
  EECALL_TLS_REJECTED = 4,   /* handshake: the peer's certificate or name was not accepted */
  EECALL_TLS_FAILED = 5      /* anything else; the error text says what */
};

struct eecall_tls_session;

/* Every error text is written to the caller's buffer, always NUL-terminated, never holding
 * data read from or written to the connection. */
struct eecall_tls_api {
  int abi_version;

  /* A client session on the connected, non-blocking socket `fd`. The peer's chain must lead
   * to `ca_file` (or, when it is empty, to the system's trusted CAs) and its certificate must
   * name `host`: an IP address when host_is_ip, else a DNS name, also sent as SNI. TLS 1.2 or
   * later. NULL on failure. The socket stays the caller's (never closed by the module). */
  struct eecall_tls_session* (*open)(int fd, const char* host, int host_is_ip, const char* ca_file,
                                     char* error, size_t error_size);

  /* The handshake; OK once it is complete. */
  int (*handshake)(struct eecall_tls_session* session, char* error, size_t error_size);

  /* Up to `size` decrypted bytes into `data`, their count in *got (OK only with *got > 0). */
  int (*read)(struct eecall_tls_session* session, void* data, size_t size, size_t* got,
              char* error, size_t error_size);

  /* All `size` bytes (OK), or nothing yet (WANT_*: call again with the same arguments). */
  int (*write)(struct eecall_tls_session* session, const void* data, size_t size, char* error,
               size_t error_size);

  /* Frees the session (no close_notify: the caller closes the socket right after). */
  void (*close)(struct eecall_tls_session* session);
};

typedef const struct eecall_tls_api* (*eecall_tls_entry_point)(void);

#ifdef __cplusplus
}
#endif

#endif /* EECALL_TLS_MODULE_ABI_H */
