// allow_hosts: which PBX a URL may name — addresses, CIDR ranges (IPv4 and IPv6) and names,
// compared without any DNS.
#include <gtest/gtest.h>

#include "eecall/admin/host_list.hpp"

namespace eecall {
namespace {

HostList list(const std::string& text) {
  auto parsed = HostList::parse(text);
  if (!parsed) {
    ADD_FAILURE() << text << ": " << parsed.failure().message;
    return {};
  }
  return parsed.value();
}

TEST(HostList, EmptyTextIsAnEmptyList) {
  EXPECT_TRUE(list("").empty());
  EXPECT_TRUE(list(" , \t").empty());
  EXPECT_FALSE(list("127.0.0.1").empty());
}

TEST(HostList, AddressesMatchThemselvesOnly) {
  const auto l = list("127.0.0.1, ::1");
  EXPECT_TRUE(l.allows("127.0.0.1"));
  EXPECT_TRUE(l.allows("::1"));
  EXPECT_FALSE(l.allows("127.0.0.2"));
  EXPECT_FALSE(l.allows("192.168.0.10"));
  EXPECT_FALSE(l.allows("::2"));
}

TEST(HostList, Ipv4Ranges) {
  const auto l = list("192.168.0.0/16 10.1.2.128/25");
  EXPECT_TRUE(l.allows("192.168.0.10"));
  EXPECT_TRUE(l.allows("192.168.255.255"));
  EXPECT_FALSE(l.allows("192.169.0.1"));
  EXPECT_TRUE(l.allows("10.1.2.128"));
  EXPECT_TRUE(l.allows("10.1.2.255"));
  EXPECT_FALSE(l.allows("10.1.2.127"));
  EXPECT_TRUE(list("0.0.0.0/0").allows("203.0.113.7"));
}

TEST(HostList, Ipv6Ranges) {
  const auto l = list("fd00:1234::/32,2001:db8::1/128");
  EXPECT_TRUE(l.allows("fd00:1234:5::9"));
  EXPECT_FALSE(l.allows("fd00:1235::9"));
  EXPECT_TRUE(l.allows("2001:db8::1"));
  EXPECT_FALSE(l.allows("2001:db8::2"));
  EXPECT_FALSE(l.allows("192.168.0.1")) << "an IPv6 range never holds an IPv4 address";
}

TEST(HostList, Ipv4MappedAddressesAreJudgedAsIpv4) {
  const auto l = list("127.0.0.1");
  EXPECT_TRUE(l.allows("::ffff:127.0.0.1"));
  EXPECT_FALSE(l.allows("::ffff:10.0.0.1"));
  EXPECT_TRUE(list("::ffff:10.0.0.0/104").allows("10.200.0.1"));
  EXPECT_FALSE(list("::ffff:10.0.0.0/104").allows("11.0.0.1"));
}

TEST(HostList, NamesMatchOnlyNamesCaseInsensitivelyWithoutResolving) {
  const auto l = list("pbx.lan, localhost");
  EXPECT_TRUE(l.allows("pbx.lan"));
  EXPECT_TRUE(l.allows("PBX.Lan"));
  EXPECT_TRUE(l.allows("pbx.lan."));
  EXPECT_TRUE(l.allows("localhost"));
  EXPECT_FALSE(l.allows("127.0.0.1")) << "localhost listed is not its address";
  EXPECT_FALSE(l.allows("pbx.lan.evil.example"));
  EXPECT_FALSE(l.allows("evil-pbx.lan"));
  EXPECT_FALSE(list("127.0.0.1, 10.0.0.0/8").allows("localhost")) << "a name never matches an address";
}

TEST(HostList, ZoneOfALinkLocalAddressIsNotPartOfIt) {
  EXPECT_TRUE(list("fe80::/10").allows("fe80::1%eth0"));
}

TEST(HostList, BadEntriesAreNamed) {
  for (const char* bad : {"192.168.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "pbx/24", "10.0.0.0/8/8",
                          "under_score.lan", "300.1.1.1", "fe80::1%eth0/64", "a..b"}) {
    auto parsed = HostList::parse(std::string("127.0.0.1, ") + bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.failure().code, ErrorCode::invalid_parameter);
    EXPECT_NE(parsed.failure().message.find(std::string("'") + bad + "'"), std::string::npos)
        << parsed.failure().message;
  }
}

}  // namespace
}  // namespace eecall
