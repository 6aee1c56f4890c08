// tests/support/scratch_dir.cpp: a test process killed before its destructors ran leaves its
// scratch directories and simulator logs (/tmp/eecall-state-... was found after suites, issue
// 22); the next test process removes them, and only them.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;

fs::path scratch_of(pid_t pid, const char* name) {
  return fs::temp_directory_path() / ("eecall-" + std::string(name) + "-p" + std::to_string(pid) + "-aB3dE6");
}

TEST(ScratchDir, NamesItsProcessAndIsRemovedWithItsFiles) {
  std::string path;
  {
    const ScratchDir dir("named");
    path = dir.path();
    EXPECT_NE(path.find("/eecall-named-p" + std::to_string(::getpid()) + "-"), std::string::npos) << path;
    fs::create_directories(path + "/a/b");
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(ScratchDir, TheDirectoriesOfATestProcessThatDiedAreSweptOnlyThose) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // its pid now names no process
  const auto orphan = scratch_of(child, "state");
  const auto alive = scratch_of(::getpid(), "state");
  const auto other = fs::temp_directory_path() / ("eecall-real-audio-p" + std::to_string(child));  // not ours
  const auto log = fs::temp_directory_path() / ("eecall-sim-" + std::to_string(child) + "-1.log");
  for (const auto& d : {orphan, alive, other}) fs::create_directories(d / "sub");
  std::ofstream(log) << "C: Action: Login\n";
  sweep_orphaned_scratch_dirs();
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_FALSE(fs::exists(log));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(other));
  fs::remove_all(alive);
  fs::remove_all(other);
}

}  // namespace
}  // namespace eecall::test
