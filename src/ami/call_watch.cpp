#include "eecall/ami/call_watch.hpp"

#include <charconv>

#include "eecall/util/text.hpp"

namespace eecall::ami {

CallWatch::CallWatch(std::string action_id, std::string channel_id, std::string ack_name)
    : action_id_(std::move(action_id)), channel_id_(std::move(channel_id)), ack_variable_(std::move(ack_name)) {}

void CallWatch::feed(const Message& m) {
  if (!m.is_event()) return;
  const auto event = m.get_or("Event");
  if (text::iequals(event, "OriginateResponse")) {
    if (m.get_or("ActionID") != action_id_) return;
    int reason = -1;
    const auto text = m.get_or("Reason");
    std::from_chars(text.data(), text.data() + text.size(), reason);
    reason_ = reason;
    answered_ = m.get_or("Response") == "Success" && reason == 4;
    channel_ = std::string(m.get_or("Channel"));
    if (const auto uid = m.get_or("Uniqueid"); uid != "<unknown>") uniqueid_ = std::string(uid);
    return;
  }
  const bool own_channel = !channel_id_.empty() && m.get_or("Uniqueid") == channel_id_;
  const bool of_this_call = own_channel || (!channel_id_.empty() && m.get_or("Linkedid") == channel_id_);
  if (!of_this_call) return;
  channel_seen_ = true;
  if (text::iequals(event, "Hangup")) {
    if (m.get_or("Cause") == "17") busy_seen_ = true;
    if (own_channel) ended_ = true;
  } else if (text::iequals(event, "DialEnd")) {
    if (text::iequals(m.get_or("DialStatus"), "BUSY")) busy_seen_ = true;
  } else if (text::iequals(event, "VarSet") && own_channel) {
    any_variable_ = true;
    const auto name = m.get_or("Variable");
    const auto value = std::string(m.get_or("Value"));
    if (name == ack_variable_) {
      ack_ = value;
    } else if (name == "READSTATUS") {
      read_status_ = value;
    } else if (name == "PLAYBACKSTATUS") {
      playback_status_ = value;
    }
  }
}

std::optional<std::string> CallWatch::variable(std::string_view name) const {
  if (name == ack_variable_) return ack_;
  if (name == "READSTATUS") return read_status_;
  if (name == "PLAYBACKSTATUS") return playback_status_;
  return std::nullopt;
}

}  // namespace eecall::ami
