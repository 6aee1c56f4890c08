// What the event stream says about one originated call. Pure: it is fed messages and keeps the
// few facts a plan needs, so it is tested against recorded transcripts without a network.
//
// The call is known by the ChannelId eecall gave it in Originate: Asterisk makes it the
// channel's Uniqueid, and every channel of the call (the ;2 half of a Local channel, the PJSIP
// leg it dials) carries it as Linkedid — from the very first event, before the
// OriginateResponse names the channel (verified on Asterisk 20.20.1, docs/alerts.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/message.hpp"

namespace eecall::ami {

class CallWatch {
 public:
  /// `ack_name`: the variable Read stores the key in (ours: EECALL_ACK).
  CallWatch(std::string action_id, std::string channel_id, std::string ack_name = std::string(ami::ack_variable));

  /// Takes one message from the stream; what is not about this call is ignored.
  void feed(const Message& message);

  /// The OriginateResponse arrived (for our ActionID).
  [[nodiscard]] bool responded() const { return reason_.has_value(); }
  /// Its Reason (4 answered, 5 busy, 3 no answer, 8 congestion, 1 hangup, 0 failed).
  [[nodiscard]] std::optional<int> reason() const { return reason_; }
  [[nodiscard]] bool answered() const { return answered_; }
  /// The channel and Uniqueid it named (empty when Asterisk said `<unknown>`).
  [[nodiscard]] const std::string& channel() const { return channel_; }
  [[nodiscard]] const std::string& uniqueid() const { return uniqueid_; }
  /// A channel of this call hung up with cause 17 (User busy) or a Dial ended BUSY: a real
  /// Asterisk reports a busy phone as Reason 0, and says busy only there (transcripts h6*).
  [[nodiscard]] bool busy_seen() const { return busy_seen_; }
  /// The call's own channel (Uniqueid = ChannelId) hung up.
  [[nodiscard]] bool ended() const { return ended_; }
  /// An event about one of the call's channels arrived: a channel was created, so its Hangup
  /// will follow (an unknown phone gets no channel at all, h6 vs c1).
  [[nodiscard]] bool channel_seen() const { return channel_seen_; }
  /// A VarSet on the call's own channel arrived (the AMI user has read = dialplan).
  [[nodiscard]] bool any_variable() const { return any_variable_; }
  /// The last value of a variable of the call's own channel: EECALL_ACK, READSTATUS or
  /// PLAYBACKSTATUS (only those are kept).
  [[nodiscard]] std::optional<std::string> variable(std::string_view name) const;

 private:
  std::string action_id_;
  std::string channel_id_;
  std::string ack_variable_;
  std::optional<int> reason_;
  bool answered_ = false;
  std::string channel_;
  std::string uniqueid_;
  bool busy_seen_ = false;
  bool ended_ = false;
  bool channel_seen_ = false;
  bool any_variable_ = false;
  std::optional<std::string> ack_;
  std::optional<std::string> read_status_;
  std::optional<std::string> playback_status_;
};

}  // namespace eecall::ami
