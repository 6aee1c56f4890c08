#include "eecall/render.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <nlohmann/json.hpp>

#include <sstream>
#include <vector>

#include "eecall/text.hpp"

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
  int result;
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
  struct Try {
    std::string phone;
    std::string outcome;
    std::string seconds;  // one decimal, e.g. "4.3"
    std::string detail;
  };
  std::vector<Try> attempts;
};

std::string seconds_text(std::chrono::milliseconds ms) {
  const auto tenths = (ms.count() + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

Fields fields_of(const Outcome& o) {
  Fields f;
  f.result = o.ok() ? 1 : 0;
  f.action = o.action ? std::string(action_name(*o.action)) : std::string();
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
  for (const auto& a : o.attempts) {
    f.attempts.push_back({printable(a.phone), std::string(attempt_outcome_name(a.outcome)),
                          seconds_text(a.elapsed), printable(a.detail)});
  }
  return f;
}

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
  element("result", std::to_string(f.result));
  if (!f.action.empty()) element("action", f.action);
  if (!f.error.empty()) element("error", f.error);
  element("message", f.message);
  if (!f.subject.empty()) element(f.subject_name, f.subject);
  if (!f.action_id.empty()) element("action_id", f.action_id);
  if (f.reason) element("reason", std::to_string(*f.reason));
  if (!f.channel.empty()) element("channel", f.channel);
  if (!f.uniqueid.empty()) element("uniqueid", f.uniqueid);
  if (!f.acknowledged_by.empty()) element("acknowledged_by", f.acknowledged_by);
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
  j["result"] = f.result;
  if (!f.action.empty()) j["action"] = f.action;
  if (!f.error.empty()) j["error"] = f.error;
  j["message"] = f.message;
  if (!f.subject.empty()) j[f.subject_name] = f.subject;
  if (!f.action_id.empty()) j["action_id"] = f.action_id;
  if (f.reason) j["reason"] = *f.reason;
  if (!f.channel.empty()) j["channel"] = f.channel;
  if (!f.uniqueid.empty()) j["uniqueid"] = f.uniqueid;
  if (!f.acknowledged_by.empty()) j["acknowledged_by"] = f.acknowledged_by;
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
  j["elapsed_ms"] = f.elapsed_ms;
  return j.dump() + "\n";
}

std::string render_text(const Outcome& outcome) {
  const auto f = fields_of(outcome);
  std::string line = outcome.ok() ? "OK" : "FAILED";
  if (!f.action.empty()) line += " " + f.action;
  if (!f.error.empty()) line += " " + f.error;
  if (!f.subject.empty()) line += " (" + f.subject_name + " " + f.subject + ")";
  line += ": " + f.message;
  if (!f.attempts.empty()) {
    line += " (";
    for (std::size_t i = 0; i < f.attempts.size(); ++i) {
      const auto& a = f.attempts[i];
      line += (i == 0 ? "" : "; ") + a.phone + " " + a.outcome + " " + a.seconds + " s";
    }
    line += ")";
  }
  line += " [" + std::to_string(f.elapsed_ms) + " ms]\n";
  return line;
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
