// A check's parameters (check=1, --check): the request it is about, with everything but the
// PBX optional, and the use that what was given describes (CheckUse). Private to the checkup
// library.
#pragma once

#include <string_view>

#include "eecall/checkup/check.hpp"
#include "eecall/request/parse.hpp"
#include "eecall/util/result.hpp"

namespace eecall {

struct CheckParams {
  Request request;  // where the PBX is and as whom; the use's values as the request's rules read them
  CheckUse use;
};

/// Every given value by the very rules of parse_request() (a refusal is the request's own),
/// the PBX required, the rest optional.
Result<CheckParams> parse_check_params(const Params& params, const RequestLimits& limits);

/// A yes/no parameter such as background=1: given, and not 0.
bool flag_set(const Params& params, std::string_view name);

}  // namespace eecall
