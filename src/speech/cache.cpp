#include "eecall/speech/cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "eecall/util/text.hpp"

namespace eecall::speech {

namespace {

constexpr std::size_t key_length = 64;  // hex SHA-256
constexpr std::string_view cache_suffix = ".wav";
constexpr std::string_view temporary_suffix = ".tmp";
constexpr std::size_t max_audio_dir_length = 200;

Failure dir_failure(std::string message) {
  return {ErrorCode::config_error, std::move(message), "audio_dir"};
}

bool is_lower_hex(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_path_character(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '.' || c == '_' || c == '+' || c == '-';
}

std::string fix_hint(const std::string& dir) {
  return "create it for the web server's user, readable by Asterisk's group: install -d -o "
         "www-data -g asterisk -m 2750 " +
         dir + " (0755 where there is no asterisk group), or set audio_dir";
}

}  // namespace

Result<std::string> check_audio_dir(std::string_view dir) {
  std::string d(dir);
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (d.empty() || d.front() != '/') {
    return dir_failure("audio_dir must be an absolute path (Asterisk plays the files by their path)");
  }
  if (d == "/") return dir_failure("audio_dir must not be the root directory");
  if (d.size() > max_audio_dir_length) {
    return dir_failure("audio_dir must be at most " + std::to_string(max_audio_dir_length) + " characters");
  }
  if (!std::all_of(d.begin(), d.end(), is_path_character)) {
    return dir_failure("audio_dir may hold only A-Z a-z 0-9 / . _ + - (Asterisk splits application "
                       "arguments on , & | and others)");
  }
  for (std::size_t start = 1; start <= d.size();) {
    const auto end = std::min(d.find('/', start), d.size());
    const auto component = std::string_view(d).substr(start, end - start);
    if (component.empty() || component == "." || component == "..") {
      return dir_failure("audio_dir must be a plain absolute path, without //, . or .. components");
    }
    start = end + 1;
  }
  // Asterisk's manager.c refuses these in Originate Data for users without the system class
  // (case-sensitive), and the path of every prompt starts with audio_dir.
  if (const auto word = text::originate_blacklisted_word(d)) {
    return dir_failure("audio_dir must not contain '" + std::string(*word) +
                       "': Asterisk refuses an Originate whose Data holds CURL, DB, EVAL, FILE, "
                       "ODBC, REALTIME or SHELL from an AMI user without the system class");
  }
  return d;
}

Status check_audio_dir_usable(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT) {
      return dir_failure("audio directory " + dir + " does not exist (the eecall package creates it): " +
                         fix_hint(dir));
    }
    return dir_failure("cannot reach audio directory " + dir + ": " + std::strerror(error));
  }
  if (!S_ISDIR(st.st_mode)) return dir_failure("audio_dir " + dir + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    // A file system mounted (or remounted after disk errors) read-only: no owner or mode
    // would help, so the disk's failure, not the admin's setting.
    if (errno == EROFS) {
      return Failure{ErrorCode::speech_failed,
                     "cannot write a prompt in audio directory " + dir + ": read-only file system", "speech"};
    }
    return dir_failure("audio directory " + dir + " is not writable by this process (uid " +
                       std::to_string(::geteuid()) +
                       "): it must belong to the web server's user (chown www-data " + dir +
                       "), with group asterisk and mode 2750 so that Asterisk can read the files "
                       "(chgrp asterisk " + dir + "; chmod 2750 " + dir + ")");
  }
  return std::nullopt;
}

std::string cache_key(std::string_view engine, std::string_view voice, std::string_view text) {
  std::string bytes = "eecall speech\n";
  for (const auto field : {engine, voice, text}) {
    bytes += std::to_string(field.size());
    bytes += ':';
    bytes += field;
  }
  return text::sha256_hex(bytes);
}

bool is_cache_file_name(std::string_view name) noexcept {
  return name.size() == key_length + cache_suffix.size() &&
         name.substr(key_length) == cache_suffix && is_lower_hex(name.substr(0, key_length));
}

