#include "eecall/action/render.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <ctime>
#include <sstream>
#include <vector>

#include "eecall/util/text.hpp"

namespace eecall {

namespace {

bool is_bad_input(ErrorCode code) {
  return code == ErrorCode::missing_parameter || code == ErrorCode::invalid_parameter;
}

// Text that reaches an answer may come from a broken peer: keep it valid UTF-8 and free of
// control characters, which XML 1.0 cannot carry at all.
std::string printable(std::string_view raw) {
  std::string s = text::is_valid_utf8(raw) ? std::string(raw) : text::to_utf8(raw).value_or("");
  if (s.empty() && !raw.empty()) {
    for (const char c : raw) s.push_back(static_cast<unsigned char>(c) < 0x80 ? c : '?');
  }
  for (auto& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: replace them with U+FFFD.
  for (auto pos = s.find("\xEF\xBF"); pos != std::string::npos; pos = s.find("\xEF\xBF", pos + 3)) {
    if (pos + 2 < s.size() && (s[pos + 2] == '\xBE' || s[pos + 2] == '\xBF')) s[pos + 2] = '\xBD';
  }
  return s;
}

struct Fields {
  std::optional<int> result;  // none while a job has no result yet
  std::string action;
  std::string error;
  std::string message;
  std::string subject_name;  // "parameter" or "step"
  std::string subject;
  std::string action_id;
  long long elapsed_ms;
  std::optional<int> reason;
  std::string channel;
  std::string uniqueid;
  std::string acknowledged_by;
  bool duplicate = false;
  std::optional<long long> retry_after;
  struct Try {
    std::string phone;
    std::string outcome;
    std::chrono::milliseconds elapsed;  // shown in seconds with one decimal, e.g. 4.3
    std::string detail;
    std::string amd;        // with amd only: AMD's verdict (MACHINE, HUMAN, NOTSURE, HANGUP)
    std::string amd_cause;  // and its cause, e.g. LONGGREETING-1500-1500
  };
  std::vector<Try> attempts;
  std::string job;
  std::string state;
  std::string detail;
  struct Notify {
    std::string state;
    int tries;
    std::optional<long> http_status;
    std::string message;
  };
  std::optional<Notify> notify;
  struct Check {
    std::string name;
    CheckStatus status;
    bool needed;
    std::string found;
    std::string fix;
  };
  std::vector<Check> checks;
  struct Job {
    std::string id;
    std::string state;
    std::string action;
    std::string started;  // ISO 8601, UTC
    std::string to;
    std::optional<int> result;  // none while it runs
    std::string error;
    std::string acknowledged_by;
    std::optional<std::chrono::milliseconds> elapsed;  // once ended
  };
  std::vector<Job> jobs;
};

// An attempt's time is shown in seconds with one decimal: the same rounding for every format.
long long tenths_of_second(std::chrono::milliseconds ms) { return (ms.count() + 50) / 100; }

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto tenths = tenths_of_second(ms);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// The same value as a JSON number: tenths / 10.0 is the double nearest to "4.3", so it is
// written as 4.3 (and a whole number as 4.0).
double seconds_number(std::chrono::milliseconds ms) { return static_cast<double>(tenths_of_second(ms)) / 10.0; }

std::string utc_text(std::chrono::system_clock::time_point t) {
  const auto seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  if (::gmtime_r(&seconds, &utc) == nullptr) return {};
  char text[32];
  return std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) > 0 ? std::string(text) : std::string();
}

Fields::Job job_fields(const JobSummary& j) {
  Fields::Job f;
  f.id = printable(j.id);
  f.state = std::string(job_state_name(j.state));
  f.action = std::string(action_name(j.action));
  f.started = utc_text(j.started);
  f.to = printable(j.to);
  if (job_ended(j.state)) {
    f.result = j.error == ErrorCode::none ? 1 : 0;
    if (j.error != ErrorCode::none) f.error = std::string(error_name(j.error));
    f.elapsed = j.elapsed;
  }
  f.acknowledged_by = printable(j.acknowledged_by);
  return f;
}

Fields fields_of(const Outcome& o) {
  Fields f;
  if (!o.pending()) f.result = o.ok() ? 1 : 0;
  f.action = o.answer == AnswerKind::check ? std::string("check")
             : o.action                      ? std::string(action_name(*o.action))
                                             : std::string();
  f.error = o.ok() ? std::string() : std::string(error_name(o.error));
  f.message = printable(o.message);
  f.subject_name = is_bad_input(o.error) ? "parameter" : "step";
  f.subject = o.ok() ? std::string() : printable(o.subject);
  f.action_id = printable(o.action_id);
  f.elapsed_ms = static_cast<long long>(o.elapsed.count());
  f.reason = o.reason;
  f.channel = printable(o.channel);
  f.uniqueid = printable(o.uniqueid);
  f.acknowledged_by = printable(o.acknowledged_by);
  f.duplicate = o.duplicate;
  if (o.retry_after) f.retry_after = static_cast<long long>(o.retry_after->count());
  for (const auto& a : o.attempts) {
    f.attempts.push_back({printable(a.phone), std::string(attempt_outcome_name(a.outcome)),
                          a.elapsed, printable(a.detail), printable(a.amd_status), printable(a.amd_cause)});
  }
  for (const auto& c : o.checks) {
    f.checks.push_back({printable(c.name), c.status, c.needed, printable(c.found), printable(c.fix)});
  }
  for (const auto& j : o.jobs) f.jobs.push_back(job_fields(j));
  if (o.job) {
    f.job = printable(o.job->id);
    f.state = std::string(job_state_name(o.job->state));
    f.detail = printable(o.job->detail);
    if (const auto& n = o.job->notify) {
      f.notify = Fields::Notify{printable(n->state), n->tries, n->http_status, printable(n->message)};
    }
  }
  return f;
}

std::string result_text(const Fields& f) { return f.result ? std::to_string(*f.result) : std::string(); }

}  // namespace

std::optional<Format> parse_format(std::string_view name) noexcept {
  if (text::iequals(name, "xml")) return Format::xml;
  if (text::iequals(name, "json")) return Format::json;
  if (text::iequals(name, "text")) return Format::text;
  return std::nullopt;
}

std::string_view content_type(Format format) noexcept {
  switch (format) {
    case Format::json: return "application/json";
    case Format::text: return "text/plain; charset=utf-8";
    case Format::xml: break;
  }
  return "text/xml; charset=utf-8";
}

namespace {

namespace pt = boost::property_tree;

// Children are appended with push_back, not put/add, so that a name is never read as a path.
void append(pt::ptree& parent, const std::string& name, const std::string& text) {
  parent.push_back(pt::ptree::value_type(name, pt::ptree(text)));
}

void append(pt::ptree& parent, const std::string& name, pt::ptree child) {
  parent.push_back(pt::ptree::value_type(name, std::move(child)));
}

pt::ptree xml_attempts(const std::vector<Fields::Try>& tries) {
  pt::ptree attempts;
  for (const auto& a : tries) {
    pt::ptree attempt;
    append(attempt, "phone", a.phone);
    append(attempt, "outcome", a.outcome);
    append(attempt, "seconds", seconds_text(a.elapsed));
    if (!a.detail.empty()) append(attempt, "message", a.detail);
    if (!a.amd.empty()) append(attempt, "amd", a.amd);
    if (!a.amd_cause.empty()) append(attempt, "amd_cause", a.amd_cause);
    append(attempts, "attempt", std::move(attempt));
  }
  return attempts;
}

pt::ptree xml_notify(const Fields::Notify& n) {
  pt::ptree notify;
  append(notify, "state", n.state);
  append(notify, "tries", std::to_string(n.tries));
  if (n.http_status) append(notify, "http_status", std::to_string(*n.http_status));
  if (!n.message.empty()) append(notify, "message", n.message);
  return notify;
}

pt::ptree xml_jobs(const std::vector<Fields::Job>& list) {
  pt::ptree jobs;
  for (const auto& j : list) {
    pt::ptree job;
    append(job, "id", j.id);
    append(job, "state", j.state);
    append(job, "action", j.action);
    append(job, "started", j.started);
    append(job, "to", j.to);
    append(job, "result", j.result ? std::to_string(*j.result) : std::string());
    if (!j.error.empty()) append(job, "error", j.error);
    if (!j.acknowledged_by.empty()) append(job, "acknowledged_by", j.acknowledged_by);
    if (j.elapsed) append(job, "seconds", seconds_text(*j.elapsed));
    append(jobs, "job", std::move(job));
  }
  return jobs;
}

pt::ptree xml_checks(const std::vector<Fields::Check>& items) {
  pt::ptree checks;
  for (const auto& c : items) {
    pt::ptree check;
    append(check, "name", c.name);
    append(check, "status", std::string(check_status_name(c.status)));
    append(check, "needed", c.needed ? "1" : "0");
    append(check, "found", c.found);
    if (!c.fix.empty()) append(check, "fix", c.fix);
    append(checks, "check", std::move(check));
  }
  return checks;
}

// The one-line answer's scalar elements, in the order of the answer (docs/usage.md).
void xml_head(pt::ptree& answer, const Fields& f) {
  append(answer, "result", result_text(f));
  if (!f.action.empty()) append(answer, "action", f.action);
  if (!f.error.empty()) append(answer, "error", f.error);
  append(answer, "message", f.message);
  if (!f.subject.empty()) append(answer, f.subject_name, f.subject);
  if (!f.job.empty()) append(answer, "job", f.job);
  if (!f.state.empty()) append(answer, "state", f.state);
  if (!f.detail.empty()) append(answer, "detail", f.detail);
  if (!f.action_id.empty()) append(answer, "action_id", f.action_id);
  if (f.reason) append(answer, "reason", std::to_string(*f.reason));
  if (!f.channel.empty()) append(answer, "channel", f.channel);
  if (!f.uniqueid.empty()) append(answer, "uniqueid", f.uniqueid);
  if (!f.acknowledged_by.empty()) append(answer, "acknowledged_by", f.acknowledged_by);
  if (f.duplicate) append(answer, "duplicate", "1");
  if (f.retry_after) append(answer, "retry_after", std::to_string(*f.retry_after));
}

// Indent 0: compact, no line breaks between elements. PropertyTree escapes & < > " ' in
// text, writes an empty text as <name/> and a text of spaces only as "&#32;" + spaces.
std::string one_line_xml(const pt::ptree& document) {
  const std::string declaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";
  std::ostringstream out;
  pt::write_xml(out, document, pt::xml_writer_make_settings<std::string>(' ', 0, "UTF-8"));
  std::string xml = std::move(out).str();
  // PropertyTree always ends its declaration with a line break; the answer has always been
  // one line (the prefix eeDomus users see in the docs), so drop that one break.
  if (xml.compare(0, declaration.size() + 1, declaration + "\n") == 0) {
    xml.erase(declaration.size(), 1);
  }
  xml += '\n';
  return xml;
}

}  // namespace

std::string render_xml(const Outcome& outcome) {
  const auto f = fields_of(outcome);
  pt::ptree answer;
  xml_head(answer, f);
  if (!f.attempts.empty()) append(answer, "attempts", xml_attempts(f.attempts));
  if (f.notify) append(answer, "notify", xml_notify(*f.notify));
  if (!f.checks.empty()) append(answer, "checks", xml_checks(f.checks));
  if (!f.jobs.empty()) append(answer, "jobs", xml_jobs(f.jobs));
  append(answer, "elapsed_ms", std::to_string(f.elapsed_ms));
  pt::ptree document;
  append(document, "eecall", std::move(answer));
  return one_line_xml(document);
}

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json json_attempts(const std::vector<Fields::Try>& tries) {
  auto attempts = ordered_json::array();
  for (const auto& a : tries) {
    ordered_json attempt;
    attempt["phone"] = a.phone;
    attempt["outcome"] = a.outcome;
    attempt["seconds"] = seconds_number(a.elapsed);
    if (!a.detail.empty()) attempt["message"] = a.detail;
    if (!a.amd.empty()) attempt["amd"] = a.amd;
    if (!a.amd_cause.empty()) attempt["amd_cause"] = a.amd_cause;
    attempts.push_back(std::move(attempt));
  }
  return attempts;
}

ordered_json json_notify(const Fields::Notify& n) {
  ordered_json notify;
  notify["state"] = n.state;
  notify["tries"] = n.tries;
  if (n.http_status) notify["http_status"] = *n.http_status;
  if (!n.message.empty()) notify["message"] = n.message;
  return notify;
}

ordered_json json_jobs(const std::vector<Fields::Job>& list) {
  auto jobs = ordered_json::array();
  for (const auto& j : list) {
    ordered_json job;
    job["id"] = j.id;
    job["state"] = j.state;
    job["action"] = j.action;
    job["started"] = j.started;
    job["to"] = j.to;
    job["result"] = j.result ? ordered_json(*j.result) : ordered_json(nullptr);
    if (!j.error.empty()) job["error"] = j.error;
    if (!j.acknowledged_by.empty()) job["acknowledged_by"] = j.acknowledged_by;
    if (j.elapsed) job["seconds"] = seconds_number(*j.elapsed);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

ordered_json json_checks(const std::vector<Fields::Check>& items) {
  auto checks = ordered_json::array();
  for (const auto& c : items) {
    ordered_json check;
    check["name"] = c.name;
    check["status"] = std::string(check_status_name(c.status));
    check["needed"] = c.needed ? 1 : 0;  // a number, like result
    check["found"] = c.found;
    if (!c.fix.empty()) check["fix"] = c.fix;
    checks.push_back(std::move(check));
  }
  return checks;
}

}  // namespace

std::string render_json(const Outcome& outcome) {
  const auto f = fields_of(outcome);
  nlohmann::ordered_json j;
  j["result"] = f.result ? nlohmann::ordered_json(*f.result) : nlohmann::ordered_json(nullptr);
  if (!f.action.empty()) j["action"] = f.action;
  if (!f.error.empty()) j["error"] = f.error;
  j["message"] = f.message;
  if (!f.subject.empty()) j[f.subject_name] = f.subject;
  if (!f.job.empty()) j["job"] = f.job;
  if (!f.state.empty()) j["state"] = f.state;
  if (!f.detail.empty()) j["detail"] = f.detail;
  if (!f.action_id.empty()) j["action_id"] = f.action_id;
  if (f.reason) j["reason"] = *f.reason;
  if (!f.channel.empty()) j["channel"] = f.channel;
  if (!f.uniqueid.empty()) j["uniqueid"] = f.uniqueid;
  if (!f.acknowledged_by.empty()) j["acknowledged_by"] = f.acknowledged_by;
  if (f.duplicate) j["duplicate"] = 1;  // a number, like result
  if (f.retry_after) j["retry_after"] = *f.retry_after;
  if (!f.attempts.empty()) j["attempts"] = json_attempts(f.attempts);
  if (f.notify) j["notify"] = json_notify(*f.notify);
  if (!f.checks.empty()) j["checks"] = json_checks(f.checks);
  if (!f.jobs.empty()) j["jobs"] = json_jobs(f.jobs);
  j["elapsed_ms"] = f.elapsed_ms;
  return j.dump() + "\n";
}

namespace {

// A check's report: one line per check (its symbol, name and what was found), the fix (or how
// it could be known) under each one that is not ✔, then the usual one-line verdict.
std::string check_lines(const Fields& f) {
  std::string out;
  for (const auto& c : f.checks) {
    out += std::string(check_status_symbol(c.status)) + " " + c.name;
    if (!c.needed && c.status != CheckStatus::ok) out += " (not needed here)";
    out += ": " + c.found + "\n";
    if (!c.fix.empty() && c.status != CheckStatus::ok) {
      out += std::string(c.status == CheckStatus::failed ? "    fix: " : "    to know: ") + c.fix + "\n";
    }
  }
  return out;
}

// A job list: one line per job, newest first, then the verdict line.
std::string job_lines(const Fields& f) {
  std::string out;
  for (const auto& j : f.jobs) {
    out += j.id + " " + j.started + " " + j.action + " to " + j.to + " " + j.state;
    if (!j.error.empty()) out += " " + j.error;
    if (!j.acknowledged_by.empty()) out += " acknowledged_by " + j.acknowledged_by;
    if (j.elapsed) out += " " + seconds_text(*j.elapsed) + " s";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string render_text(const Outcome& outcome) {
  const auto f = fields_of(outcome);
  std::string line = outcome.answer == AnswerKind::job_accepted ? std::string("ACCEPTED")
                     : outcome.pending()                        ? f.state  // QUEUED, RUNNING
                     : outcome.ok()                             ? std::string("OK")
                                                                : std::string("FAILED");
  if (outcome.pending()) {
    for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!f.action.empty()) line += " " + f.action;
  if (f.duplicate) line += " (duplicate)";
  if (!f.error.empty()) line += " " + f.error;
  if (!f.subject.empty()) line += " (" + f.subject_name + " " + f.subject + ")";
  if (!f.job.empty()) line += " job " + f.job;
  line += ": " + f.message;
  if (!f.attempts.empty()) {
    line += " (";
    for (std::size_t i = 0; i < f.attempts.size(); ++i) {
      const auto& a = f.attempts[i];
      line += (i == 0 ? "" : "; ") + a.phone + " " + a.outcome + " " + seconds_text(a.elapsed) + " s";
      if (!a.amd.empty()) line += " amd " + a.amd + (a.amd_cause.empty() ? "" : " " + a.amd_cause);
    }
    line += ")";
  }
  if (f.notify) line += "; notify " + f.notify->state;
  line += " [" + std::to_string(f.elapsed_ms) + " ms]\n";
  return check_lines(f) + job_lines(f) + line;
}

std::string render(const Outcome& outcome, Format format) {
  switch (format) {
    case Format::json: return render_json(outcome);
    case Format::text: return render_text(outcome);
    case Format::xml: break;
  }
  return render_xml(outcome);
}

}  // namespace eecall
