#include "phones.hpp"

namespace eecall::sim {

namespace {

Phone by_option(const Options& options) {
  Phone p;
  p.outcome = options.outcome;
  p.reason = reason_code(options.outcome);
  return p;
}

Phone failing() {
  Phone p;
  p.outcome = Outcome::failed;
  return p;
}

}  // namespace

Phone phone_for(Tech tech, std::string_view data, const Options& options) {
  data = data.substr(0, data.find('/'));  // PJSIP AOR/URI, SIP exten
  const auto at = data.find('@');
  Phone phone;
  switch (tech) {
    case Tech::pjsip: {
      // [user@]endpoint
      const auto endpoint = at == std::string_view::npos ? data : data.substr(at + 1);
      if (endpoint == "100" || endpoint == "101") {
        phone = by_option(options);
      } else if (endpoint == "104") {
        phone.outcome = Outcome::no_answer;
        phone.reason = 3;
        phone.rings = false;
        phone.when = Phone::When::at_timeout;
      } else if (endpoint == "105" || endpoint == "106" || endpoint == "107") {
        phone.dtmf = endpoint == "106" ? DtmfMode::info : DtmfMode::rfc2833;
      } else if (endpoint == "109") {  // answering machine: 7.1 s greeting, MACHINE 2.6 s in (u1)
        phone.amd_status = "MACHINE";
        phone.amd_cause = "LONGGREETING-1500-1500";
        phone.amd_time = std::chrono::milliseconds(2600);
        phone.greeting_left = std::chrono::milliseconds(4500);
      } else if (endpoint == "110") {  // a person: "allô", then silence: HUMAN 1.7 s in (u2)
        phone.amd_status = "HUMAN";
        phone.amd_cause = "HUMAN-810-800";
        phone.amd_time = std::chrono::milliseconds(1700);
      } else if (endpoint == "108") {
        phone.outcome = Outcome::busy;
        phone.reason = 0;  // main/dial.c loses the 486's cause: Reason 0, not 5 (h6a)
        phone.rings = false;
        phone.when = Phone::When::at_once;
      } else {
        phone = failing();  // 102 offline, 103 no contact, unknown endpoints
      }
      phone.number = std::string(endpoint);
      break;
    }
    case Tech::sip:
      // peer, or user@host (sent to any host)
      if (data == "100" || data == "101" || (at != std::string_view::npos && at + 1 < data.size())) {
        phone = by_option(options);
      } else {
        phone = failing();
      }
      phone.number = std::string(data.substr(0, at));
      break;
    case Tech::local:
    case Tech::other:
      phone = failing();
      break;
  }
  if (const auto keys = options.keys.find(phone.number); keys != options.keys.end()) {
    phone.keys = keys->second;
  }
  return phone;
}

}  // namespace eecall::sim
