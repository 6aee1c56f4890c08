#include "eecall/action/render.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
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
    std::string seconds;  // one decimal, e.g. "4.3"
    std::string detail;
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
};

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto tenths = (ms.count() + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
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
                          seconds_text(a.elapsed), printable(a.detail)});
  }
  for (const auto& c : o.checks) {
    f.checks.push_back({printable(c.name), c.status, c.needed, printable(c.found), printable(c.fix)});
  }
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

std::string render_xml(const Outcome& outcome) {
  namespace pt = boost::property_tree;
  const auto f = fields_of(outcome);
  // Children are appended with push_back, not put/add, so that a name is never read as a path.
  pt::ptree answer;
  auto element = [&](const std::string& name, const std::string& value) {
    answer.push_back(pt::ptree::value_type(name, pt::ptree(value)));
  };
  element("result", result_text(f));
  if (!f.action.empty()) element("action", f.action);
  if (!f.error.empty()) element("error", f.error);
  element("message", f.message);
  if (!f.subject.empty()) element(f.subject_name, f.subject);
  if (!f.job.empty()) element("job", f.job);
  if (!f.state.empty()) element("state", f.state);
  if (!f.detail.empty()) element("detail", f.detail);
  if (!f.action_id.empty()) element("action_id", f.action_id);
  if (f.reason) element("reason", std::to_string(*f.reason));
  if (!f.channel.empty()) element("channel", f.channel);
  if (!f.uniqueid.empty()) element("uniqueid", f.uniqueid);
  if (!f.acknowledged_by.empty()) element("acknowledged_by", f.acknowledged_by);
  if (f.duplicate) element("duplicate", "1");
  if (f.retry_after) element("retry_after", std::to_string(*f.retry_after));
  if (!f.attempts.empty()) {
    pt::ptree attempts;
    for (const auto& a : f.attempts) {
      pt::ptree attempt;
      attempt.push_back(pt::ptree::value_type("phone", pt::ptree(a.phone)));
      attempt.push_back(pt::ptree::value_type("outcome", pt::ptree(a.outcome)));
      attempt.push_back(pt::ptree::value_type("seconds", pt::ptree(a.seconds)));
      if (!a.detail.empty()) attempt.push_back(pt::ptree::value_type("message", pt::ptree(a.detail)));
      attempts.push_back(pt::ptree::value_type("attempt", std::move(attempt)));
    }
    answer.push_back(pt::ptree::value_type("attempts", std::move(attempts)));
  }
  if (f.notify) {
    pt::ptree notify;
    notify.push_back(pt::ptree::value_type("state", pt::ptree(f.notify->state)));
    notify.push_back(pt::ptree::value_type("tries", pt::ptree(std::to_string(f.notify->tries))));
    if (f.notify->http_status) {
      notify.push_back(pt::ptree::value_type("http_status", pt::ptree(std::to_string(*f.notify->http_status))));
    }
    if (!f.notify->message.empty()) notify.push_back(pt::ptree::value_type("message", pt::ptree(f.notify->message)));
    answer.push_back(pt::ptree::value_type("notify", std::move(notify)));
  }
  if (!f.checks.empty()) {
    pt::ptree checks;
    for (const auto& c : f.checks) {
      pt::ptree check;
      check.push_back(pt::ptree::value_type("name", pt::ptree(c.name)));
      check.push_back(pt::ptree::value_type("status", pt::ptree(std::string(check_status_name(c.status)))));
      check.push_back(pt::ptree::value_type("needed", pt::ptree(c.needed ? "1" : "0")));
      check.push_back(pt::ptree::value_type("found", pt::ptree(c.found)));
      if (!c.fix.empty()) check.push_back(pt::ptree::value_type("fix", pt::ptree(c.fix)));
      checks.push_back(pt::ptree::value_type("check", std::move(check)));
    }
    answer.push_back(pt::ptree::value_type("checks", std::move(checks)));
  }
  element("elapsed_ms", std::to_string(f.elapsed_ms));
  pt::ptree document;
  document.push_back(pt::ptree::value_type("eecall", std::move(answer)));

  // Indent 0: compact, no line breaks between elements. PropertyTree escapes & < > " ' in
  // text, writes an empty text as <name/> and a text of spaces only as "&#32;" + spaces.
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
  if (!f.attempts.empty()) {
    auto& attempts = j["attempts"] = nlohmann::ordered_json::array();
    for (const auto& a : f.attempts) {
      nlohmann::ordered_json attempt;
      attempt["phone"] = a.phone;
      attempt["outcome"] = a.outcome;
      attempt["seconds"] = nlohmann::ordered_json::parse(a.seconds);  // a number, as written
      if (!a.detail.empty()) attempt["message"] = a.detail;
      attempts.push_back(std::move(attempt));
    }
  }
  if (f.notify) {
    auto& notify = j["notify"];
    notify["state"] = f.notify->state;
    notify["tries"] = f.notify->tries;
    if (f.notify->http_status) notify["http_status"] = *f.notify->http_status;
    if (!f.notify->message.empty()) notify["message"] = f.notify->message;
  }
  if (!f.checks.empty()) {
    auto& checks = j["checks"] = nlohmann::ordered_json::array();
    for (const auto& c : f.checks) {
      nlohmann::ordered_json check;
      check["name"] = c.name;
      check["status"] = std::string(check_status_name(c.status));
      check["needed"] = c.needed ? 1 : 0;  // a number, like result
      check["found"] = c.found;
      if (!c.fix.empty()) check["fix"] = c.fix;
      checks.push_back(std::move(check));
    }
  }
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
      line += (i == 0 ? "" : "; ") + a.phone + " " + a.outcome + " " + a.seconds + " s";
    }
    line += ")";
  }
  if (f.notify) line += "; notify " + f.notify->state;
  line += " [" + std::to_string(f.elapsed_ms) + " ms]\n";
  return check_lines(f) + line;
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
