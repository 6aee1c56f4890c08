// Finding and opening eecall-notify.so (include/eecall/notify/module_abi.h) when a job that
// has a notify_url ends: libcurl is loaded only then.
#pragma once

#include <string>

#include "eecall/notify/module_abi.h"
#include "eecall/util/result.hpp"

namespace eecall {

/// The module's table: from `path`, or when it is empty from `eecall-notify.so` next to the
/// running program (a build tree), then `../eecall/eecall-notify.so` from the program's
/// directory (installed: /usr/lib/cgi-bin/eecall finds /usr/lib/eecall/). Stays loaded.
/// Failure: internal_error, step "notify", saying what was tried and why it is unusable.
Result<const eecall_notify_api*> load_notify_module(const std::string& path = {});

}  // namespace eecall
