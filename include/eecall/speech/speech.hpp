// Text to speech for spoken alerts: a text and a voice become an audio file Asterisk plays.
//
// prepare() gives the path to hand to Playback/Read (absolute, without extension, as Asterisk
// wants it: shared/ami-transcripts h8g). The audio is a WAV file, 8000 Hz, mono, 16-bit
// (the only .wav rate Asterisk plays, h8a/h8d/h8i), in a cache directory: named by a hash of
// (engine, voice, text), written atomically, reused when the same text comes again, and kept
// under a size bound by removing the least recently used files. Only a text that is not cached
// yet loads the speech module (eecall-speech.so, espeak-ng); a cached one costs a stat and a
// header read. It knows nothing of AMI: the caller only receives a path.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall::speech {

struct Settings {
  /// Absolute; Asterisk must be able to read it. eecall never creates it (the package does).
  std::string audio_dir = "/var/lib/eecall/audio";
  /// Bound on the total size of the cache's files in audio_dir.
  std::uint64_t max_bytes = 64ull << 20;
  /// eecall-speech.so to load; empty: next to the program, then ../eecall/ from it.
  std::string module;
};

struct Prompt {
  std::string path;  // absolute, WITHOUT extension: what Playback/Read are given
  std::chrono::milliseconds duration{0};
  bool reused = false;  // the file was already there: no synthesis happened
};

/// The voice, checked: 1 to 40 of A-Z a-z 0-9 _ + - (espeak-ng names such as "fr", "en-us",
/// "en+f3"; never a path), in lower case. Failure: invalid_parameter, subject "lang".
Result<std::string> check_voice(std::string_view voice);

/// The audio of `text` in `voice`, from the cache or synthesized now.
/// text: validated UTF-8 plain text (the caller checked length and control characters); read
/// as text, never as markup. voice: an espeak-ng voice name like "fr", "en", "de".
/// Failures: invalid_parameter "lang" (bad or unknown voice), invalid_parameter "say" (empty
/// text), config_error "audio_dir" (unusable directory: the message says how to fix it),
/// speech_failed "speech" (the module is missing, or the engine or the disk failed).
Result<Prompt> prepare(std::string_view text, std::string_view voice, const Settings& settings);

/// What writes the audio of `text` in `voice` to `fd` (an empty file open for reading and
/// writing) as a WAV file, 8000 Hz, mono, 16-bit. The real one is the speech module.
using Synthesizer =
    std::function<Status(std::string_view text, std::string_view voice, int fd)>;

/// prepare() with another synthesizer (tests).
Result<Prompt> prepare(std::string_view text, std::string_view voice, const Settings& settings,
                       const Synthesizer& synthesize);

}  // namespace eecall::speech
