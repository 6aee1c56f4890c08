// Minimal on purpose: the same search as src/ami/tls_module.cpp. Once a shared module loader
// exists (include/eecall/module_loader.hpp on the `speech` branch), this whole file becomes
// one load_module<eecall_notify_api>(spec, path) call.
#include "eecall/front/notify_module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <vector>

namespace eecall::front {

namespace {

constexpr const char* module_name = "eecall-notify.so";

Failure unusable(const std::string& why) {
  return {ErrorCode::internal_error, "notify is not available: " + why, "notify"};
}

std::vector<std::string> candidates() {
  std::array<char, 4096> self{};
  const auto n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return {};
  const std::string program(self.data(), static_cast<std::size_t>(n));
  const auto dir = program.substr(0, program.rfind('/'));
  return {dir + "/" + module_name, dir.substr(0, dir.rfind('/')) + "/eecall/" + module_name};
}

Result<const eecall_notify_api*> open_file(const std::string& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return unusable("cannot load " + path + ": " + (why != nullptr ? why : "unknown error"));
  }
  void* symbol = ::dlsym(handle, EECALL_NOTIFY_ENTRY_POINT);
  if (symbol == nullptr) return unusable(path + " is not an eecall notify module");
  const auto* api = reinterpret_cast<eecall_notify_entry_point>(symbol)();
  if (api == nullptr || api->abi_version != EECALL_NOTIFY_ABI_VERSION) {
    return unusable(path + " was built for another version of eecall (reinstall eecall)");
  }
  return api;
}

}  // namespace

Result<const eecall_notify_api*> load_notify_module(const std::string& path) {
  if (!path.empty()) return open_file(path);
  const auto found = candidates();
  for (const auto& candidate : found) {
    if (::access(candidate.c_str(), F_OK) == 0) return open_file(candidate);
  }
  std::string tried;
  for (const auto& candidate : found) tried += (tried.empty() ? "" : ", ") + candidate;
  return unusable("the notify module is not installed (looked for " + tried + ")");
}

}  // namespace eecall::front
