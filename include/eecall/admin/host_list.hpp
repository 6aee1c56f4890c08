// allow_hosts: which PBX an old-style URL (or --ip) may name, so that whoever can reach eecall
// cannot make it connect anywhere the web server can. Checked before any DNS query.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/util/result.hpp"

namespace eecall {

/// A host name as allow_hosts and the anti-flood compare it: lower case, without the trailing
/// dot of a fully qualified name (pbx.lan. is pbx.lan).
std::string host_name_key(std::string_view name);

class HostList {
 public:
  /// Entries separated by commas and/or blanks, each a host name, an IP address or a CIDR range
  /// (IPv4 or IPv6): `127.0.0.1, ::1, pbx.lan, 192.168.0.0/16`. Empty text: an empty list.
  /// Failure: invalid_parameter naming the entry.
  static Result<HostList> parse(std::string_view text);

  /// True when no entry was given (then every host is allowed: the check is not made).
  [[nodiscard]] bool empty() const noexcept { return ranges_.empty() && names_.empty(); }

  /// `host` as a Request holds it (an IP literal without brackets, or a host name). An address
  /// matches the addresses and ranges (an IPv4-mapped IPv6 address as its IPv4 address); a name
  /// matches only a listed name, compared case-insensitively and never resolved.
  [[nodiscard]] bool allows(std::string_view host) const;

 private:
  struct Range {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 0;  // leading bits that must be equal
  };
  std::vector<Range> ranges_;
  std::vector<std::string> names_;  // lower case, without a trailing dot
};

}  // namespace eecall
