// The admin's URL templates (notify_url): their checks, their expansion with percent-encoded
// values, and their redaction for logs. Plain text work: no network, no job.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall {

/// Checks a notify_url template: http:// or https://, a host, at most 2000 printable ASCII
/// characters without blanks, placeholders only among the known ones and only after the host.
/// Failure: invalid_parameter (the settings make it a config_error naming where).
Result<std::string> check_notify_template(std::string_view url_template);

/// The template with every `{name}` replaced by value_of(name), percent-encoded (RFC 3986).
std::string expand_url_template(std::string_view url_template,
                                const std::function<std::string(std::string_view)>& value_of);

/// The URL as logs and state files may show it: the values of query parameters whose names look
/// like secrets (secret, password, pass, pwd, token, key, auth, sig, credential) and a password
/// in the authority replaced by ***.
std::string redact_url(std::string_view url);

}  // namespace eecall
