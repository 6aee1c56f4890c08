#include "eecall/jobs/detach.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace eecall {

namespace {

// Every descriptor above stderr: close_range() where the kernel has it (5.9+), else the list
// in /proc/self/fd.
void close_inherited_descriptors() {
  if (::close_range(3, ~0U, 0) == 0) return;
  std::vector<int> open;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    const int own = ::dirfd(dir);
    while (const dirent* entry = ::readdir(dir)) {
      const int fd = std::atoi(entry->d_name);
      if (fd > 2 && fd != own) open.push_back(fd);
    }
    ::closedir(dir);
  }
  for (const int fd : open) ::close(fd);
}

}  // namespace

Result<DetachedSide> detach() {
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t middle = ::fork();
  if (middle < 0) {
    const int error = errno;
    return Failure{ErrorCode::internal_error, std::string("cannot start the job: fork: ") + std::strerror(error), "job"};
  }
  if (middle > 0) {
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return Failure{ErrorCode::internal_error, "cannot start the job: its process could not be forked", "job"};
    }
    return DetachedSide::caller;
  }
  // The middle process: a new session, then the job as its child, and leave.
  if (::setsid() < 0) ::_exit(1);
  const pid_t job = ::fork();
  if (job < 0) ::_exit(1);
  if (job > 0) ::_exit(0);

  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
  }
  close_inherited_descriptors();
  if (::chdir("/") != 0) {
    // Nothing relies on the working directory: every path is absolute.
  }
  return DetachedSide::job;
}

}  // namespace eecall
