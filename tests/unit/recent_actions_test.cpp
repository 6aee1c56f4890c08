// What the anti-flood remembers and decides (max_actions_per_minute, repeat_window), with the
// clock given: the limit per key, Retry-After, the once-a-minute warning, duplicates, and a
// state that stays bounded and parses back.
#include <gtest/gtest.h>

#include "eecall/guard/recent_actions.hpp"

namespace eecall {
namespace {

using Verdict = Admission::Verdict;
using namespace std::chrono_literals;

constexpr UnixMillis t0 = 1'700'000'000'000;  // some time in 2023

FloodLimits limits(int per_minute, std::chrono::seconds window = 0s) {
  FloodLimits l;
  l.max_actions_per_minute = per_minute;
  l.repeat_window = window;
  return l;
}

TEST(RecentActions, TheLimitCountsActionsOfTheLastMinutePerKey) {
  RecentActions state;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(admit(state, "profile home", "d" + std::to_string(i), limits(3), t0 + i * 1000).verdict,
              Verdict::act);
  }
  const auto fourth = admit(state, "profile home", "d3", limits(3), t0 + 5000);
  EXPECT_EQ(fourth.verdict, Verdict::limited);
  EXPECT_EQ(fourth.retry_at, t0 + 60'000) << "when the first one leaves the minute";
  EXPECT_EQ(admit(state, "profile office", "d3", limits(3), t0 + 5000).verdict, Verdict::act)
      << "another profile has its own count";
  EXPECT_EQ(admit(state, "profile home", "d4", limits(3), t0 + 59'999).verdict, Verdict::limited);
  EXPECT_EQ(admit(state, "profile home", "d5", limits(3), t0 + 60'000).verdict, Verdict::act);
  EXPECT_EQ(admit(state, "profile home", "d6", limits(3), t0 + 60'001).verdict, Verdict::limited)
      << "refused requests do not count, the ones that acted do";
}

TEST(RecentActions, ZeroMeansNoLimit) {
  RecentActions state;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(admit(state, "profile home", "d", limits(0), t0 + i).verdict, Verdict::act) << i;
  }
}

TEST(RecentActions, ALowerLimitWaitsForEnoughActionsToAgeOut) {
  RecentActions state;
  for (int i = 0; i < 5; ++i) admit(state, "k", "d", limits(5), t0 + i * 1000);
  const auto limited = admit(state, "k", "d", limits(2), t0 + 10'000);
  EXPECT_EQ(limited.verdict, Verdict::limited);
  EXPECT_EQ(limited.retry_at, t0 + 3000 + 60'000) << "4 of the 5 must be gone for a 2nd one";
}

TEST(RecentActions, TheWarningIsDueOnceAMinutePerKey) {
  RecentActions state;
  admit(state, "k", "d", limits(1), t0);
  EXPECT_TRUE(admit(state, "k", "d", limits(1), t0 + 1000).warn);
  EXPECT_FALSE(admit(state, "k", "d", limits(1), t0 + 2000).warn);
  EXPECT_FALSE(admit(state, "k", "d", limits(1), t0 + 59'000).warn);
  admit(state, "k", "d", limits(1), t0 + 60'500);  // acts: the first one aged out
  EXPECT_TRUE(admit(state, "k", "d", limits(1), t0 + 61'500).warn);
}

TEST(RecentActions, TheSameRequestWithinTheWindowIsADuplicateAndDoesNotCount) {
  RecentActions state;
  EXPECT_EQ(admit(state, "k", "same", limits(2, 30s), t0).verdict, Verdict::act);
  const auto again = admit(state, "k", "same", limits(2, 30s), t0 + 29'999);
  EXPECT_EQ(again.verdict, Verdict::duplicate);
  EXPECT_EQ(again.first_made, t0);
  EXPECT_EQ(admit(state, "k", "other", limits(2, 30s), t0 + 1000).verdict, Verdict::act);
  EXPECT_EQ(admit(state, "k", "same", limits(2, 30s), t0 + 2000).verdict, Verdict::duplicate)
      << "a duplicate is answered even at the limit: it was done already";
  EXPECT_EQ(admit(state, "k", "same", limits(0, 30s), t0 + 30'000).verdict, Verdict::act)
      << "after the window it acts again";
}

TEST(RecentActions, WithoutAWindowNothingIsADuplicate) {
  RecentActions state;
  EXPECT_EQ(admit(state, "k", "same", limits(0), t0).verdict, Verdict::act);
  EXPECT_EQ(admit(state, "k", "same", limits(0), t0 + 1).verdict, Verdict::act);
  EXPECT_TRUE(state.keys["k"].requests.empty()) << "no digest is kept when the window is off";
}

TEST(RecentActions, AForgottenRequestActsAgain) {
  RecentActions state;
  admit(state, "k", "same", limits(0, 60s), t0);
  forget_request(state, "k", "same");
  EXPECT_EQ(admit(state, "k", "same", limits(0, 60s), t0 + 1000).verdict, Verdict::act);
}

TEST(RecentActions, ARequestThatNeverRanGivesItsActionBack) {
  RecentActions state;
  EXPECT_EQ(admit(state, "k", "a", limits(2), t0).verdict, Verdict::act);
  EXPECT_EQ(admit(state, "k", "b", limits(2), t0 + 1).verdict, Verdict::act);
  forget_request(state, "k", "", t0 + 1);
  EXPECT_EQ(state.keys["k"].actions, std::vector<UnixMillis>{t0}) << "only the action of that time is taken back";
}

TEST(RecentActions, TimesInTheFutureAreForgottenAfterTheClockWasSetBack) {
  RecentActions state;
  for (int i = 0; i < 3; ++i) admit(state, "k", "d" + std::to_string(i), limits(3, 60s), t0 + 3'600'000);
  EXPECT_EQ(admit(state, "k", "x", limits(3, 60s), t0 + 3'600'001).verdict, Verdict::limited);
  EXPECT_EQ(admit(state, "k", "d0", limits(3, 60s), t0).verdict, Verdict::act);
}

TEST(RecentActions, StaysBoundedInKeysAndRequests) {
  RecentActions state;
  for (int i = 0; i < 500; ++i) {
    admit(state, "host 10.0.0." + std::to_string(i) + ":5038", "d", limits(30, 600s), t0 + i);
    admit(state, "profile home", "digest" + std::to_string(i), limits(0, 600s), t0 + i);
  }
  EXPECT_LE(state.keys.size(), max_history_keys);
  EXPECT_TRUE(state.keys.count("profile home")) << "the key in use is never the one dropped";
  EXPECT_TRUE(state.keys.count("host 10.0.0.499:5038")) << "the newest keys stay";
  EXPECT_FALSE(state.keys.count("host 10.0.0.0:5038"));
  EXPECT_LE(state.keys["profile home"].requests.size(), max_requests_per_key);
  EXPECT_TRUE(state.keys["profile home"].requests.count("digest499"));
  EXPECT_LT(to_json(state).size(), 16u * 1024u);
}

TEST(RecentActions, KeysWithNothingLeftAreDropped) {
  RecentActions state;
  admit(state, "profile old", "d", limits(30), t0);
  admit(state, "profile new", "d", limits(30), t0 + 61'000);
  EXPECT_FALSE(state.keys.count("profile old"));
}

TEST(RecentActions, JsonRoundTrip) {
  RecentActions state;
  admit(state, "profile home", "abc", limits(30, 60s), t0);
  admit(state, "host [::1]:5038", "def", limits(1, 60s), t0 + 1);
  admit(state, "host [::1]:5038", "xyz", limits(1, 60s), t0 + 2);  // limited: warned
  const auto text = to_json(state);
  auto back = parse_recent_actions(text);
  ASSERT_TRUE(back.ok()) << back.failure().message << "\n" << text;
  EXPECT_EQ(to_json(back.value()), text);
  EXPECT_EQ(back.value().keys.at("profile home").actions, std::vector<UnixMillis>{t0});
  EXPECT_EQ(back.value().keys.at("profile home").requests.at("abc"), t0);
  EXPECT_EQ(back.value().keys.at("host [::1]:5038").warned, t0 + 2);
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";
}

TEST(RecentActions, EmptyTextIsAnEmptyMemory) {
  auto parsed = parse_recent_actions("");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed.value().keys.empty());
}

TEST(RecentActions, GarbageIsRefusedNotTrusted) {
  for (const char* garbage :
       {"\x01garbage", "{\"version\":1,\"keys\":{\"k\":{\"actions\":[1,2", "[]", "{}", "{\"version\":2,\"keys\":{}}",
        "{\"version\":\"1\",\"keys\":{}}", "{\"version\":1,\"keys\":[]}", "{\"version\":1,\"keys\":{\"k\":3}}",
        "{\"version\":1,\"keys\":{\"k\":{\"actions\":[\"x\"]}}}", "{\"version\":1,\"keys\":{\"k\":{\"actions\":{}}}}",
        "{\"version\":1,\"keys\":{\"k\":{\"requests\":{\"d\":1.5}}}}", "{\"version\":1,\"keys\":{\"k\":{\"warned\":null}}}"}) {
    const auto parsed = parse_recent_actions(garbage);
    EXPECT_FALSE(parsed.ok()) << garbage;
  }
  EXPECT_FALSE(parse_recent_actions(std::string(max_state_bytes + 1, ' ')).ok());
}

}  // namespace
}  // namespace eecall
