// The simulator replays recordings of a real Asterisk 20 (tests/data: the h* files of the
// alerts, and b2, b5, c1 for the Context/Exten form and a failed dial): the recorded
// client's bytes are sent to it as they are (sound paths moved to a temporary directory, a
// Hangup action's channel name mapped to the simulator's), and the events it answers must be
// the events the recording shows, in the recording's order, for the event types the simulator
// sends (docs/simulator.md says which it leaves out). The action replies must be the recorded
// ones, in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "support/process.hpp"
#include "support/raw_ami.hpp"
#include "support/scratch_dir.hpp"
#include "support/transcript.hpp"
#include "support/wav.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

// --- what is compared ------------------------------------------------------------------------

// Event types the simulator sends. Left out: NewCallerid, NewConnectedLine, DeviceStateChange,
// LocalBridge, Bridge*, HangupRequest, SoftHangupRequest, and every VarSet but those of the
// applications (READSTATUS, the Read variable, PLAYBACKSTATUS).
const std::set<std::string> simulated_events = {"Newchannel", "Newstate",  "Newexten",
                                                "DialBegin",  "DialState", "DialEnd",
                                                "OriginateResponse", "Hangup", "DTMFBegin",
                                                "DTMFEnd",    "VarSet"};

// "PJSIP/105-0000003e" -> "PJSIP/105-*", "Local/105@from-internal-00000016;1" -> "...-*;1".
std::string channel_pattern(const std::string& name) {
  static const std::regex sequence("-[0-9a-f]{8}(;[12])?$");
  return std::regex_replace(name, sequence, "-*$1");
}

struct Event {
  std::string key;   // what must be equal
  std::string lane;  // whose order is always kept: one channel, one dial, or OriginateResponse
  microseconds at{0};
};

std::optional<Event> observe(const std::string& raw, const std::set<std::string>& app_variables,
                             microseconds at) {
  const auto name = header_value(raw, "Event");
  if (!simulated_events.contains(name)) return std::nullopt;
  if (name == "VarSet" && !app_variables.contains(header_value(raw, "Variable"))) return std::nullopt;
  Event e;
  e.at = at;
  e.key = name;
  const auto add = [&](const char* header, bool channel = false) {
    auto value = header_value(raw, header);
    if (value.empty() && raw.find(std::string("\r\n") + header + ":") == std::string::npos) return;
    e.key += std::string(" ") + header + "=" + (channel ? channel_pattern(value) : value);
  };
  add("Channel", true);
  add("DestChannel", true);
  for (const char* header : {"ChannelStateDesc", "DialString", "DialStatus", "Variable", "Value", "Digit",
                             "DurationMs", "Direction", "Cause", "TechCause", "Response", "Reason"}) {
    add(header);
  }
  if (name == "Newexten") add("Application");
  if (name == "OriginateResponse") {
    e.lane = name;
  } else if (name.starts_with("Dial")) {
    e.lane = "dial " + channel_pattern(header_value(raw, "DestChannel"));
  } else {
    e.lane = channel_pattern(header_value(raw, "Channel"));
  }
  return e;
}

std::string listing(const std::vector<Event>& events) {
  std::string out;
  for (const auto& e : events) out += "  " + e.key + "\n";
  return out;
}

// Asterisk sends one call's events from several threads, and their order changes from one
// recording to the next (h3d: OriginateResponse after the Local channels' DialEnd; h3e: before
// them). So what is kept of the recorded order: each channel's own events (and each dial's
// DialBegin/DialState/DialEnd) in order, and across channels any two events recorded at least
// 2 ms apart. The simulator must send exactly the recorded events (as keys), in an order that
// keeps all of that.
::testing::AssertionResult same_events(const std::vector<Event>& recorded, const std::vector<Event>& sent) {
  std::vector<std::string> a;
  std::vector<std::string> b;
  for (const auto& e : recorded) a.push_back(e.key);
  for (const auto& e : sent) b.push_back(e.key);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) {
    return ::testing::AssertionFailure() << "not the same events.\nrecorded:\n"
                                         << listing(recorded) << "simulator:\n" << listing(sent);
  }
  // The n-th recorded occurrence of a key is the n-th sent one.
  std::map<std::string, std::vector<std::size_t>> positions;
  for (std::size_t i = 0; i < sent.size(); ++i) positions[sent[i].key].push_back(i);
  std::map<std::string, std::size_t> used;
  std::vector<std::size_t> where;
  for (const auto& e : recorded) where.push_back(positions[e.key][used[e.key]++]);
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    for (std::size_t j = i + 1; j < recorded.size(); ++j) {
      const bool ordered = recorded[i].lane == recorded[j].lane || recorded[j].at - recorded[i].at >= 2ms;
      if (ordered && where[i] > where[j]) {
        return ::testing::AssertionFailure()
               << "order: recorded '" << recorded[i].key << "' before '" << recorded[j].key
               << "'.\nrecorded:\n" << listing(recorded) << "simulator:\n" << listing(sent);
      }
    }
  }
  return ::testing::AssertionSuccess();
}

