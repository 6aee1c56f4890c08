// Finding and opening eecall's optional modules (eecall-tls.so, eecall-speech.so) on demand.
//
// A CGI program is a new process per request: a library that only some requests need (OpenSSL
// for TLS, espeak-ng for speech) lives in a module that eecall opens with dlopen() the moment
// such a request needs it, so every other request never maps it (docs/performance.md). Every
// module exports one C function returning a table of functions whose first member is
// `int abi_version` (include/eecall/tls/module_abi.h, include/eecall/speech/module_abi.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eecall/util/result.hpp"

namespace eecall {

/// What to open, and how to word a failure.
struct ModuleSpec {
  std::string_view file_name;    // "eecall-tls.so"
  std::string_view entry_point;  // the exported function returning the table
  int abi_version;               // the table's abi_version must be this one
  std::string_view kind;         // "TLS": "is not an eecall TLS module", "the TLS module is not installed"
  std::string_view unavailable;  // "TLS support is not available": starts every failure message
  ErrorCode code;                // of every failure
  std::string_view subject;      // of every failure ("tls")
};

/// Where a module is looked for, in order: next to the running program (a build tree), then
/// `../eecall/` from the program's directory (installed: /usr/lib/cgi-bin/eecall finds
/// /usr/lib/eecall/<file_name>, whatever the prefix).
std::vector<std::string> module_candidates(std::string_view file_name);

/// A failure of `spec`'s kind: "<unavailable>: <why>".
Failure module_failure(const ModuleSpec& spec, const std::string& why);

/// The module's entry point: from `path`, or when `path` is empty from the first candidate that
/// exists (the failure then names every file tried). The module stays loaded for the process.
struct ModuleEntry {
  void* function = nullptr;  // the entry point, to be cast to the module's own type
  std::string path;          // the file it came from
};
Result<ModuleEntry> open_module(const ModuleSpec& spec, const std::string& path = {});

/// The module's function table, checked for `spec.abi_version`.
template <typename Api>
Result<const Api*> load_module(const ModuleSpec& spec, const std::string& path = {}) {
  auto entry = open_module(spec, path);
  if (!entry) return entry.failure();
  using EntryPoint = const Api* (*)();
  const Api* api = reinterpret_cast<EntryPoint>(entry.value().function)();
  if (api == nullptr || api->abi_version != spec.abi_version) {
    return module_failure(spec, entry.value().path +
                                    " was built for another version of eecall (reinstall eecall)");
  }
  return api;
}

}  // namespace eecall
