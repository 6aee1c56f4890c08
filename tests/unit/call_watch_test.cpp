// CallWatch against the events a real Asterisk 20 sent (tests/data/h*, recorded with the
// lab's phones): what it concludes about one call from the stream of a whole session.
#include <gtest/gtest.h>

#include "eecall/ami/call_watch.hpp"
#include "eecall/ami/framing.hpp"
#include "support/transcript.hpp"

namespace eecall::test {
namespace {

// A recorded session: what Asterisk sent, as messages, and the ids of its Originate. The
// recordings gave no ChannelId, so the channel's id is the Uniqueid Asterisk chose for the first
// channel of the call: the same role (it is every leg's Linkedid).
struct Recorded {
  std::vector<ami::Message> from_asterisk;
  std::string action_id;
  std::string channel_id;
};

Recorded load(const std::string& file) {
  Recorded r;
  ami::Parser parser;
  const auto connections = load_transcript(file);
  for (const auto& chunk : connections.at(0)) {
    if (chunk.direction == 'C') {
      // The first asynchronous Originate (h6c then tries a synchronous one for comparison).
      if (r.action_id.empty() && header_value(chunk.bytes, "Action") == "Originate" &&
          header_value(chunk.bytes, "Async") == "true") {
        r.action_id = header_value(chunk.bytes, "ActionID");
      }
      continue;
    }
    parser.feed(chunk.bytes);
    for (auto m = parser.next_message(); m.ok() && m.value(); m = parser.next_message()) {
      if (r.channel_id.empty() && m.value()->get_or("Event") == "Newchannel") {
        r.channel_id = std::string(m.value()->get_or("Uniqueid"));
      }
      r.from_asterisk.push_back(std::move(*m.value()));
    }
  }
  return r;
}

ami::CallWatch watch(const Recorded& r, const std::string& channel_id) {
  ami::CallWatch w(r.action_id, channel_id, "ACK");  // the recordings read into ACK
  for (const auto& m : r.from_asterisk) w.feed(m);
  return w;
}

ami::CallWatch watch(const std::string& file) {
  const auto r = load(file);
  EXPECT_FALSE(r.action_id.empty());
  EXPECT_FALSE(r.channel_id.empty());
  return watch(r, r.channel_id);
}

TEST(CallWatch, AnUnknownPhoneHasNoChannelSoNoHangupToWaitFor) {
  const auto r = load("c1_originate_unknown_pjsip_endpoint.txt");
  ASSERT_FALSE(r.action_id.empty());
  const auto w = watch(r, "eecall-c1-never-created");
  EXPECT_TRUE(w.responded());
  EXPECT_EQ(w.reason(), 0);
  EXPECT_FALSE(w.channel_seen());
  EXPECT_FALSE(w.busy_seen());
}

TEST(CallWatch, KeyPressedByRfc2833IsTheReadVariable) {
  const auto w = watch("h3c_read_ack_rfc2833_pjsip_events_call_dtmf_dialplan.txt");
  EXPECT_TRUE(w.answered());
  EXPECT_EQ(w.reason(), 4);
  EXPECT_EQ(w.channel(), "PJSIP/105-0000003f");
  EXPECT_EQ(w.variable("ACK"), "1");
  EXPECT_EQ(w.variable("READSTATUS"), "OK");
  EXPECT_TRUE(w.ended());
  EXPECT_FALSE(w.busy_seen());
}

TEST(CallWatch, KeyPressedBySipInfo) {
  const auto w = watch("h4b_read_ack_info_pjsip_events_call_dtmf_dialplan.txt");
  EXPECT_EQ(w.variable("ACK"), "1");
  EXPECT_EQ(w.variable("READSTATUS"), "OK");
  EXPECT_TRUE(w.ended());
}

TEST(CallWatch, ThroughLocalTheVariablesAreOnTheFirstHalf) {
  const auto w = watch("h3e_read_ack_rfc2833_local_events_call_dtmf_dialplan.txt");
  EXPECT_TRUE(w.answered());
  EXPECT_EQ(w.variable("ACK"), "1");
  EXPECT_TRUE(w.ended());
}

TEST(CallWatch, NobodyPressesIsTimeoutWithAnEmptyKey) {
  const auto w = watch("h5b_read_noack_pjsip_events_call_dtmf_dialplan.txt");
  EXPECT_TRUE(w.answered());
  EXPECT_EQ(w.variable("ACK"), "");
  EXPECT_EQ(w.variable("READSTATUS"), "TIMEOUT");
  EXPECT_TRUE(w.ended());
}

TEST(CallWatch, WithoutTheDialplanClassNoVariableArrives) {
  const auto w = watch("h3b_read_ack_rfc2833_pjsip_events_call_dtmf.txt");
  EXPECT_TRUE(w.answered());
  EXPECT_TRUE(w.ended());
  EXPECT_FALSE(w.any_variable());
  EXPECT_FALSE(w.variable("ACK").has_value());
}

TEST(CallWatch, BusyIsReasonZeroPlusCause17) {
  for (const char* file : {"h6a_originate_app_busy_pjsip.txt", "h6b_originate_app_busy_local.txt",
                           "h6c_originate_exten_busy_pjsip.txt"}) {
    const auto w = watch(file);
    EXPECT_TRUE(w.responded()) << file;
    EXPECT_EQ(w.reason(), 0) << file;
    EXPECT_FALSE(w.answered()) << file;
    EXPECT_TRUE(w.busy_seen()) << file;
    EXPECT_TRUE(w.channel_seen()) << file;
    EXPECT_EQ(w.uniqueid(), "") << file << ": Asterisk said <unknown>";
  }
}

TEST(CallWatch, PlaybackStatus) {
  EXPECT_EQ(watch("h8a_playback_abs_path_wav8k.txt").variable("PLAYBACKSTATUS"), "SUCCESS");
  const auto failed = watch("h8d_playback_abs_path_wav22k.txt");
  EXPECT_TRUE(failed.answered()) << "an unplayable file still shows as an answered call";
  EXPECT_EQ(failed.variable("PLAYBACKSTATUS"), "FAILED");
}

TEST(CallWatch, EventsOfAnotherCallAreIgnored) {
  const auto r = load("h3c_read_ack_rfc2833_pjsip_events_call_dtmf_dialplan.txt");
  const auto w = watch(r, "eecall-someone-else-1");
  EXPECT_TRUE(w.responded()) << "the OriginateResponse is ours by its ActionID";
  EXPECT_FALSE(w.ended());
  EXPECT_FALSE(w.any_variable());
  EXPECT_FALSE(w.variable("ACK").has_value());

  ami::CallWatch other("eecall-other-action", r.channel_id, "ACK");
  for (const auto& m : r.from_asterisk) other.feed(m);
  EXPECT_FALSE(other.responded()) << "another ActionID's OriginateResponse is not ours";
}

}  // namespace
}  // namespace eecall::test
