// Everything a simulated call needs to know, decided when the Originate is accepted.
#pragma once

#include <chrono>
#include <string>

#include "callerid.hpp"
#include "dialplan.hpp"
#include "phones.hpp"

namespace eecall::sim {

struct CallPlan {
  std::string action_id;  // echoed in OriginateResponse
  bool async = true;      // false: no OriginateResponse, the action's reply waits instead
  std::string dial_string;  // the Channel header, as given (a failed OriginateResponse's Channel)
  Tech tech = Tech::other;
  std::string data;  // after "<tech>/"
  /// The application form (Application/Data); empty application: the Context/Exten form.
  std::string application;
  std::string app_data;
  std::string context;
  std::string exten;
  CallerId caller_id;
  std::chrono::milliseconds ring_timeout{30000};  // Originate's Timeout
  std::string channel_id;        // ChannelId: the Uniqueid of the first channel
  std::string other_channel_id;  // OtherChannelId: the Uniqueid of a Local channel's ;2 half
  /// The phone reached: directly, or by the extension a Local channel runs.
  Phone phone;
  /// Local channels: the exten@context of the dial string, and what that extension does
  /// (null when it does not exist).
  std::string local_exten;
  std::string local_context;
  const Extension* local_extension = nullptr;

  /// The dial neither answers nor fails, ever (--originate-outcome none).
  [[nodiscard]] bool never_settles() const {
    const bool dials_phone = tech != Tech::local || (local_extension != nullptr && !local_extension->dial.empty());
    return dials_phone && phone.outcome == Outcome::none;
  }
};

}  // namespace eecall::sim
