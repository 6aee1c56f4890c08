#include "support/scratch_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "eecall/util/text.hpp"

namespace eecall::test {

namespace {

// eecall-NAME-pPID-XXXXXX (a ScratchDir) and eecall-sim-PID-N.log (a Simulator's log,
// process.cpp): the pid of the test process that made it.
const std::regex& scratch_name() {
  static const std::regex pattern("eecall-.+-p([0-9]+)-[A-Za-z0-9]{6}|eecall-sim-([0-9]+)-[0-9]+\\.log");
  return pattern;
}

}  // namespace

void sweep_orphaned_scratch_dirs() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    const auto name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, scratch_name())) continue;
    const std::string proc = "/proc/" + (m[1].matched ? m[1] : m[2]).str();
    if (::access(proc.c_str(), F_OK) == 0) continue;  // its process still runs (or the pid was reused)
    std::error_code ignored;
    std::filesystem::remove_all(entry.path(), ignored);
  }
}

ScratchDir::ScratchDir(std::string_view name) {
  // A test process killed before its destructors ran (a ctest timeout, a signal) left its
  // directories behind: the next test process removes them (issue 22, /tmp/eecall-state-*).
  static const bool swept = (sweep_orphaned_scratch_dirs(), true);
  (void)swept;
  // mkdtemp's random letters are mixed case, and a directory used as audio_dir that happens to
  // contain "DB" or "FILE" is rightly refused (Asterisk would refuse the Originate): draw again.
  for (int attempt = 0;; ++attempt) {
    std::string pattern = (std::filesystem::temp_directory_path() /
                           ("eecall-" + std::string(name) + "-p" + std::to_string(::getpid()) + "-XXXXXX"))
                              .string();
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
