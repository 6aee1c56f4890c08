// The AMI actions eecall sends, built from a validated Request. Pure functions: no I/O.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"
#include "eecall/request/request.hpp"

namespace eecall::ami {

/// Dialplan settings for a call; the defaults suit FreePBX.
struct CallSettings {
  std::string context = "from-internal";
  /// `{from}` and `{context}` are replaced. FreePBX routes internal and external numbers
  /// from from-internal; the old script's bare `Local/<from>` landed in `default`.
  std::string channel_template = "Local/{from}@{context}";
  int ring_timeout_ms = 30000;  // default when the request gives no `ring`
  std::string caller_id_name;  // default display name; empty: CallerID is the bare `to`
};

/// Answering-machine detection (`amd`): the admin's default and AMD()'s arguments that matter
/// for a home alert (docs/alerts.md "Tuning"); the others stay amd.conf's.
struct AmdSettings {
  bool enabled = false;                               // an alert without `amd=` runs AMD
  std::chrono::milliseconds initial_silence{2500};    // silence before the greeting: a machine
  std::chrono::milliseconds greeting{1500};           // a greeting longer than this: a machine
  std::chrono::milliseconds after_greeting_silence{800};  // silence after it: a person
  std::chrono::milliseconds total_time{5000};         // then NOTSURE
};

/// What an alert's Read/Playback needs besides the dialplan settings.
struct AlertSettings {
  /// How long Read waits for the key after each time the prompt was played.
  std::chrono::milliseconds ack_timeout{5000};
  AmdSettings amd;
};

/// The Read variable that receives the key pressed (VarSet events carry its name).
inline constexpr std::string_view ack_variable = "EECALL_ACK";
/// Shown on the rung phone for an alert when neither the request nor the admin names one.
inline constexpr std::string_view default_alert_caller_name = "eeCallUs";

/// The event classes a session asks for at Login (intersected with the user's `read=`):
/// none; `call` (OriginateResponse, Hangup: a call's outcome); `call,dialplan` (also VarSet:
/// what Read and Playback report); `call,agi` (AsyncAGI events: an alert with `amd`).
enum class LoginEvents { off, call, call_dialplan, call_agi };

Message make_login(std::string_view user, std::string_view secret, LoginEvents events,
                   std::string_view action_id);
Message make_challenge(std::string_view action_id);
/// Login with `AuthType: MD5` and `Key: md5(challenge + secret)` in lower-case hex.
Message make_md5_login(std::string_view user, std::string_view secret,
                       std::string_view challenge, LoginEvents events,
                       std::string_view action_id);
/// A call: ring `from`, then connect it to `to` in the dialplan. `channel_id` (optional) becomes
/// the channel's Uniqueid, so that the call's events can be told apart from any other's.
Message make_originate(const Request& request, const CallSettings& settings,
                       std::string_view action_id, std::string_view channel_id = {});
/// An alert to one phone: no dialplan, the answered channel runs Read (when an `ack` key is
/// asked: the prompt, then a wait for one key, `repeat` times) or Playback (the prompt
/// `repeat` times). `channel_id` becomes the channel's Uniqueid (and every leg's Linkedid).
Message make_alert_originate(const Request& request, std::string_view phone, const CallSettings& settings,
                             const AlertSettings& alert, std::string_view action_id,
                             std::string_view channel_id);
/// An alert to one phone with answering-machine detection: the answered channel runs
/// `AGI(agi:async)` and waits for `AGI` actions (tests/data/u*). Asterisk refuses it to a user
/// without the write class `system` (u4).
Message make_agi_originate(const Request& request, std::string_view phone, const CallSettings& settings,
                           std::string_view action_id, std::string_view channel_id);
/// One AGI command (`EXEC AMD ...`, `GET VARIABLE X`, `HANGUP`) for the channel in AsyncAGI,
/// named by its ChannelId; its end comes as AsyncAGIExec with `CommandId: command_id`.
Message make_agi(std::string_view channel, std::string_view command, std::string_view command_id,
                 std::string_view action_id);
/// The AGI commands of an alert with `amd` (tests/data/u1-u3): `EXEC AMD` with the settings'
/// limits; `EXEC Read` with the same arguments as the Originate's Read; `EXEC Playback` of the
/// prompt `times` times; `EXEC WaitForSilence` (the end of a machine's greeting).
std::string agi_amd_command(const AmdSettings& amd);
std::string agi_read_command(const Request& request, const AlertSettings& alert);
std::string agi_playback_command(const Request& request, int times);
std::string agi_wait_for_silence_command(std::chrono::milliseconds silence, std::chrono::seconds timeout);
/// `Body:` for one line, `Base64Body:` when the text has line breaks or edge blanks.
Message make_message_send(const Request& request, std::string_view action_id);
Message make_message_send(const Request& request, std::string_view to, std::string_view action_id);
/// Send a channel (by name or Uniqueid) to `context`,`exten`,1 (write `call`). A waited call with
/// amd reaches `to` this way once AMD heard a person: AGI's own Goto cannot, an Originate's
/// application channel hangs up when its AGI ends (tests/data/u10).
Message make_redirect(std::string_view channel, std::string_view context, std::string_view exten,
                      std::string_view action_id);
/// Hang up a channel by its name or Uniqueid (Asterisk looks up both).
Message make_hangup(std::string_view channel, std::string_view action_id);
Message make_logoff(std::string_view action_id);

/// The Channel string for a call, e.g. `Local/100@from-internal`.
std::string channel_for(const Request& request, const CallSettings& settings);
std::string channel_for(std::string_view phone, const CallSettings& settings);

}  // namespace eecall::ami
