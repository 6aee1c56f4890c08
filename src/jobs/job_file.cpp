#include "job_file.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>


namespace eecall {

namespace {

using json = nlohmann::json;
using SystemClock = std::chrono::system_clock;

ActionKind action_named(std::string_view name) {
  return name == "alert" ? ActionKind::alert : name == "message" ? ActionKind::message : ActionKind::call;
}

long long to_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// --- whole numbers: a damaged file's 1e300 or 17650000000100000 must not reach a conversion
// that overflows (a float cast to int, milliseconds to the clock's nanoseconds): undefined
// behaviour, found by fuzz/job_file_fuzz.cpp ---

struct OutOfRange : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The integer `key` of `j` (`fallback` when absent), within [low, high]; else the file is damaged.
long long whole(const json& j, const char* key, long long fallback, long long low, long long high) {
  if (!j.contains(key)) return fallback;
  const auto& v = j.at(key);
  const bool fits = v.is_number_unsigned() ? v.get<unsigned long long>() <= static_cast<unsigned long long>(high)
                                           : v.is_number_integer() && v.get<long long>() >= low && v.get<long long>() <= high;
  if (!fits) throw OutOfRange(std::string(key) + " is not a whole number from " + std::to_string(low) + " to " +
                              std::to_string(high));
  return v.get<long long>();
}

constexpr long long max_ms = 7'258'118'400'000;  // 2200-01-01: far inside the clock's range
constexpr long long max_int = std::numeric_limits<int>::max();
constexpr long long max_long = std::numeric_limits<long long>::max();

// --- attempts: the answer's names, the file's precision ---

json attempt_to_json(const Attempt& a) {
  json j = {{"phone", a.phone},
            {"outcome", std::string(attempt_outcome_name(a.outcome))},
            {"seconds", static_cast<double>(a.elapsed.count()) / 1000.0},
            {"message", a.detail}};
  if (!a.amd_status.empty()) j["amd"] = a.amd_status;  // with amd only, as in the answer
  if (!a.amd_cause.empty()) j["amd_cause"] = a.amd_cause;
  return j;
}

// Files written by the previous version name an attempt's time elapsed_ms and its message
// detail: a job that ran across an upgrade is read all the same.
// Seconds as the file writes them (4.349) back to milliseconds. Rounded by hand, as settings.cpp
// does: std::llround would bring libm into every eecall process's loads (bench: +10 page faults,
// +460 KiB of peak RSS per request). A negative or absurd value (a damaged file) reads as 0.
std::chrono::milliseconds milliseconds_of(double seconds) {
  if (!(seconds >= 0.0 && seconds < 1e9)) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

Attempt attempt_from_json(const json& a) {
  Attempt attempt;
  attempt.phone = a.value("phone", "");
  attempt.outcome = attempt_outcome_named(a.value("outcome", ""))
                        .value_or(AttemptOutcome::call_failed);
  if (a.contains("seconds")) {
    attempt.elapsed = milliseconds_of(a.at("seconds").get<double>());
  } else {
    attempt.elapsed = std::chrono::milliseconds(whole(a, "elapsed_ms", 0, 0, max_ms));
  }
  attempt.detail = a.contains("message") ? a.value("message", "") : a.value("detail", "");
  attempt.amd_status = a.value("amd", "");
  attempt.amd_cause = a.value("amd_cause", "");
  return attempt;
}

// --- the ended job's outcome ---

json outcome_to_json(const Outcome& o) {
  json j;
  j["error"] = std::string(error_name(o.error));
  j["message"] = o.message;
  j["subject"] = o.subject;
  j["action_id"] = o.action_id;
  j["elapsed_ms"] = o.elapsed.count();
  if (o.reason) j["reason"] = *o.reason;
  j["channel"] = o.channel;
  j["uniqueid"] = o.uniqueid;
  j["acknowledged_by"] = o.acknowledged_by;
  j["attempts"] = json::array();
  for (const auto& a : o.attempts) j["attempts"].push_back(attempt_to_json(a));
  return j;
}

Outcome outcome_from_json(const json& j, ActionKind action) {
  Outcome o;
  o.action = action;
  o.error = error_code_named(j.at("error").get<std::string>()).value_or(ErrorCode::internal_error);
  o.message = j.value("message", "");
  o.subject = j.value("subject", "");
  o.action_id = j.value("action_id", "");
  o.elapsed = std::chrono::milliseconds(whole(j, "elapsed_ms", 0, 0, max_ms));
  if (j.contains("reason")) o.reason = static_cast<int>(whole(j, "reason", 0, -max_int, max_int));
  o.channel = j.value("channel", "");
  o.uniqueid = j.value("uniqueid", "");
  o.acknowledged_by = j.value("acknowledged_by", "");
  for (const auto& a : j.value("attempts", json::array())) o.attempts.push_back(attempt_from_json(a));
  return o;
}

NotifyReport notify_from_json(const json& n) {
  NotifyReport report;
  report.state = n.value("state", "");
  report.tries = static_cast<int>(whole(n, "tries", 0, 0, max_int));
  report.message = n.value("message", "");
  if (n.contains("http_status")) report.http_status = static_cast<long>(whole(n, "http_status", 0, 0, max_int));
  return report;
}

Failure damaged(std::string_view id, const std::string& why) {
  return {ErrorCode::internal_error, "the state file of job " + std::string(id) + " is damaged: " + why, "job"};
}

// Throws json::exception on a field of the wrong type: the caller turns it into "damaged".
Result<JobRecord> record_from_json(const json& j, std::string_view id) {
  JobRecord r;
  r.id = j.at("job").get<std::string>();
  if (r.id != id) return damaged(id, "it names another job");
  const auto state = parse_job_state(j.at("state").get<std::string>());
  if (!state) return damaged(id, "unknown state");
  r.state = *state;
  r.action = action_named(j.value("action", "call"));
  r.detail = j.value("detail", "");
  r.created = SystemClock::time_point(std::chrono::milliseconds(whole(j, "created_ms", 0, 0, max_ms)));
  r.process.pid = static_cast<int>(whole(j, "pid", 0, 0, max_int));
  r.process.start_time = static_cast<unsigned long long>(whole(j, "start_time", 0, 0, max_long));
  r.outcome.action = r.action;
  if (j.contains("outcome")) r.outcome = outcome_from_json(j.at("outcome"), r.action);
  if (j.contains("notify")) r.notify = notify_from_json(j.at("notify"));
  r.profile = j.value("profile", "");
  r.to = j.value("to", "");
  return r;
}

}  // namespace

std::string job_file_text(const JobRecord& r) {
  json j;
  j["job"] = r.id;
  j["state"] = std::string(job_state_name(r.state));
  j["action"] = std::string(action_name(r.action));
  j["detail"] = r.detail;
  j["created_ms"] = to_ms(r.created);
  j["pid"] = r.process.pid;
  j["start_time"] = r.process.start_time;
  if (!r.profile.empty()) j["profile"] = r.profile;
  if (!r.to.empty()) j["to"] = r.to;
  if (job_ended(r.state)) j["outcome"] = outcome_to_json(r.outcome);
  if (r.notify) {
    j["notify"] = {{"state", r.notify->state}, {"tries", r.notify->tries}, {"message", r.notify->message}};
    if (r.notify->http_status) j["notify"]["http_status"] = *r.notify->http_status;
  }
  // Texts from a PBX (after login) may be any bytes: never let them make the dump throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<JobRecord> job_from_file_text(const std::string& text, std::string_view id) {
  try {
    return record_from_json(json::parse(text), id);
  } catch (const json::exception& e) {
    return damaged(id, e.what());
  } catch (const OutOfRange& e) {
    return damaged(id, e.what());
  }
}

}  // namespace eecall
