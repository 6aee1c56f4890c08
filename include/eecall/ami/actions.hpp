// The AMI actions eecall sends, built from a validated Request. Pure functions: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "eecall/ami/message.hpp"
#include "eecall/request.hpp"

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

enum class LoginEvents { off, call };

Message make_login(std::string_view user, std::string_view secret, LoginEvents events,
                   std::string_view action_id);
Message make_challenge(std::string_view action_id);
/// Login with `AuthType: MD5` and `Key: md5(challenge + secret)` in lower-case hex.
Message make_md5_login(std::string_view user, std::string_view secret,
                       std::string_view challenge, LoginEvents events,
                       std::string_view action_id);
Message make_originate(const Request& request, const CallSettings& settings,
                       std::string_view action_id);
/// `Body:` for one line, `Base64Body:` when the text has line breaks or edge blanks.
Message make_message_send(const Request& request, std::string_view action_id);
Message make_logoff(std::string_view action_id);

/// The Channel string for a call, e.g. `Local/100@from-internal`.
std::string channel_for(const Request& request, const CallSettings& settings);

}  // namespace eecall::ami
