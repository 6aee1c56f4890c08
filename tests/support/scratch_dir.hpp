// Fresh directories for tests that need files of their own (e.g. eecall's state_dir), so that
// no test ever reads or writes the machine's /var/lib/eecall.
#pragma once

#include <string>
#include <string_view>

namespace eecall::test {

/// A new empty directory under the system's temporary directory (mode 0755), removed with
/// everything in it by the destructor: eecall-NAME-pPID-XXXXXX, PID the test process's.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Removes the scratch directories of test processes that no longer run (killed before their
/// destructors ran). The first ScratchDir of each test process calls it.
void sweep_orphaned_scratch_dirs();

/// One state_dir for every eecall this test process runs (ctest runs each test in a process
/// of its own), removed when the process exits.
const std::string& test_state_dir();

}  // namespace eecall::test
