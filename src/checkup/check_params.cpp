#include "check_params.hpp"

#include <algorithm>

namespace eecall {

namespace {

bool given(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name && !p.second.empty(); });
}

// `--say` or `--play` make it an alert, else `--msg` or `--drv` a message, else a call.
ActionKind check_action(const Params& params) {
  if (given(params, "say") || given(params, "play")) return ActionKind::alert;
  if (given(params, "msg") || given(params, "drv")) return ActionKind::message;
  return ActionKind::call;
}

// The request's parameters (the check's own left out) with a stand-in for each one a check may
// leave out, so that parse_request() applies every one of its rules to what was given.
//
// The stand-ins are never read (use_of() reads what was given): they stay until
// request/parse.hpp can parse a request whose use parameters are optional (its field checkers
// are private to parse.cpp, and a second copy of its rules here would be a second place that
// decides what is acceptable).
Params completed_for_parse_request(const Params& params, ActionKind action) {
  Params p;
  for (const auto& [name, value] : params) {
    if (name != "check" && name != "check_notify" && name != "background") p.emplace_back(name, value);
  }
  const auto stand_in = [&](const char* name, const char* value) {
    if (!given(p, name)) p.emplace_back(name, value);
  };
  switch (action) {
    case ActionKind::message:
      stand_in("msg", "eecall check");
      stand_in("to", "0");
      stand_in("drv", "pjsip");
      break;
    case ActionKind::alert: stand_in("from", "0"); break;
    case ActionKind::call:
      stand_in("from", "0");
      stand_in("to", "0");
      break;
  }
  return p;
}

// The use: the parsed values of the parameters that were given, none of the stand-ins.
CheckUse use_of(const Params& params, const Request& r) {
  CheckUse use;
  use.action = r.action;
  use.driver = r.driver;
  use.background = flag_set(params, "background");
  use.notify = flag_set(params, "check_notify");
  const bool from_given = given(params, "from") || given(params, "call_from");
  switch (r.action) {
    case ActionKind::call:
      if (from_given) use.phones = r.phones;
      if (given(params, "to")) use.target = r.to;
      use.wait = r.wait.count() > 0;
      break;
    case ActionKind::message:
      if (given(params, "to")) use.phones = r.phones;
      break;
    case ActionKind::alert:
      if (from_given) use.phones = r.phones;
      use.ack = r.alert.ack.has_value();
      use.prompt = r.alert.kind;
      break;
  }
  return use;
}

}  // namespace

bool flag_set(const Params& params, std::string_view name) {
  return std::any_of(params.begin(), params.end(),
                     [&](const auto& p) { return p.first == name && !p.second.empty() && p.second != "0"; });
}

Result<CheckParams> parse_check_params(const Params& params, const RequestLimits& limits) {
  auto parsed = parse_request(completed_for_parse_request(params, check_action(params)), limits);
  if (!parsed) return parsed.failure();
  auto use = use_of(params, parsed.value());
  return CheckParams{std::move(parsed.value()), std::move(use)};
}

bool wants_check(const Params& params) { return flag_set(params, "check"); }

}  // namespace eecall
