#include "check_params.hpp"

#include <algorithm>

namespace eecall {

namespace {

// The use: what the parameters that were given describe (parse_request leaves the others
// empty when the use is optional).
CheckUse use_of(const Params& params, const Request& r) {
  CheckUse use;
  use.action = r.action;
  use.driver = r.driver;
  use.background = flag_set(params, "background");
  use.notify = flag_set(params, "check_notify");
  use.strict = flag_set(params, "strict");
  use.phones = r.phones;
  switch (r.action) {
    case ActionKind::call:
      use.target = r.to;
      use.wait = r.wait.count() > 0;
      use.amd = use.wait && r.alert.amd.value_or(false);  // a waited call with amd=1
      break;
    case ActionKind::message: break;
    case ActionKind::alert:
      use.ack = r.alert.ack.has_value();
      use.prompt = r.alert.kind;
      use.amd = r.alert.amd.value_or(false);
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
  auto parsed = parse_request(params, limits, Completeness::use_optional);
  if (!parsed) return parsed.failure();
  auto use = use_of(params, parsed.value());
  return CheckParams{std::move(parsed.value()), std::move(use)};
}

bool wants_check(const Params& params) { return flag_set(params, "check"); }

}  // namespace eecall
