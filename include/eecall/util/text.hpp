// Small text helpers: character-set conversion and syntax checks used by validation.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eecall::text {

/// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

/// `bytes` as UTF-8: kept when already valid UTF-8, else read as Windows-1252 (a superset
/// of Latin-1 for printable text) and converted. nullopt when neither reading works.
std::optional<std::string> to_utf8(std::string_view bytes);

/// True when every byte is in [0-9A-Za-z*#+_.-] and the length is 1..64.
bool is_dial_token(std::string_view value) noexcept;

/// True for an RFC 1123 host name (labels of [A-Za-z0-9-], <= 63 each, <= 253 in all).
bool is_host_name(std::string_view value) noexcept;

/// Standard base64 with padding (Nettle), no line breaks.
std::string base64_encode(std::string_view bytes);

/// Lower-case hex MD5 of `bytes` (Nettle), as Asterisk's MD5 login expects.
std::string md5_hex(std::string_view bytes);

/// Lower-case hex SHA-256 of `bytes` (Nettle).
std::string sha256_hex(std::string_view bytes);

/// The first of the words Asterisk refuses in an Originate's Data from an AMI user without
/// the system class (CURL, DB, EVAL, FILE, ODBC, REALTIME, SHELL, case-sensitive: manager.c
/// originate_app_permissions, transcript h10) that `data` holds; nullopt when none.
std::optional<std::string_view> originate_blacklisted_word(std::string_view data) noexcept;

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace eecall::text
