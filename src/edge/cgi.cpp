#include "eecall/edge/cgi.hpp"

#include <cgicc/CgiInput.h>
#include <cgicc/Cgicc.h>

#include <algorithm>
#include <istream>
#include <ostream>

#include "eecall/admin/config.hpp"
#include "eecall/edge/dispatch.hpp"
#include "eecall/admin/settings.hpp"
#include "eecall/action/log.hpp"
#include "eecall/action/render.hpp"
#include "eecall/util/text.hpp"

namespace eecall {

namespace {

// cgicc reads the environment and the body through this, so nothing touches the real process
// state and tests can run the CGI path in-process.
class Input final : public cgicc::CgiInput {
 public:
  Input(const Environment& env, std::string_view body) : env_(env), body_(body) {}
  size_t read(char* data, size_t length) override {
    const auto n = std::min(length, body_.size());
    std::copy_n(body_.data(), n, data);
    body_.remove_prefix(n);
    return n;
  }
  std::string getenv(const char* name) override { return lookup(env_, name).value_or(""); }

 private:
  const Environment& env_;
  std::string_view body_;
};

double media_quality(std::string_view accept, std::initializer_list<std::string_view> types) {
  double best = -1.0;
  std::size_t start = 0;
  while (start <= accept.size()) {
    auto end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    auto item = accept.substr(start, end - start);
    start = end + 1;
    auto semi = item.find(';');
    auto type = item.substr(0, semi);
    while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    double q = 1.0;
    if (semi != std::string_view::npos) {
      auto qpos = item.find("q=", semi);
      if (qpos != std::string_view::npos) q = std::atof(std::string(item.substr(qpos + 2)).c_str());
    }
    for (auto t : types) {
      if (text::iequals(type, t)) best = std::max(best, q);
    }
  }
  return best;
}

// JSON only when the client asks for it more than for XML; eeDomus sends no Accept for XML.
Format negotiate(std::string_view accept) {
  const double json = media_quality(accept, {"application/json"});
  const double xml = media_quality(accept, {"text/xml", "application/xml"});
  return json > 0.0 && json > xml ? Format::json : Format::xml;
}

// `Authorization: Bearer <token>` (Apache passes it only with CGIPassAuth On).
std::string bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() || !text::iequals(header.substr(0, scheme.size()), scheme)) return {};
  header.remove_prefix(scheme.size());
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  return std::string(header);
}

// `with_body` false: a HEAD request, which gets the status and headers only (RFC 9110 9.3.2).
void write_answer(std::ostream& out, const Outcome& outcome, Format format, bool with_body = true) {
  const int status = http_status(outcome.error, outcome.answer);
  out << "Status: " << status << ' ' << http_reason(status) << "\r\n";
  if (outcome.error == ErrorCode::method_not_allowed) out << "Allow: " << allowed_methods << "\r\n";
  if (outcome.retry_after) out << "Retry-After: " << outcome.retry_after->count() << "\r\n";
  out << "Content-Type: " << content_type(format) << "\r\n"
      << "Cache-Control: no-store\r\n"
      << "\r\n";
  if (with_body) out << render(outcome, format);
  out.flush();
}

// Only GET and POST act: HEAD (link checkers, monitoring probes, prefetching browsers), PUT,
// DELETE, OPTIONS and the rest are answered 405 before anything else is even read.
bool method_acts(std::string_view method) { return method == "GET" || method == "POST"; }

// The body is read here, bounded, before cgicc sees it: a huge CONTENT_LENGTH is refused
// unread, and a body shorter than announced is the client's error, not ours.
Result<std::string> read_body(const Environment& env, std::istream& in) {
  std::string body;
  const auto length = lookup(env, "CONTENT_LENGTH");
  if (!length || length->empty()) return body;
  char* end = nullptr;
  const auto n = std::strtoull(length->c_str(), &end, 10);
  if (*end != '\0' || n > max_post_bytes) {
    return Failure{ErrorCode::invalid_parameter,
                   "request body larger than " + std::to_string(max_post_bytes) + " bytes", "body"};
  }
  body.resize(static_cast<std::size_t>(n));
  in.read(body.data(), static_cast<std::streamsize>(n));
  if (static_cast<std::size_t>(in.gcount()) != body.size()) {
    return Failure{ErrorCode::invalid_parameter, "request body shorter than its CONTENT_LENGTH", "body"};
  }
  return body;
}

