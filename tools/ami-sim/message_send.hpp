// MessageSend (main/message.c action_messagesend()) against the lab's phones.
#pragma once

#include <string_view>

#include "eecall/ami/message.hpp"

namespace eecall::sim {

struct MessageSendResult {
  bool sent = false;
  std::string_view text;  // the reply's Message: value
};

/// Destination (or To), technology before the first ':' (pjsip or sip), Base64Body that
/// must decode, then the endpoint: pjsip 100, 101, 104 and sip 100, 101 accept (sip also
/// accepts any user@host), everything else fails to send. Permission is checked by the caller.
MessageSendResult message_send(const ami::Message& request);

}  // namespace eecall::sim
