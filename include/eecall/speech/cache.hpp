// The audio cache's pieces: names from hashes, the directory's checks, atomic writes, and the
// size bound. prepare() (speech.hpp) puts them together.
//
// In audio_dir, the cache owns only two kinds of names, and touches nothing else:
//   <64 lower-case hex>.wav                the audio (what Playback finds from <dir>/<hex>)
//   .<64 lower-case hex>.XXXXXX.tmp        a file being written: Playback is only ever given
//                                          <dir>/<hex>, and looks for <dir>/<hex>.<format>, so it
//                                          can never pick one up; renamed to <hex>.wav when
//                                          complete, removed if older than an hour (a writer
//                                          that died)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall::speech {

/// audio_dir, checked and without trailing '/': absolute, of A-Z a-z 0-9 / . _ + - only (no
/// character that splits Asterisk application arguments), without ., .. or empty components,
/// and without CURL, DB, EVAL, FILE, ODBC, REALTIME or SHELL (Asterisk refuses an Originate
/// whose Data holds one of them from a user without the system class: ami-transcripts h10).
/// Failure: config_error, subject "audio_dir".
Result<std::string> check_audio_dir(std::string_view dir);

/// The directory exists and this process may create files in it. Failure: config_error
/// "audio_dir" saying who must own it and with which mode.
Status check_audio_dir_usable(const std::string& dir);

/// The cache file's name without extension: lower-case hex SHA-256 of the engine, the voice and
/// the text (each length-prefixed, so no two triples give the same bytes).
std::string cache_key(std::string_view engine, std::string_view voice, std::string_view text);

/// <64 lower-case hex>.wav
bool is_cache_file_name(std::string_view name) noexcept;
/// .<64 lower-case hex>.XXXXXX.tmp
bool is_temporary_file_name(std::string_view name) noexcept;

/// A temporary file in the cache directory, removed unless commit() renamed it into place.
class PendingFile {
 public:
  /// `.<key>.XXXXXX.tmp` in `dir`, mode 0644 (Asterisk runs as another user). Failure:
  /// config_error when the directory refuses it, speech_failed for other errors.
  static Result<PendingFile> create(const std::string& dir, std::string_view key);

  PendingFile(PendingFile&& other) noexcept;
  PendingFile& operator=(PendingFile&&) = delete;
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile();

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// Flushed to disk, closed, then renamed to `final_path` (replacing any file there): a reader
  /// sees the old file or the whole new one, never part of one. Failure: speech_failed.
  Status commit(const std::string& final_path);

 private:
  PendingFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

struct TrimLimits {
  std::uint64_t max_bytes = 64ull << 20;
  std::chrono::seconds stale_temporary{3600};
  /// A file used more recently than this may still be played by an alert under way (a
  /// background alert lasts up to an hour): it is never removed, even past max_bytes.
  std::chrono::seconds in_use{3700};
};

/// After a write: removes the least recently used (oldest mtime) cache files until their total
/// size is at most max_bytes, never `keep` (the file just written, which counts in the total)
/// nor a file used within `in_use`, and temporary files older than stale_temporary. Any other
/// file in `dir` is left alone and not counted. Best effort: a file that cannot be removed is
/// skipped.
void trim_cache(const std::string& dir, std::string_view keep, const TrimLimits& limits);

}  // namespace eecall::speech
