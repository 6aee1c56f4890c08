// An alert job's offer to the call-in (jobs/ack_offer.hpp): the directory and its modes, the
// cancel descriptor that wakes on the call-in's ack or on SIGTERM's pipe, what an ack may hold,
// and stale offers swept.
#include "eecall/jobs/ack_offer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* job_id = "0123456789abcdef0123456789abcdef";

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

OfferedAlert this_alert() {
  return {job_id, "Fuite d'eau", std::chrono::system_clock::now(), current_process()};
}

class AckOfferTest : public ::testing::Test {
 protected:
  test::ScratchDir scratch{"ack-offer"};
  std::string state = scratch.path();
  std::string offer_dir = state + "/alerts/" + job_id;
};

TEST_F(AckOfferTest, PublishedWhileTheObjectLivesWithSharedModes) {
  {
    auto offer = AckOffer::publish(state, state, this_alert());
    ASSERT_TRUE(offer) << offer.failure().message;
    EXPECT_EQ(mode_of(state + "/alerts"), 02770u);
    EXPECT_EQ(mode_of(offer_dir), 02770u);
    EXPECT_EQ(mode_of(offer_dir + "/alert.json"), 0640u);
    const auto alerts = running_alerts(state);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].job_id, job_id);
    EXPECT_EQ(alerts[0].text, "Fuite d'eau");
    EXPECT_FALSE(readable(offer.value().cancel_fd()));
  }
  EXPECT_FALSE(fs::exists(offer_dir));
  EXPECT_TRUE(running_alerts(state).empty());
}

TEST_F(AckOfferTest, TheAckWakesTheCancelDescriptorAndNamesTheCaller) {
  auto offer = AckOffer::publish(state, state, this_alert());
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer.value().acknowledged_by(), std::nullopt);
  ASSERT_EQ(write_ack(state, job_id, "0612345678"), std::nullopt);
  EXPECT_TRUE(readable(offer.value().cancel_fd()));
  EXPECT_EQ(offer.value().acknowledged_by(), "0612345678");
  EXPECT_FALSE(wait_offer_gone(state, job_id, 100ms));
}

TEST_F(AckOfferTest, SigtermsPipeWakesItToo) {
  auto offer = AckOffer::publish(state, state, this_alert());
  ASSERT_TRUE(offer);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK), 0);
  ASSERT_EQ(offer.value().watch(pipe_fds[0]), std::nullopt);
  EXPECT_FALSE(readable(offer.value().cancel_fd()));
  ASSERT_EQ(::write(pipe_fds[1], "x", 1), 1);
  EXPECT_TRUE(readable(offer.value().cancel_fd()));
  EXPECT_EQ(offer.value().acknowledged_by(), std::nullopt) << "a cancel is not an acknowledgement";
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_F(AckOfferTest, AnAckIsAPhoneNumberOrNothing) {
  auto offer = AckOffer::publish(state, state, this_alert());
  ASSERT_TRUE(offer);
  EXPECT_NE(write_ack(state, job_id, "06 12"), std::nullopt);
  EXPECT_NE(write_ack(state, job_id, ""), std::nullopt);
  EXPECT_NE(write_ack(state, "../../etc", "0612345678"), std::nullopt);
  std::ofstream(offer_dir + "/ack") << "rm -rf /\n";
  EXPECT_EQ(offer.value().acknowledged_by(), std::nullopt);
}

TEST_F(AckOfferTest, NoOfferNoAck) {
  EXPECT_NE(write_ack(state, job_id, "0612345678"), std::nullopt) << "the job ended: nowhere to write";
  EXPECT_TRUE(wait_offer_gone(state, job_id, 100ms));
}

TEST_F(AckOfferTest, AnOfferWhoseProcessIsGoneIsSwept) {
  fs::create_directories(offer_dir);
  std::ofstream(offer_dir + "/alert.json")
      << R"({"job":")" << job_id << R"(","text":"x","started":0,"pid":999999999,"pid_start":1})";
  EXPECT_TRUE(running_alerts(state).empty());
  EXPECT_FALSE(fs::exists(offer_dir));
}

}  // namespace
}  // namespace eecall
