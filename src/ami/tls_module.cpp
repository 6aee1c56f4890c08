#include "eecall/ami/tls_module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <array>

namespace eecall::ami {

namespace {

constexpr const char* module_name = "eecall-tls.so";

std::string executable_directory() {
  std::array<char, 4096> path{};
  const auto n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) return {};
  std::string self(path.data(), static_cast<std::size_t>(n));
  const auto slash = self.rfind('/');
  return slash == std::string::npos ? std::string() : self.substr(0, slash);
}

Failure unusable(const std::string& why) {
  return {ErrorCode::tls_failed, "TLS support is not available: " + why, "tls"};
}

Result<const eecall_tls_api*> open_module(const std::string& path) {
  // RTLD_LOCAL: OpenSSL's symbols stay the module's. The handle is kept for the process; a
  // second dlopen of the same file only returns it again.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return unusable("cannot load " + path + ": " + (why != nullptr ? why : "unknown error"));
  }
  void* symbol = ::dlsym(handle, EECALL_TLS_ENTRY_POINT);
  if (symbol == nullptr) return unusable(path + " is not an eecall TLS module");
  const auto entry = reinterpret_cast<eecall_tls_entry_point>(symbol);
  const eecall_tls_api* api = entry();
  if (api == nullptr || api->abi_version != EECALL_TLS_ABI_VERSION) {
    return unusable(path + " was built for another version of eecall (reinstall eecall)");
  }
  return api;
}

}  // namespace

std::vector<std::string> tls_module_candidates() {
  std::vector<std::string> candidates;
  const auto dir = executable_directory();
  if (dir.empty()) return candidates;
  candidates.push_back(dir + "/" + module_name);  // a build tree
  // Installed: PREFIX/lib/cgi-bin/eecall and PREFIX/lib/eecall/eecall-tls.so (CMakeLists.txt),
  // whatever the prefix, so a package and `cmake --install --prefix` both find it.
  const auto parent = dir.substr(0, dir.rfind('/'));
  candidates.push_back(parent + "/eecall/" + module_name);
  return candidates;
}

Result<const eecall_tls_api*> load_tls_module(const std::string& path) {
  if (!path.empty()) return open_module(path);
  const auto candidates = tls_module_candidates();
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), F_OK) == 0) return open_module(candidate);
  }
  std::string tried;
  for (const auto& candidate : candidates) tried += (tried.empty() ? "" : ", ") + candidate;
  return unusable("the TLS module is not installed (looked for " + tried + ")");
}

}  // namespace eecall::ami
