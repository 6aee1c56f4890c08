#include "eecall/ami/tls_module.hpp"

#include "eecall/util/module_loader.hpp"

namespace eecall::ami {

Result<const eecall_tls_api*> load_tls_module(const std::string& path) {
  static constexpr ModuleSpec tls{"eecall-tls.so", EECALL_TLS_ENTRY_POINT, EECALL_TLS_ABI_VERSION,
                                  "TLS",           "TLS support is not available",
                                  ErrorCode::tls_failed, "tls"};
  return load_module<eecall_tls_api>(tls, path);
}

}  // namespace eecall::ami
