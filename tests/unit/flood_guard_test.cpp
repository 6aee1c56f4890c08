// What the anti-flood counts per (flood_key) and what it compares (request_digest).
#include <gtest/gtest.h>

#include "eecall/guard/flood_guard.hpp"

namespace eecall {
namespace {

Request call(std::string host, std::uint16_t port = 5038) {
  Request r;
  r.action = ActionKind::call;
  r.host = std::move(host);
  r.port = port;
  r.from = "100";
  r.to = "291";
  return r;
}

TEST(FloodKey, AProfileIsCountedByItsName) { EXPECT_EQ(flood_key("home", call("10.0.0.1")), "profile home"); }

TEST(FloodKey, UrlCredentialsAreCountedPerPbxHostAndPort) {
  EXPECT_EQ(flood_key("", call("PBX.lan")), "host pbx.lan:5038");
  EXPECT_EQ(flood_key("", call("pbx.lan.")), "host pbx.lan:5038") << "the same host as allow_hosts sees it";
  EXPECT_EQ(flood_key("", call("::1", 5039)), "host [::1]:5039");
  EXPECT_NE(flood_key("", call("pbx.lan", 5039)), flood_key("", call("pbx.lan")));
}

TEST(RequestDigest, TheSameRequestTheSameDigestAnotherTextAnother) {
  auto a = call("pbx");
  a.action = ActionKind::alert;
  a.alert.kind = PromptKind::say;
  a.alert.text = "Fuite d'eau";
  auto b = a;
  EXPECT_EQ(request_digest("k", a), request_digest("k", b));
  b.alert.text = "Fuite de gaz";
  EXPECT_NE(request_digest("k", a), request_digest("k", b));
  EXPECT_NE(request_digest("k", a), request_digest("other", a));
  // Fields are length-prefixed: moving a character from one to the next is another request.
  auto c = call("pbx");
  c.from = "10";
  c.to = "0291";
  EXPECT_NE(request_digest("k", call("pbx")), request_digest("k", c));
  EXPECT_EQ(request_digest("k", a).find("Fuite"), std::string::npos) << "never the text itself";
}

}  // namespace
}  // namespace eecall