std::string reply_of(const std::string& raw) {
  return header_value(raw, "Response") + ": " + header_value(raw, "Message");
}

// --- the sounds the h8 and h10 recordings played from /var/lib/eecall/sounds -------------------

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class SoundDir {
 public:
  SoundDir() {
    // Shorter than the lab's 3.52 s: the replay compares events, not durations.
    write_file(path_ / "alert-wav8k.wav", wav_file(8000, 0.4));
    write_file(path_ / "alert-wav22k.wav", wav_file(22050, 0.4));
    write_file(path_ / "alert-wav16k.wav", wav_file(16000, 0.4));
    write_file(path_ / "alert-wav16k-named.wav16", wav_file(16000, 0.4));
    write_file(path_ / "alert-sln.sln", std::string(6400, '\0'));
    write_file(path_ / "alert-sln16.sln16", std::string(12800, '\0'));
    write_file(path_ / "alert-gsm.gsm", std::string(33 * 20, '\0'));
    write_file(path_ / "alert.sln16", std::string(12800, '\0'));
    write_file(path_ / "alert.wav", wav_file(8000, 0.4));
  }
  [[nodiscard]] std::string moved(std::string bytes) const {
    static const std::string recorded = "/var/lib/eecall/sounds/";
    for (auto at = bytes.find(recorded); at != std::string::npos; at = bytes.find(recorded, at)) {
      bytes.replace(at, recorded.size(), path_.string() + "/");
    }
    return bytes;
  }

 private:
  ScratchDir scratch_{"sim-sounds"};
  fs::path path_{scratch_.path()};
};

// --- the replay --------------------------------------------------------------------------------

struct Recording {
  std::vector<TimedMessage> client;
  std::vector<Event> events;
  std::vector<std::string> replies;
  std::vector<std::size_t> events_before;  // recorded events sent before client message k
  std::set<std::string> app_variables;
};

Recording load(const std::string& file) {
  Recording r;
  const auto connection = load_transcript(file).at(0);
  r.client = messages_of(connection, 'C');
  r.app_variables = {"READSTATUS", "PLAYBACKSTATUS"};
  for (const auto& m : r.client) {
    if (header_value(m.raw, "Action") == "Originate" && header_value(m.raw, "Application") == "Read") {
      const auto data = header_value(m.raw, "Data");
      r.app_variables.insert(data.substr(0, data.find(',')));
    }
  }
  for (const auto& m : messages_of(connection, 'S')) {
    if (m.raw.starts_with("Response:")) r.replies.push_back(reply_of(m.raw));
    if (const auto e = observe(m.raw, r.app_variables, m.at)) r.events.push_back(*e);
  }
  for (const auto& c : r.client) {
    r.events_before.push_back(static_cast<std::size_t>(
        std::count_if(r.events.begin(), r.events.end(), [&](const Event& e) { return e.at < c.at; })));
  }
  return r;
}

struct Replayed {
  std::vector<Event> events;
  std::vector<std::string> replies;
};

class Replayer {
 public:
  Replayer(std::uint16_t port, const Recording& recording, const SoundDir& sounds)
      : ami_(port), recording_(recording), sounds_(sounds), start_(steady_clock::now()) {}

  Replayed run() {
    steady_clock::time_point last_sent = start_;
    for (std::size_t k = 0; k < recording_.client.size(); ++k) {
      // What the recording shows before this message must have come (at most 20 s).
      const auto give_up = steady_clock::now() + 20s;
      while (out_.events.size() < recording_.events_before[k] && steady_clock::now() < give_up) {
        if (!take(give_up)) break;
      }
      std::string bytes = sounds_.moved(recording_.client[k].raw);
      if (header_value(bytes, "Action") == "Hangup") {
        // A hangup mid-call: as long after the previous message as recorded.
        const auto gap = recording_.client[k].at - (k > 0 ? recording_.client[k - 1].at : microseconds(0));
        while (steady_clock::now() < last_sent + gap) take(last_sent + gap);
        bytes = with_simulator_channel(bytes);
      }
      ami_.send(bytes);
      last_sent = steady_clock::now();
    }
    const auto give_up = steady_clock::now() + 5s;
    while (!ami_.closed() && steady_clock::now() < give_up) take(give_up);
    return out_;
  }

