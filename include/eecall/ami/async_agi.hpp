// AsyncAGI over AMI (tests/data/u*): a call that runs `AGI(agi:async)` waits for `AGI` actions;
// each command's end comes as an `AsyncAGIExec` event with the action's CommandID (spelled
// `CommandId` in the event) and a URL-encoded `Result` such as `200%20result%3D1%20(MACHINE)%0A`.
// Pure: fed messages, it keeps what one call's AGI said, so it is tested on the recordings.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"

namespace eecall::ami {

/// `%XX` decoded (an invalid escape stays as it is); `+` is kept (Asterisk encodes a blank as %20).
std::string url_decode(std::string_view encoded);

/// One AGI answer, e.g. `200 result=1 (MACHINE)`: code 200, result 1, data `MACHINE`.
struct AgiReply {
  int code = 0;
  int result = 0;
  std::string data;  // inside the parentheses; empty when there are none
  std::string text;  // the decoded line without its line end, for messages
};
/// Reads a decoded AGI answer; nullopt when it is not `CODE result=N[ (DATA)]`.
std::optional<AgiReply> parse_agi_reply(std::string_view decoded);

/// What the AsyncAGI events say about one call, known by the ChannelId eecall gave it (the
/// Uniqueid of the channel that runs the AGI, u1-u8).
class AgiWatch {
 public:
  explicit AgiWatch(std::string channel_id);

  void feed(const Message& message);

  /// AsyncAGIStart arrived: the call waits for commands.
  [[nodiscard]] bool started() const { return started_; }
  /// AsyncAGIEnd arrived: the channel left the AGI (hung up); no command will run any more.
  [[nodiscard]] bool ended() const { return ended_; }
  /// The answer to the command sent with `command_id`, once its AsyncAGIExec arrived (an
  /// unreadable Result is kept as code 0 with its text).
  [[nodiscard]] std::optional<AgiReply> reply(const std::string& command_id) const;

 private:
  std::string channel_id_;
  bool started_ = false;
  bool ended_ = false;
  std::map<std::string, AgiReply, std::less<>> replies_;
};

}  // namespace eecall::ami
