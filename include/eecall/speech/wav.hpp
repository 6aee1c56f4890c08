// Reading the header of a WAV file, to know a cached prompt's duration and that it is complete
// and playable, without the speech module (libsndfile lives there).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace eecall::speech {

struct WavFormat {
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
  std::uint16_t bits_per_sample = 0;
  std::uint64_t data_bytes = 0;  // the samples' bytes, all present in the file

  /// What Asterisk plays from a .wav: 8000 Hz, mono, 16-bit (ami-transcripts h8a, h8d, h8i).
  [[nodiscard]] bool playable_by_asterisk() const noexcept {
    return sample_rate == 8000 && channels == 1 && bits_per_sample == 16;
  }
  [[nodiscard]] std::chrono::milliseconds duration() const noexcept;
};

/// The format of the PCM WAV file open on `fd` (read with pread, from offset 0). nullopt when
/// it is not a RIFF WAVE file with PCM samples, or when its data chunk is not all there (a file
/// cut short).
std::optional<WavFormat> read_wav_format(int fd);

}  // namespace eecall::speech