 private:
  bool take(steady_clock::time_point until) {
    const auto left = duration_cast<milliseconds>(until - steady_clock::now());
    const auto raw = ami_.next(std::max(left, 1ms));
    if (!raw) return false;
    if (raw->starts_with("Response:")) out_.replies.push_back(reply_of(*raw));
    const auto at = duration_cast<microseconds>(steady_clock::now() - start_);
    if (const auto e = observe(*raw, recording_.app_variables, at)) {
      out_.events.push_back(*e);
      const auto channel = header_value(*raw, "Channel");
      if (!channel.empty()) simulator_channels_[channel_pattern(channel)] = channel;
    }
    return true;
  }

  // The recording names the channel Asterisk created ("PJSIP/107-0000004d"); the simulator's
  // channel of the same kind has its own number. A name the simulator never used (PJSIP/999)
  // stays as it is.
  std::string with_simulator_channel(const std::string& bytes) {
    const auto recorded = header_value(bytes, "Channel");
    const auto it = simulator_channels_.find(channel_pattern(recorded));
    if (recorded.empty() || it == simulator_channels_.end()) return bytes;
    std::string out = bytes;
    out.replace(out.find(recorded), recorded.size(), it->second);
    return out;
  }

  RawAmi ami_;
  const Recording& recording_;
  const SoundDir& sounds_;
  steady_clock::time_point start_;
  Replayed out_;
  std::map<std::string, std::string> simulator_channels_;
};

class Replay : public ::testing::TestWithParam<const char*> {};

TEST_P(Replay, SimulatorSendsTheRecordedEventsAndReplies) {
  const std::string file = std::string(GetParam()) + ".txt";
  const Recording recording = load(file);
  ASSERT_FALSE(recording.events.empty()) << file;
  const SoundDir sounds;
  Simulator sim;
  const Replayed replayed = Replayer(sim.port(), recording, sounds).run();
  EXPECT_EQ(replayed.replies, recording.replies);
  EXPECT_TRUE(same_events(recording.events, replayed.events)) << file;
}

INSTANTIATE_TEST_SUITE_P(
    Recording, Replay,
    ::testing::Values("h1_originate_app_playback_pjsip", "h2_originate_app_playback_local",
                      "h3a_read_ack_rfc2833_pjsip_events_call", "h3b_read_ack_rfc2833_pjsip_events_call_dtmf",
                      "h3c_read_ack_rfc2833_pjsip_events_call_dtmf_dialplan",
                      "h3d_read_ack_rfc2833_local_events_call_dtmf",
                      "h3e_read_ack_rfc2833_local_events_call_dtmf_dialplan",
                      "h4a_read_ack_info_pjsip_events_call_dtmf", "h4b_read_ack_info_pjsip_events_call_dtmf_dialplan",
                      "h4c_read_ack_info_local_events_call_dtmf", "h4d_read_ack_info_local_events_call_dtmf_dialplan",
                      "h5a_read_noack_pjsip_events_call_dtmf", "h5b_read_noack_pjsip_events_call_dtmf_dialplan",
                      "h5c_read_noack_local_events_call_dtmf_dialplan", "h6a_originate_app_busy_pjsip",
                      "h6b_originate_app_busy_local", "h6c_originate_exten_busy_pjsip", "h7a_hangup_action_pjsip",
                      "h7b_hangup_action_local", "h8a_playback_abs_path_wav8k", "h8b_playback_abs_path_sln",
                      "h8c_playback_abs_path_sln16", "h8d_playback_abs_path_wav22k", "h8e_playback_abs_path_gsm",
                      "h8f_playback_abs_path_sln16_and_wav", "h8g_playback_abs_path_with_extension",
                      "h8h_playback_abs_path_missing", "h8i_playback_abs_path_wav16k_as_wav",
                      "h8j_playback_abs_path_wav16k_as_wav16", "h10_originate_app_user_without_system",
                      "b2_originate_pjsip_async_events_call", "b5_originate_local_async_events_on",
                      "c1_originate_unknown_pjsip_endpoint"),
    [](const auto& test) { return std::string(test.param).substr(0, std::string(test.param).find('_')); });

}  // namespace
}  // namespace eecall::test
