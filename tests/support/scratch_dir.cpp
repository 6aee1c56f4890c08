#include "support/scratch_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "eecall/util/text.hpp"

namespace eecall::test {

ScratchDir::ScratchDir(std::string_view name) {
  // mkdtemp's random letters are mixed case, and a directory used as audio_dir that happens to
  // contain "DB" or "FILE" is rightly refused (Asterisk would refuse the Originate): draw again.
  for (int attempt = 0;; ++attempt) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("eecall-" + std::string(name) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
    }
    if (text::originate_blacklisted_word(pattern)) {
      ::rmdir(pattern.c_str());
      if (attempt < 100) continue;  // not the random letters then, but TMPDIR itself
      throw std::runtime_error("the temporary directory's path " + pattern + " holds a word Asterisk refuses");
    }
    ::chmod(pattern.c_str(), 0755);
    path_ = std::move(pattern);
    return;
  }
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
