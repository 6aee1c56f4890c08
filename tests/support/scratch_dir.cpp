#include "support/scratch_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace eecall::test {

ScratchDir::ScratchDir(std::string_view name) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("eecall-" + std::string(name) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  ::chmod(pattern.c_str(), 0755);
  path_ = std::move(pattern);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

const std::string& test_state_dir() {
  static const ScratchDir dir("state");
  return dir.path();
}

}  // namespace eecall::test
