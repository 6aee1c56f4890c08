// The lab's dialplan and channel naming (shared/asterisk/templates/extensions.conf, the
// configuration the h* transcripts were recorded with).
#pragma once

#include <string>
#include <string_view>

namespace eecall::sim {

/// What an extension of `from-internal` does at priority 1.
struct Extension {
  std::string_view exten;  // a leading '_' makes it a pattern
  int priorities;
  /// Dial(<dial>,30) to a phone ("PJSIP/105", "SIP/100"); empty for an announcement.
  std::string_view dial;
  /// An announcement: Answer(), Playback(<sounds>), Hangup().
  std::string_view sounds;
  /// NoOp(<text>) before the Dial, as 100, 101 and the trunk pattern have ("" when none).
  std::string_view noop;
};

/// The extension `exten` of `context`, or null: `from-internal` holds 100-108, 200, 201,
/// 291-293 and _0XXXXXXXXX; nothing else exists.
const Extension* find_extension(std::string_view context, std::string_view exten);

/// ast_exists_extension(): the extension exists and has that priority.
bool extension_exists(std::string_view context, std::string_view exten, int priority);

enum class Tech { local, pjsip, sip, other };

/// The channel driver named before the '/' (case-insensitive, as ast_get_channel_tech()).
Tech tech_of(std::string_view tech);

/// Names for the channels the simulated Asterisk creates, with per-driver sequence numbers
/// as in the transcripts (PJSIP/100-00000001, Local/100@from-internal-00000001;1,
/// SIP/100-00000000) and Uniqueids "<start epoch>.<n>".
class ChannelNamer {
 public:
  explicit ChannelNamer(long long start_epoch) : start_epoch_(start_epoch) {}
  /// `data` is what follows the driver name; a Local name ends in ";1" (its pair: ";2").
  std::string channel_name(Tech tech, std::string_view data);
  std::string next_uniqueid();

 private:
  long long start_epoch_;
  unsigned pjsip_ = 1;
  unsigned local_ = 1;
  unsigned sip_ = 0;
  unsigned other_ = 1;
  unsigned long long uniqueid_ = 1;
};

}  // namespace eecall::sim
