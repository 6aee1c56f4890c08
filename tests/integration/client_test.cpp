// The AMI client core in-process against the simulator: the resolve step (with an injected
// resolver, so no test ever sends a DNS query off the machine) and deadlines.
#include <gtest/gtest.h>

#include "eecall/ami/client.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

TEST(ClientResolve, HostNameThatDoesNotResolveIsResolveFailed) {
  ami::Client client({}, ami::random_action_ids(), [](const std::string& host, std::chrono::milliseconds) {
    return Result<std::vector<std::string>>(Failure{ErrorCode::resolve_failed, "cannot resolve '" + host + "'", "resolve"});
  });
  const auto outcome = client.run(call_to("pbx.invalid", 5038));
  EXPECT_EQ(outcome.error, ErrorCode::resolve_failed);
  EXPECT_EQ(outcome.subject, "resolve");
}

TEST(ClientResolve, HostNameIsResolvedThenConnected) {
  Simulator sim;
  std::string asked;
  ami::Client client({}, ami::random_action_ids(), [&](const std::string& host, std::chrono::milliseconds) {
    asked = host;
    return Result<std::vector<std::string>>(std::vector<std::string>{"127.0.0.1"});
  });
  const auto outcome = client.run(call_to("pbx.example", sim.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(asked, "pbx.example");
}

TEST(ClientResolve, LiteralAddressesAreNeverLookedUp) {
  Simulator sim;
  bool asked = false;
  ami::Client client({}, ami::random_action_ids(), [&](const std::string&, std::chrono::milliseconds) {
    asked = true;
    return Result<std::vector<std::string>>(Failure{ErrorCode::resolve_failed, "no", "resolve"});
  });
  EXPECT_TRUE(client.run(call_to("127.0.0.1", sim.port())).ok());
  EXPECT_FALSE(asked);
}

TEST(ClientResolve, SystemResolverGivesLocalhostWithoutTheNetwork) {
  // "localhost" comes from /etc/hosts: no query leaves the machine.
  auto addresses = ami::system_resolver()("localhost", std::chrono::seconds(5));
  ASSERT_TRUE(addresses.ok()) << addresses.failure().message;
  EXPECT_FALSE(addresses.value().empty());
}

TEST(ClientDeadline, TotalDeadlineBoundsAServerThatNeverAnswers) {
  Simulator silent({"--fault", "stall-action"});
  ami::ClientSettings settings;
  settings.total_timeout = std::chrono::milliseconds(700);
  const auto outcome = ami::Client(settings).run(call_to("127.0.0.1", silent.port()));
  EXPECT_EQ(outcome.error, ErrorCode::timeout);
  EXPECT_EQ(outcome.subject, "action");
  EXPECT_LT(outcome.elapsed, std::chrono::seconds(3));
}

TEST(ClientDeadline, UniqueActionIdsPerSession) {
  auto ids = ami::random_action_ids();
  const auto a = ids("login");
  const auto b = ids("action");
  EXPECT_NE(a, b);
  EXPECT_LE(a.size(), 64u);
  EXPECT_NE(ami::random_action_ids()("login"), a) << "two processes must not share ActionIDs";
}

}  // namespace
}  // namespace eecall::test
