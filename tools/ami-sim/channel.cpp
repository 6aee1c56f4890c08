#include "channel.hpp"

#include <array>
#include <utility>

#include "replies.hpp"

namespace eecall::sim {

namespace {

std::string_view state_text(ChannelState state) {
  switch (state) {
    case ChannelState::down: return "Down";
    case ChannelState::ring: return "Ring";
    case ChannelState::ringing: return "Ringing";
    case ChannelState::up: return "Up";
  }
  return "Unknown";
}

std::string or_unknown(const std::string& value) { return value.empty() ? "<unknown>" : value; }

// manager.c ast_manager_build_channel_state_string_prefix().
void add_snapshot(ami::Message& m, const Channel& c, const std::string& prefix) {
  m.add(prefix + "Channel", c.name);
  m.add(prefix + "ChannelState", std::to_string(static_cast<int>(c.state)));
  m.add(prefix + "ChannelStateDesc", std::string(state_text(c.state)));
  m.add(prefix + "CallerIDNum", or_unknown(c.caller.number));
  m.add(prefix + "CallerIDName", or_unknown(c.caller.name));
  m.add(prefix + "ConnectedLineNum", or_unknown(c.connected.number));
  m.add(prefix + "ConnectedLineName", or_unknown(c.connected.name));
  m.add(prefix + "Language", "en");
  m.add(prefix + "AccountCode", "");
  m.add(prefix + "Context", c.context);
  m.add(prefix + "Exten", c.exten);
  m.add(prefix + "Priority", std::to_string(c.priority));
  m.add(prefix + "Uniqueid", c.uniqueid);
  m.add(prefix + "Linkedid", c.linkedid);
}

}  // namespace

ami::Message channel_event(std::string_view name, ClassMask category, const Channel& channel) {
  auto m = start_event(name, authority_to_str(category) + ",all");
  add_snapshot(m, channel, "");
  return m;
}

ami::Message dial_event(std::string_view name, const Channel* caller, const Channel& dest) {
  auto m = start_event(name, "call,all");
  if (caller != nullptr) add_snapshot(m, *caller, "");
  add_snapshot(m, dest, "Dest");
  return m;
}

ami::Message hangup_event(const Channel& channel, int cause, int tech_cause) {
  auto m = channel_event("Hangup", flag::call, channel);
  m.add("Cause", std::to_string(cause));
  m.add("Cause-txt", std::string(cause_text(cause)));
  if (tech_cause != 0) m.add("TechCause", std::to_string(tech_cause));
  return m;
}

std::string_view cause_text(int cause) {
  static constexpr std::array<std::pair<int, std::string_view>, 12> causes{{
      {1, "Unallocated (unassigned) number"},
      {3, "No route to destination"},
      {16, "Normal Clearing"},
      {17, "User busy"},
      {18, "No user responding"},
      {19, "User alerting, no answer"},
      {21, "Call Rejected"},
      {27, "Destination out of order"},
      {31, "Normal, unspecified"},
      {34, "Circuit/channel congestion"},
      {38, "Network out of order"},
      {41, "Temporary failure"},
  }};
  for (const auto& [code, text] : causes) {
    if (code == cause) return text;
  }
  return "Unknown";
}

}  // namespace eecall::sim
