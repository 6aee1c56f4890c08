// Opening eecall-tls.so, the TLS module, when a session asks for TLS.
//
// OpenSSL is loaded only then: for a plain TCP session (most PBXs, on the LAN) the process
// never maps libssl or libcrypto, which would cost more than the rest of the request
// (docs/performance.md). The module itself is include/eecall/tls/module_abi.h's C interface;
// where it is looked for is eecall/module_loader.hpp's.
#pragma once

#include <string>

#include "eecall/util/result.hpp"
#include "eecall/tls/module_abi.h"

namespace eecall::ami {

/// The module's function table: from `path`, or when `path` is empty from eecall-tls.so next
/// to the program or installed (module_candidates()). The module stays loaded for the process.
/// Failure: tls_failed, step "tls", saying which files were tried and why they could not be used.
Result<const eecall_tls_api*> load_tls_module(const std::string& path = {});

}  // namespace eecall::ami
