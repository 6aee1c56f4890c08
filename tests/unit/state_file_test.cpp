// The locked state file: created when missing, replaced when it cannot be opened, never
// followed through a symlink, read and rewritten whole, and exclusive between processes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "eecall/util/state_file.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class StateFile : public ::testing::Test {
 protected:
  test::ScratchDir scratch{"state-test"};
  fs::path dir{scratch.path()};
  std::string path = (dir / "recent-actions.json").string();

  static std::string contents(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(StateFile, MissingFileIsCreatedEmpty) {
  auto file = LockedFile::open(path, 1s);
  ASSERT_TRUE(file.ok()) << file.failure().message;
  EXPECT_EQ(file.value().how(), LockedFile::Opened::created);
  EXPECT_EQ(file.value().read(1024).value(), "");
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(StateFile, WriteReplacesTheWholeContent) {
  {
    auto file = LockedFile::open(path, 1s);
    ASSERT_TRUE(file.ok());
    EXPECT_FALSE(file.value().write("a long first content\n"));
  }
  auto file = LockedFile::open(path, 1s);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file.value().how(), LockedFile::Opened::existing);
  EXPECT_FALSE(file.value().write("short\n"));
  EXPECT_EQ(file.value().read(1024).value(), "short\n");
  EXPECT_EQ(contents(path), "short\n");
}

TEST_F(StateFile, TooLargeIsRefused) {
  std::ofstream(path) << std::string(2000, 'x');
  auto file = LockedFile::open(path, 1s);
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(file.value().read(1000).ok());
}

TEST_F(StateFile, SymlinkIsReplacedNeverFollowed) {
  const auto target = (dir / "target").string();
  std::ofstream(target) << "precious";
  fs::create_symlink(target, path);
  {
    auto file = LockedFile::open(path, 1s);
    ASSERT_TRUE(file.ok()) << file.failure().message;
    EXPECT_EQ(file.value().how(), LockedFile::Opened::replaced);
    EXPECT_FALSE(file.value().replaced_because().empty());
    EXPECT_FALSE(file.value().write("{}\n"));
  }
  EXPECT_EQ(contents(target), "precious");
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(contents(path), "{}\n");
}

TEST_F(StateFile, FileOfAnotherUserIsReplaced) {
  if (::geteuid() == 0) GTEST_SKIP() << "root opens any file (the integration test runs eecall as nobody)";
  std::ofstream(path) << "theirs";
  ::chmod(path.c_str(), 0);
  auto file = LockedFile::open(path, 1s);
  ASSERT_TRUE(file.ok()) << file.failure().message;
  EXPECT_EQ(file.value().how(), LockedFile::Opened::replaced);
  EXPECT_EQ(file.value().read(1024).value(), "");
}

TEST_F(StateFile, MissingDirectoryIsAFailureThatSaysWhy) {
  auto file = LockedFile::open((dir / "no-such-dir" / "f").string(), 1s);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.failure().message.find("No such file or directory"), std::string::npos) << file.failure().message;
}

TEST_F(StateFile, DirectoryInThePlaceOfTheFileIsAFailure) {
  fs::create_directories(path);
  EXPECT_FALSE(LockedFile::open(path, 1s).ok());
}

TEST_F(StateFile, TheLockIsExclusiveBetweenProcessesAndBounded) {
  auto held = LockedFile::open(path, 1s);
  ASSERT_TRUE(held.ok());
  // Another process (flock locks belong to the open file, so a child opening it anew competes).
  const pid_t child = ::fork();
  if (child == 0) {
    const auto start = std::chrono::steady_clock::now();
    auto other = LockedFile::open(path, 300ms);
    const auto waited = std::chrono::steady_clock::now() - start;
    ::_exit(!other.ok() && waited >= 300ms ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child got the lock, or gave up early";
}

TEST_F(StateFile, TheLockIsGrantedOnceReleased) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto held = LockedFile::open(path, 1s);
    (void)!::write(ready[1], "x", 1);  // holding it now
    ::usleep(200'000);
    ::_exit(held.ok() ? 0 : 1);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  {
    auto file = LockedFile::open(path, 10s);  // waits for the child's hold to end
    EXPECT_TRUE(file.ok()) << file.failure().message;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

}  // namespace
}  // namespace eecall
