// Building Asterisk's replies and events, and turning them into wire bytes.
#pragma once

#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"

namespace eecall::sim {

/// `Response: <kind>` then `ActionID: <first ActionID>` when that value is non-empty
/// (astman_start_ack() / astman_send_response_full()).
ami::Message start_reply(const ami::Message& request, std::string_view kind);

/// start_reply() plus `Message: <text>`: astman_send_ack() / astman_send_error().
ami::Message reply(const ami::Message& request, std::string_view kind, std::string_view text);

/// `Event: <name>` / `Privilege: <privilege>` (__manager_event_sessions_va()).
ami::Message start_event(std::string_view name, std::string_view privilege);

/// The bytes Asterisk writes for `message`, made by eecall::ami::encode(). When encode()
/// refuses (it guards *our* requests: no CR/LF, no edge blanks, lines <= 1000 bytes) but
/// Asterisk would still send it — an echoed ActionID with a bare CR or a trailing blank, a
/// long echoed value, or Asterisk's own "...\n" error texts — the plain "Name: value\r\n"
/// formatting Asterisk uses is sent instead, and a note goes to stderr.
std::string wire(const ami::Message& message);

}  // namespace eecall::sim
