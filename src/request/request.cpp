#include "eecall/request/request.hpp"

namespace eecall {

std::string_view action_name(ActionKind kind) noexcept {
  switch (kind) {
    case ActionKind::call: return "call";
    case ActionKind::message: return "message";
    case ActionKind::alert: return "alert";
  }
  return "call";
}

std::string_view driver_name(MessageDriver drv) noexcept {
  return drv == MessageDriver::sip ? "sip" : "pjsip";
}

std::string_view voicemail_action_name(VoicemailAction action) noexcept {
  return action == VoicemailAction::leave ? "leave" : "skip";
}

}  // namespace eecall