// The query string's and the form body's parameters, decoded by cgicc.
Params form_params(const Environment& env, const std::string& body) {
  Input input(env, body);
  cgicc::Cgicc cgi(&input);
  Params params;
  for (const auto& entry : cgi.getElements()) params.emplace_back(entry.getName(), entry.getValue());
  return params;
}

// format= wins over the Accept header's choice.
Result<Format> requested_format(const Params& params, Format negotiated) {
  const auto format_param = std::find_if(params.begin(), params.end(), [](const auto& p) {
    return p.first == "format" && !p.second.empty();
  });
  if (format_param == params.end()) return negotiated;
  if (auto chosen = parse_format(format_param->second)) return *chosen;
  return Failure{ErrorCode::invalid_parameter, "format must be xml, json or text", "format"};
}

// format= of the query string alone, for a method that does not act (its body is never read):
// a 405 is answered in the format asked like every other answer. Anything but xml, json or text
// leaves the Accept header's choice.
Format query_format(const Environment& env, Format negotiated) {
  const auto query = lookup(env, "QUERY_STRING").value_or("");
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto end = rest.find('&');
    const auto pair = rest.substr(0, end);
    if (pair.starts_with("format=")) {
      if (auto chosen = parse_format(pair.substr(7))) negotiated = *chosen;
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return negotiated;
}

// Reads, checks and serves the request, and writes its answer. A failure is a refusal before
// serve(), for the caller to answer in `format`, which format= may have changed.
Status answer_request(const Environment& env, std::istream& in, std::ostream& out,
                      std::string_view method, Format& format, const Executor& executor,
                      const Prober& prober) {
  if (!method_acts(method)) {
    format = query_format(env, format);
    return Failure{ErrorCode::method_not_allowed,
                   "the HTTP method '" + std::string(method.substr(0, 32)) + "' does not act here: use GET or POST",
                   "method"};
  }
  const auto body = read_body(env, in);
  if (!body) return body.failure();
  Params params = form_params(env, body.value());
  const auto chosen = requested_format(params, format);
  if (!chosen) return chosen.failure();
  format = chosen.value();

  // The admin's configuration is wrong, not the request: 500, and the log says where.
  const auto config = load_config_for(env, std::nullopt);
  if (!config) return Failure{ErrorCode::config_error, config.failure().message, "config"};

  Incoming incoming;
  incoming.params = std::move(params);
  incoming.bearer_token = bearer_token(lookup(env, "HTTP_AUTHORIZATION").value_or(""));
  incoming.over_http = true;
  write_answer(out, serve(incoming, config.value(), environment_values(env), executor, prober), format);
  return std::nullopt;
}

// A request refused before serve() (which logs its own): logged here, then answered.
void answer_refusal(std::ostream& out, const Failure& failure, Format format, bool with_body) {
  const auto outcome = failed_outcome(failure);
  log::request_done(nullptr, outcome);
  write_answer(out, outcome, format, with_body);
}

}  // namespace

bool is_cgi(const Environment& env) { return lookup(env, "GATEWAY_INTERFACE").has_value(); }

int run_cgi(const Environment& env, std::istream& in, std::ostream& out, const Executor& executor,
            const Prober& prober) {
  const auto method = lookup(env, "REQUEST_METHOD").value_or("");
  Format format = negotiate(lookup(env, "HTTP_ACCEPT").value_or(""));
  Status refused;
  try {
    refused = answer_request(env, in, out, method, format, executor, prober);
  } catch (const std::exception& e) {
    refused = Failure{ErrorCode::internal_error, std::string("internal error: ") + e.what(), "cgi"};
  }
  if (refused) answer_refusal(out, *refused, format, method != "HEAD");
  return 0;
}

}  // namespace eecall
