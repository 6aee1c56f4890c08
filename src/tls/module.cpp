// eecall-tls.so: TLS for eecall's AMI connection, with the system's shared OpenSSL. eecall
// opens this module only when TLS is asked for (include/eecall/tls/module_abi.h says why).
//
// Non-blocking OpenSSL on the caller's socket: every call returns at once, with WANT_READ /
// WANT_WRITE when the socket must be waited for; eecall does the waiting under its deadlines.
#include "eecall/tls/module_abi.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <pthread.h>

struct eecall_tls_session {
  SSL_CTX* context;
  SSL* ssl;
};

namespace {

void set_error(char* error, std::size_t size, const char* text) {
  if (error != nullptr && size > 0) std::snprintf(error, size, "%s", text);
}

// OpenSSL writes to the socket with write(), and a peer that has gone away would kill the
// process with SIGPIPE: block it around every call into OpenSSL and discard one it raised,
// the way libpq does. (eecall itself ignores SIGPIPE; the tests' processes may not.)
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    sigset_t pending;
    sigemptyset(&pending);
    if (!was_pending_ && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
      const timespec no_wait{};
      sigtimedwait(&pipe_, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// OpenSSL's reason for the last error, e.g. "wrong version number".
void describe_openssl_error(char* error, std::size_t size, const char* fallback) {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  if (reason != nullptr) {
    set_error(error, size, reason);
  } else if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    set_error(error, size, text);
  } else {
    set_error(error, size, fallback);
  }
}

// What an SSL_connect/SSL_read/SSL_write result `r` means, with the error text when failed.
int classify(SSL* ssl, int r, char* error, std::size_t size) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl, r)) {
    case SSL_ERROR_WANT_READ: return EECALL_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return EECALL_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return EECALL_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_last_error() == 0) {
        if (saved_errno == 0 || saved_errno == ECONNRESET || saved_errno == EPIPE) return EECALL_TLS_CLOSED;
        set_error(error, size, std::strerror(saved_errno));
        return EECALL_TLS_FAILED;
      }
      break;
    case SSL_ERROR_SSL:
      // OpenSSL 3 reports a peer that closed without close_notify this way.
      if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        return EECALL_TLS_CLOSED;
      }
      break;
    default: break;
  }
  describe_openssl_error(error, size, "TLS error");
  return EECALL_TLS_FAILED;
}

void free_session(eecall_tls_session* session) {
  if (session == nullptr) return;
  SSL_free(session->ssl);
  SSL_CTX_free(session->context);
  std::free(session);
}

eecall_tls_session* open_session(int fd, const char* host, int host_is_ip, const char* ca_file,
                                 char* error, std::size_t size) {
  ERR_clear_error();
  // calloc, not new: the module uses no C++ runtime at all (see CMakeLists.txt).
  auto* session = static_cast<eecall_tls_session*>(std::calloc(1, sizeof(eecall_tls_session)));
  if (session == nullptr) {
    set_error(error, size, "out of memory");
    return nullptr;
  }
  const auto failed = [&](const char* what) {
    char reason[256];
    describe_openssl_error(reason, sizeof reason, "unknown error");
    char text[768];
    std::snprintf(text, sizeof text, "%.500s: %.255s", what, reason);
    set_error(error, size, text);
    free_session(session);
    return nullptr;
  };
  session->context = SSL_CTX_new(TLS_client_method());
  if (session->context == nullptr) return failed("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(session->context, TLS1_2_VERSION);
  SSL_CTX_set_mode(session->context, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (ca_file == nullptr || ca_file[0] == '\0') {
    if (SSL_CTX_set_default_verify_paths(session->context) != 1) {
      return failed("cannot load the system's trusted certificates");
    }
  } else if (SSL_CTX_load_verify_locations(session->context, ca_file, nullptr) != 1) {
    char what[512];
    std::snprintf(what, sizeof what, "cannot load CA file '%.400s'", ca_file);
    return failed(what);
  }
  SSL_CTX_set_verify(session->context, SSL_VERIFY_PEER, nullptr);
  session->ssl = SSL_new(session->context);
  if (session->ssl == nullptr) return failed("cannot create a TLS session");
  // OpenSSL checks the name during chain verification, so a mismatch is reported as
  // "hostname mismatch" / "IP address mismatch" by X509_verify_cert_error_string().
  const int named = host_is_ip != 0 ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session->ssl), host)
                                    : SSL_set1_host(session->ssl, host);
  if (named != 1) {
    char what[512];
    std::snprintf(what, sizeof what, "cannot set the expected peer name '%.300s'", host);
    set_error(error, size, what);
    free_session(session);
    return nullptr;
  }
  if (host_is_ip == 0) {
    SSL_set_hostflags(session->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set_tlsext_host_name(session->ssl, host);  // SNI: only for names (RFC 6066)
  }
  if (SSL_set_fd(session->ssl, fd) != 1) return failed("cannot attach the socket");
  SSL_set_connect_state(session->ssl);
  return session;
}

int handshake(eecall_tls_session* session, char* error, std::size_t size) {
  const SigpipeBlocked guard;
  ERR_clear_error();
  errno = 0;
  const int r = SSL_connect(session->ssl);
  if (r == 1) return EECALL_TLS_OK;
  const int status = classify(session->ssl, r, error, size);
  if (status == EECALL_TLS_WANT_READ || status == EECALL_TLS_WANT_WRITE) return status;
  const long verify = SSL_get_verify_result(session->ssl);
  if (verify != X509_V_OK) {
    set_error(error, size, X509_verify_cert_error_string(verify));
    return EECALL_TLS_REJECTED;
  }
  return status;
}

int read_some(eecall_tls_session* session, void* data, std::size_t size, std::size_t* got,
              char* error, std::size_t error_size) {
  *got = 0;
  if (size == 0) return EECALL_TLS_OK;
  const SigpipeBlocked guard;
  ERR_clear_error();
  errno = 0;
  const int r = SSL_read(session->ssl, data, size > 65536 ? 65536 : static_cast<int>(size));
  if (r > 0) {
    *got = static_cast<std::size_t>(r);
    return EECALL_TLS_OK;
  }
  return classify(session->ssl, r, error, error_size);
}

int write_all(eecall_tls_session* session, const void* data, std::size_t size, char* error,
              std::size_t error_size) {
  if (size == 0) return EECALL_TLS_OK;
  if (size > 1024 * 1024) {
    set_error(error, error_size, "message too large");
    return EECALL_TLS_FAILED;
  }
  const SigpipeBlocked guard;
  ERR_clear_error();
  errno = 0;
  // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write sends everything or nothing yet.
  const int r = SSL_write(session->ssl, data, static_cast<int>(size));
  if (r > 0) return EECALL_TLS_OK;
  return classify(session->ssl, r, error, error_size);
}

const eecall_tls_api api = {
    EECALL_TLS_ABI_VERSION, open_session, handshake, read_some, write_all, free_session,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const eecall_tls_api* eecall_tls_module() {
  return &api;
}
