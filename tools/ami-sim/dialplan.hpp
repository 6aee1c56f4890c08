// The lab's dialplan, phones and channel naming (shared/ami-transcripts/lab-config/:
// extensions.conf, pjsip.conf, sip.conf, and what the transcripts show of each phone).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "outcome.hpp"

namespace eecall::sim {

/// ast_exists_extension(): context `from-internal` holds 100-104, 200, 201, 291-293 and the
/// pattern _0XXXXXXXXX, each with its priorities 1..n; nothing else exists.
bool extension_exists(std::string_view context, std::string_view exten, int priority);

enum class Tech { local, pjsip, sip, other };

/// The channel driver named before the '/' (case-insensitive, as ast_get_channel_tech()).
Tech tech_of(std::string_view tech);

/// What dialing `tech/data` ends with whatever --originate-outcome says, if anything:
/// Reason 0 for unknown drivers, for PJSIP endpoints other than 100-104 (c1), for 102
/// (offline, c3) and 103 (no contact, c4), for chan_sip peers other than 100/101 (c7), and for
/// Local channels whose exten@context does not exist (c2); no answer for PJSIP 104 (c5);
/// Local/102-104@from-internal as the PJSIP phone that extension dials.
/// nullopt: the phone answers as the option says (PJSIP 100/101, SIP 100/101 or user@host,
/// Local to another existing extension).
std::optional<Outcome> forced_outcome(Tech tech, std::string_view data);

/// Names for the channels the simulated Asterisk creates, with per-driver sequence numbers
/// as in the transcripts (PJSIP/100-00000001, Local/100@from-internal-00000001;1,
/// SIP/100-00000000) and Uniqueids "<start epoch>.<n>".
class ChannelNamer {
 public:
  explicit ChannelNamer(long long start_epoch) : start_epoch_(start_epoch) {}
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
