// libFuzzer target: eecall.conf through the real loader (src/admin/ini.cpp and config.cpp),
// from a file as the admin writes it. The bytes go into a memfd (mode 0600, as the package
// makes the file), read through its /proc/self/fd path: no file on disk per input. Every
// refusal must be a config_error whose message names the file (the admin must find the line).
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "eecall/admin/config.hpp"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "config_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = ::memfd_create("eecall.conf", MFD_CLOEXEC);
  if (fd < 0) fail("memfd_create", "");
  if (::fchmod(fd, 0600) != 0) fail("fchmod", "");
  for (std::size_t written = 0; written < size;) {
    const auto n = ::write(fd, data + written, size - written);
    if (n <= 0) fail("write", "");
    written += static_cast<std::size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const auto config = eecall::load_config(path);
  ::close(fd);
  if (config) {
    if (config.value().path != path) fail("loaded config names another path", config.value().path);
    return 0;
  }
  const auto& failure = config.failure();
  if (failure.code != eecall::ErrorCode::config_error) fail("refusal is not config_error", failure.message);
  if (failure.message.find(path) == std::string::npos) fail("refusal does not name the file", failure.message);
  return 0;
}
