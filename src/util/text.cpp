#include "eecall/util/text.hpp"

// Nettle, linked statically: hashing a few bytes must not cost a library load and
// OpenSSL 3 initialisation on every CGI start (docs/performance.md).
#include <nettle/base64.h>
#include <nettle/md5.h>
#include <nettle/sha2.h>

#include <array>
#include <cstdint>
#include <memory>

namespace eecall::text {

bool is_valid_utf8(std::string_view bytes) noexcept {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;  // continuation byte first, C0/C1 overlong lead, or > U+10FFFF lead
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += len;
  }
  return true;
}

namespace {

// Windows-1252 0x80..0x9F; 0 where the code page leaves the byte undefined.
constexpr std::array<std::uint16_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0u | (cp >> 6)));
    out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
  } else {
    out.push_back(static_cast<char>(0xE0u | (cp >> 12)));
    out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
    out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
  }
}

}  // namespace

std::optional<std::string> to_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    std::uint32_t cp = c;
    if (c >= 0x80 && c <= 0x9F) {
      cp = cp1252_high[c - 0x80u];
      if (cp == 0) return std::nullopt;
    }
    append_utf8(out, cp);
  }
  return out;
}

bool is_dial_token(std::string_view value) noexcept {
  if (value.empty() || value.size() > 64) return false;
  for (const char c : value) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    c == '*' || c == '#' || c == '+' || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_host_name(std::string_view value) noexcept {
  if (value.empty() || value.size() > 253) return false;
  if (value.back() == '.') value.remove_suffix(1);  // fully qualified form
  std::size_t label = 0;
  bool numeric_label = true;
  char prev = '.';
  for (const char c : value) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
      numeric_label = true;
    } else {
      if (c < '0' || c > '9') numeric_label = false;
      const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      if (!alnum && c != '-') return false;
      if (c == '-' && label == 0) return false;
      if (++label > 63) return false;
    }
    prev = c;
  }
  // RFC 1123 2.1: the top label is never all-numeric, so `1.2.3.4`-like strings that are not
  // valid IPv4 (`256.1.1.1`, octal-looking `010`) are refused rather than resolved.
  return label > 0 && prev != '-' && !numeric_label;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(bytes.size()), '\0');
  base64_encode_raw(out.data(), bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  return out;
}

namespace {

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(N * 2u);
  for (const auto byte : digest) {
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 0x0F]);
  }
  return out;
}

}  // namespace

std::string md5_hex(std::string_view bytes) {
  md5_ctx context{};
  md5_init(&context);
  md5_update(&context, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  std::array<std::uint8_t, MD5_DIGEST_SIZE> digest{};
  md5_digest(&context, digest.size(), digest.data());
  return to_hex(digest);
}

std::string sha256_hex(std::string_view bytes) {
  sha256_ctx context{};
  sha256_init(&context);
  sha256_update(&context, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
  sha256_digest(&context, digest.size(), digest.data());
  return to_hex(digest);
}

std::optional<std::string_view> originate_blacklisted_word(std::string_view data) noexcept {
  for (const std::string_view word : {"CURL", "DB", "EVAL", "FILE", "ODBC", "REALTIME", "SHELL"}) {
    if (data.find(word) != std::string_view::npos) return word;
  }
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace eecall::text
