// The CGI front end (RFC 3875): environment + stdin in, `Status:` + `Content-Type:` + body out.
#pragma once

#include <iosfwd>

#include "eecall/checkup/check.hpp"
#include "eecall/admin/environment.hpp"
#include "eecall/action/handle.hpp"

namespace eecall {

/// True when a web server started us (GATEWAY_INTERFACE is set).
bool is_cgi(const Environment& env);

/// The methods that act, as the `Allow` header of a 405 answer lists them.
inline constexpr const char* allowed_methods = "GET, POST";

/// Handles one CGI request. Always writes a complete answer; returns 0. Any method but GET and
/// POST is answered 405 method_not_allowed (headers only for HEAD) before the configuration is
/// read; a rate-limited request gets a Retry-After header. check=1 (the report of check.hpp)
/// is answered only when the configuration sets a token and the request gives it (403 else).
int run_cgi(const Environment& env, std::istream& in, std::ostream& out,
            const Executor& executor = network_executor(), const Prober& prober = network_prober());

/// Largest POST body read; a longer one is refused with 400 (nothing legitimate is larger).
inline constexpr std::size_t max_post_bytes = 16 * 1024;

}  // namespace eecall
