#include "eecall/util/module_loader.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <array>

namespace eecall {

namespace {

std::string executable_directory() {
  std::array<char, 4096> path{};
  const auto n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (n <= 0) return {};
  std::string self(path.data(), static_cast<std::size_t>(n));
  const auto slash = self.rfind('/');
  return slash == std::string::npos ? std::string() : self.substr(0, slash);
}

Result<ModuleEntry> open_file(const ModuleSpec& spec, const std::string& path) {
  // RTLD_LOCAL: the module's libraries' symbols stay the module's. The handle is kept for the
  // process; a second dlopen of the same file only returns it again.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return module_failure(spec, "cannot load " + path + ": " + (why != nullptr ? why : "unknown error"));
  }
  void* symbol = ::dlsym(handle, std::string(spec.entry_point).c_str());
  if (symbol == nullptr) {
    return module_failure(spec, path + " is not an eecall " + std::string(spec.kind) + " module");
  }
  return ModuleEntry{symbol, path};
}

}  // namespace

std::vector<std::string> module_candidates(std::string_view file_name) {
  std::vector<std::string> candidates;
  const auto dir = executable_directory();
  if (dir.empty()) return candidates;
  candidates.push_back(dir + "/" + std::string(file_name));  // a build tree
  // Installed: PREFIX/lib/cgi-bin/eecall and PREFIX/lib/eecall/<module> (CMakeLists.txt),
  // whatever the prefix, so a package and `cmake --install --prefix` both find it.
  const auto parent = dir.substr(0, dir.rfind('/'));
  candidates.push_back(parent + "/eecall/" + std::string(file_name));
  return candidates;
}

Failure module_failure(const ModuleSpec& spec, const std::string& why) {
  return {spec.code, std::string(spec.unavailable) + ": " + why, std::string(spec.subject)};
}

Result<ModuleEntry> open_module(const ModuleSpec& spec, const std::string& path) {
  if (!path.empty()) return open_file(spec, path);
  const auto candidates = module_candidates(spec.file_name);
  for (const auto& candidate : candidates) {
    if (::access(candidate.c_str(), F_OK) == 0) return open_file(spec, candidate);
  }
  std::string tried;
  for (const auto& candidate : candidates) tried += (tried.empty() ? "" : ", ") + candidate;
  return module_failure(spec, "the " + std::string(spec.kind) + " module is not installed (looked for " +
                                  tried + ")");
}

}  // namespace eecall
