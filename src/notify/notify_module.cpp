#include "eecall/notify/notify_module.hpp"

#include "eecall/util/module_loader.hpp"

namespace eecall {

Result<const eecall_notify_api*> load_notify_module(const std::string& path) {
  static constexpr ModuleSpec notify{"eecall-notify.so",    EECALL_NOTIFY_ENTRY_POINT,
                                     EECALL_NOTIFY_ABI_VERSION, "notify",
                                     "notify is not available", ErrorCode::internal_error,
                                     "notify"};
  return load_module<eecall_notify_api>(notify, path);
}

}  // namespace eecall
