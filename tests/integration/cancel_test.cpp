// The AMI core's cancel (ClientSettings::cancel_fd) and progress reports (on_progress), in-process
// against the simulator: a cancel ends the wait for the call's events, the plan hangs the call
// up by its ChannelId, rings no further phone and logs off.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "eecall/ami/client.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

using namespace std::chrono_literals;

class Pipe {
 public:
  Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  [[nodiscard]] int read_end() const { return fds_[0]; }
  void signal() const { EXPECT_EQ(::write(fds_[1], "x", 1), 1); }

 private:
  int fds_[2] = {-1, -1};
};

std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    found.push_back((*it)[1].str());
  }
  return found;
}

Request alert_to(std::uint16_t port, std::vector<std::string> phones) {
  Request r = call_to("127.0.0.1", port);
  r.action = ActionKind::alert;
  r.to.clear();
  r.phones = std::move(phones);
  r.alert.kind = PromptKind::play;
  r.alert.prompt = "custom/alarme";
  r.alert.ack = '1';
  r.wait = 60s;
  return r;
}

TEST(Cancel, AWaitedForCallIsHungUpByItsChannelIdThenTheSessionLogsOff) {
  Simulator sim({"--originate-outcome", "none"});
  Pipe cancel;
  ami::ClientSettings settings;
  settings.cancel_fd = cancel.read_end();
  std::vector<ami::Progress> seen;
  settings.on_progress = [&](const ami::Progress& p) {
    seen.push_back(p);
    if (p.step == ami::Progress::Step::ringing) cancel.signal();  // the cancel comes while it rings
  };
  auto request = call_to("127.0.0.1", sim.port());
  request.wait = 60s;
  const auto outcome = ami::Client(settings).run(request);
  EXPECT_EQ(outcome.error, ErrorCode::cancelled) << outcome.message;
  EXPECT_LT(outcome.elapsed, 3s);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].phone, "100");
  const auto received = sim.received();
  EXPECT_EQ(all(received, "ChannelId: ([^\r\n]+)"), std::vector<std::string>{seen[0].channel_id});
  EXPECT_EQ(all(received, "Action: Hangup\r\nChannel: ([^\r\n]+)"), std::vector<std::string>{seen[0].channel_id});
  EXPECT_NE(received.find("Action: Logoff"), std::string::npos);
}

TEST(Cancel, BeforeTheActionNothingIsSent) {
  Simulator sim;
  Pipe cancel;
  cancel.signal();
  ami::ClientSettings settings;
  settings.cancel_fd = cancel.read_end();
  const auto outcome = ami::Client(settings).run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::cancelled);
  EXPECT_EQ(sim.received().find("Action: Originate"), std::string::npos);
}

TEST(Cancel, AnAnsweredAlertIsHungUpAndNoFurtherPhoneIsRung) {
  Simulator sim;  // answers, and the simulated call never ends
  Pipe cancel;
  ami::ClientSettings settings;
  settings.cancel_fd = cancel.read_end();
  std::vector<std::pair<ami::Progress::Step, std::string>> seen;
  std::optional<AttemptOutcome> ended_as;
  settings.on_progress = [&](const ami::Progress& p) {
    seen.emplace_back(p.step, p.phone);
    if (p.step == ami::Progress::Step::answered) cancel.signal();
    if (p.step == ami::Progress::Step::attempt_ended) ended_as = p.outcome;
  };
  const auto outcome = ami::Client(settings).run(alert_to(sim.port(), {"100", "101"}));
  EXPECT_EQ(outcome.error, ErrorCode::cancelled) << outcome.message;
  ASSERT_EQ(outcome.attempts.size(), 1u);
  EXPECT_EQ(outcome.attempts[0].outcome, AttemptOutcome::cancelled);
  using Step = ami::Progress::Step;
  const std::vector<std::pair<Step, std::string>> expected = {
      {Step::ringing, "100"}, {Step::answered, "100"}, {Step::attempt_ended, "100"}};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(ended_as, AttemptOutcome::cancelled);
  const auto received = sim.received();
  const auto ids = all(received, "ChannelId: ([^\r\n]+)");
  ASSERT_EQ(ids.size(), 1u) << "101 was rung after the cancel";
  EXPECT_EQ(all(received, "Action: Hangup\r\nChannel: ([^\r\n]+)"), ids);
}

TEST(Progress, AWaitedForCallReportsRingingThenAnswered) {
  Simulator sim;
  ami::ClientSettings settings;
  std::vector<ami::Progress::Step> seen;
  settings.on_progress = [&](const ami::Progress& p) { seen.push_back(p.step); };
  auto request = call_to("127.0.0.1", sim.port());
  request.wait = 5s;
  EXPECT_TRUE(ami::Client(settings).run(request).ok());
  EXPECT_EQ(seen, (std::vector<ami::Progress::Step>{ami::Progress::Step::ringing, ami::Progress::Step::answered}));
}

}  // namespace
}  // namespace eecall::test
