#include "eecall/admin/host_list.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

#include "eecall/util/text.hpp"

namespace eecall {

namespace {

struct Address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
};

// inet_pton only: dotted quads and RFC 4291 text, never `127.1` or a name, so nothing here can
// cause a lookup. An IPv6 zone (`fe80::1%eth0`) is not part of the address.
std::optional<Address> parse_address(std::string_view text) {
  const std::string s(text.substr(0, text.find('%')));
  Address a;
  if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  a.v6 = true;
  // ::ffff:a.b.c.d is a.b.c.d on the wire: judge it as such.
  const bool mapped = std::all_of(a.bytes.begin(), a.bytes.begin() + 10, [](auto b) { return b == 0; }) &&
                      a.bytes[10] == 0xFF && a.bytes[11] == 0xFF;
  if (mapped) {
    std::copy(a.bytes.begin() + 12, a.bytes.end(), a.bytes.begin());
    std::fill(a.bytes.begin() + 4, a.bytes.end(), std::uint8_t{0});
    a.v6 = false;
  }
  return a;
}

bool in_range(const Address& a, const std::array<std::uint8_t, 16>& bytes, int prefix) {
  const auto whole = static_cast<std::size_t>(prefix / 8);
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + static_cast<std::ptrdiff_t>(whole), bytes.begin())) {
    return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a.bytes[whole] & mask) == (bytes[whole] & mask);
}

Failure bad_entry(std::string_view entry, const char* why) {
  return {ErrorCode::invalid_parameter,
          "allow_hosts: '" + std::string(entry) + "' " + why, "allow_hosts"};
}

}  // namespace

Result<HostList> HostList::parse(std::string_view text) {
  HostList list;
  constexpr std::string_view separators = ", \t";
  while (true) {
    const auto start = text.find_first_not_of(separators);
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto entry = text.substr(0, text.find_first_of(separators));
    text.remove_prefix(entry.size());

    const auto slash = entry.find('/');
    auto address = parse_address(entry.substr(0, slash));
    if (slash != std::string_view::npos) {
      if (!address || entry.find('%') != std::string_view::npos) {
        return bad_entry(entry, "is not a CIDR range (address/bits)");
      }
      const auto bits = entry.substr(slash + 1);
      const bool written_v6 = entry.substr(0, slash).find(':') != std::string_view::npos;
      const int max = written_v6 ? 128 : 32;
      int prefix = 0;
      const bool digits = !bits.empty() && bits.size() <= 3 &&
                          std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; });
      for (const char c : digits ? bits : std::string_view{}) prefix = prefix * 10 + (c - '0');
      if (!digits || prefix > max) return bad_entry(entry, "has a prefix length out of range");
      // An IPv4-mapped range was given in IPv6 bits: count them over the IPv4 part.
      if (written_v6 && !address->v6) prefix = std::max(0, prefix - 96);
      list.ranges_.push_back({address->v6, address->bytes, prefix});
    } else if (address) {
      list.ranges_.push_back({address->v6, address->bytes, address->v6 ? 128 : 32});
    } else if (text::is_host_name(entry)) {
      list.names_.push_back(host_name_key(entry));
    } else {
      return bad_entry(entry, "is not a host name, an IP address or a CIDR range");
    }
  }
  return list;
}

bool HostList::allows(std::string_view host) const {
  if (const auto address = parse_address(host)) {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& r) {
      return r.v6 == address->v6 && in_range(*address, r.bytes, r.prefix);
    });
  }
  const auto key = host_name_key(host);
  return std::find(names_.begin(), names_.end(), key) != names_.end();
}

std::string host_name_key(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // the same name, fully qualified
  std::string out(name);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace eecall
