// The request's rules: what a URL or the command line may ask for, checked and normalised into
// the Request the AMI core runs (request/request.hpp). The only place that decides what is acceptable.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eecall/request/request.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

inline constexpr int max_wait_seconds = 120;
/// How long a front end lets one request run in all (an alert goes through several phones).
struct RequestLimits {
  int max_alert_wait_seconds = 300;  // CGI: what the shipped web-server snippets tolerate
};
inline constexpr int cli_max_alert_wait_seconds = 3600;
inline constexpr std::size_t max_phones = 10;
inline constexpr std::size_t max_say_bytes = 500;
inline constexpr std::size_t max_recording_name_bytes = 128;
inline constexpr int max_repeat = 5;
inline constexpr int max_rounds = 5;
inline constexpr int min_ring_seconds = 5;
inline constexpr int max_ring_seconds = 120;
inline constexpr std::size_t max_caller_id_name_bytes = 40;

/// Checks a display name for CallerID: UTF-8 (Latin-1 is converted), 1..40 bytes, no control
/// characters, none of `"` `<` `>` `\\`, no leading/trailing blank. Failure: invalid_parameter.
Result<std::string> check_caller_id_name(std::string_view subject, std::string_view value);
/// Checks a ring time: whole seconds from min_ring_seconds to max_ring_seconds.
Result<int> check_ring_seconds(std::string_view subject, std::string_view value);

/// Raw name/value pairs as they arrived (already percent-decoded), in order.
using Params = std::vector<std::pair<std::string, std::string>>;

/// The parameter names of the old eeCall.php, plus the alias `call_from` of `from`, the call
/// options `wait`, `ring` and `callerid`, and the alert parameters `say`, `play`, `ack`,
/// `repeat`, `rounds`, `lang`, `amd` and `voicemail`. Anything else is ignored (the eeDomus box adds
/// `eedomus_controller_module_id`). Validation rules: docs/usage.md.
/// What parse_request() requires: everything a request needs to run, or (a check: --check,
/// check=1, which describes a use) only the PBX — the use's own parameters (from, to, msg, drv)
/// are checked by the same rules when given and left empty when not, and `drv` alone names a
/// message.
enum class Completeness { runnable, use_optional };
Result<Request> parse_request(const Params& params, const RequestLimits& limits = {},
                              Completeness completeness = Completeness::runnable);

/// What `params` ask for, as parse_request() decides it (msg: a message; say or play: an
/// alert; else a call), for answers about a request that could not be parsed.
ActionKind action_of(const Params& params);

}  // namespace eecall
