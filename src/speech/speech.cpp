#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "eecall/speech/cache.hpp"
#include "eecall/speech/engine.hpp"
#include "eecall/speech/speech.hpp"
#include "eecall/speech/wav.hpp"

namespace eecall::speech {

namespace {

constexpr std::size_t max_voice_length = 40;

// The cached file when it is there, complete and playable; its mtime set to now, so that it
// counts as recently used (the size bound removes the least recently used first).
std::optional<WavFormat> reuse(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  auto format = read_wav_format(fd);
  if (format && format->playable_by_asterisk()) {
    ::futimens(fd, nullptr);  // best effort: a file another user wrote may refuse it
  } else {
    format.reset();  // not one Asterisk plays: made again, and replaced
  }
  ::close(fd);
  return format;
}

}  // namespace

Result<std::string> check_voice(std::string_view voice) {
  const bool ok = !voice.empty() && voice.size() <= max_voice_length &&
                  std::all_of(voice.begin(), voice.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '_' || c == '+' || c == '-';
                  });
  if (!ok) {
    return Failure{ErrorCode::invalid_parameter,
                   "lang must be an espeak-ng voice name of 1 to 40 characters among A-Z a-z 0-9 _ + - "
                   "(e.g. fr, en, de, en-us)",
                   "lang"};
  }
  std::string lower(voice);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

Result<Prompt> prepare(std::string_view text, std::string_view voice, const Settings& settings) {
  const std::string& module = settings.module;
  return prepare(text, voice, settings, [&module](std::string_view t, std::string_view v, int fd) {
    return synthesize_with_module(module, t, v, fd);
  });
}

Result<Prompt> prepare(std::string_view text, std::string_view voice, const Settings& settings,
                       const Synthesizer& synthesize) {
  auto dir = check_audio_dir(settings.audio_dir);
  if (!dir) return dir.failure();
  auto checked_voice = check_voice(voice);
  if (!checked_voice) return checked_voice.failure();
  if (text.empty() || text.find('\0') != std::string_view::npos) {
    return Failure{ErrorCode::invalid_parameter, "there is no text to say", "say"};
  }

  // The name comes only from the hash: nothing of the request reaches the file system.
  const auto key = cache_key(engine_version(), checked_voice.value(), text);
  const std::string base = dir.value() + "/" + key;
  const std::string file = base + ".wav";
  if (const auto cached = reuse(file)) return Prompt{base, cached->duration(), true};

  if (auto unusable = check_audio_dir_usable(dir.value())) return *unusable;
  auto pending = PendingFile::create(dir.value(), key);
  if (!pending) return pending.failure();
  if (auto failed = synthesize(text, checked_voice.value(), pending.value().fd())) return *failed;
  const auto format = read_wav_format(pending.value().fd());
  if (!format || !format->playable_by_asterisk()) {
    return Failure{ErrorCode::speech_failed,
                   "the speech engine did not write a WAV file of 8000 Hz, mono, 16-bit", "speech"};
  }
  if (auto failed = pending.value().commit(file)) return *failed;
  trim_cache(dir.value(), key + ".wav", TrimLimits{settings.max_bytes, std::chrono::hours(1), std::chrono::seconds(3700)});
  return Prompt{base, format->duration(), false};
}

}  // namespace eecall::speech