bool is_temporary_file_name(std::string_view name) noexcept {
  // . key . XXXXXX .tmp (mkstemps' six characters are A-Z a-z 0-9)
  constexpr std::size_t size = 1 + key_length + 1 + 6 + temporary_suffix.size();
  if (name.size() != size || name[0] != '.' || name[1 + key_length] != '.') return false;
  const auto random = name.substr(key_length + 2, 6);
  return is_lower_hex(name.substr(1, key_length)) &&
         std::all_of(random.begin(), random.end(),
                     [](char c) { return is_path_character(c) && c != '/' && c != '.'; }) &&
         name.substr(size - temporary_suffix.size()) == temporary_suffix;
}

// --- PendingFile --------------------------------------------------------------------------

Result<PendingFile> PendingFile::create(const std::string& dir, std::string_view key) {
  std::string name = dir + "/." + std::string(key) + ".XXXXXX" + std::string(temporary_suffix);
  const int fd = ::mkostemps(name.data(), static_cast<int>(temporary_suffix.size()), O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == EACCES || error == EPERM || error == EROFS) {
      if (auto failed = check_audio_dir_usable(dir)) return *failed;
      return dir_failure("cannot create a file in audio directory " + dir + ": " + std::strerror(error));
    }
    if (error == ENOENT || error == ENOTDIR) {
      if (auto failed = check_audio_dir_usable(dir)) return *failed;
    }
    return Failure{ErrorCode::speech_failed,
                   "cannot create a file in audio directory " + dir + ": " + std::strerror(error), "speech"};
  }
  PendingFile file(fd, std::move(name));
  // mkostemps makes it 0600: Asterisk, another user, must read it.
  if (::fchmod(fd, 0644) != 0) {
    return Failure{ErrorCode::speech_failed,
                   "cannot make " + file.path() + " readable: " + std::strerror(errno), "speech"};
  }
  return file;
}

PendingFile::PendingFile(PendingFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {
  other.path_.clear();
}

PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status PendingFile::commit(const std::string& final_path) {
  const auto failed = [&](const std::string& what) {
    return Failure{ErrorCode::speech_failed, what + " " + path_ + ": " + std::strerror(errno), "speech"};
  };
  // On disk before it gets its name: after a crash, a name never points at a file cut short.
  if (::fdatasync(fd_) != 0) return failed("cannot write");
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return failed("cannot write");
  if (::rename(path_.c_str(), final_path.c_str()) != 0) return failed("cannot rename");
  path_.clear();
  return std::nullopt;
}

// --- the bound ----------------------------------------------------------------------------

namespace {

struct CacheFile {
  std::string name;
  std::uint64_t size = 0;
  timespec mtime{};
};

bool older(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec != b.tv_sec ? a.tv_sec < b.tv_sec : a.tv_nsec < b.tv_nsec;
}

bool same_time(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

void trim_cache(const std::string& dir, std::string_view keep, const TrimLimits& limits) {
  const std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
  if (!listing) return;
  const int dir_fd = ::dirfd(listing.get());
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);

  std::vector<CacheFile> files;
  std::uint64_t total = 0;
  while (const dirent* entry = ::readdir(listing.get())) {
    const std::string_view name = entry->d_name;
    const bool cached = is_cache_file_name(name);
    if (!cached && !is_temporary_file_name(name)) continue;  // not ours: never touched
    struct stat st {};
    if (::fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!cached) {
      if (now.tv_sec - st.st_mtim.tv_sec > limits.stale_temporary.count()) {
        ::unlinkat(dir_fd, entry->d_name, 0);  // its writer died
      }
      continue;
    }
    total += static_cast<std::uint64_t>(st.st_size);
    if (name != keep) files.push_back({std::string(name), static_cast<std::uint64_t>(st.st_size), st.st_mtim});
  }
  if (total <= limits.max_bytes) return;

  std::sort(files.begin(), files.end(),
            [](const CacheFile& a, const CacheFile& b) { return older(a.mtime, b.mtime); });
  for (const auto& file : files) {
    if (total <= limits.max_bytes) break;
    // Oldest first: from here on every file may still be playing in an alert under way.
    if (now.tv_sec - file.mtime.tv_sec < limits.in_use.count()) break;
    // Another request may have reused it since the listing: it is then recent, keep it.
    struct stat st {};
    if (::fstatat(dir_fd, file.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      total -= file.size;  // already gone (another request trimmed it)
      continue;
    }
    if (!same_time(st.st_mtim, file.mtime)) continue;
    if (::unlinkat(dir_fd, file.name.c_str(), 0) == 0 || errno == ENOENT) total -= file.size;
  }
}

}  // namespace eecall::speech
