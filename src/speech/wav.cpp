#include "eecall/speech/wav.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string_view>

namespace eecall::speech {

namespace {

// The header is read in one pread: libsndfile writes `fmt ` and `data` within the first 100
// bytes; a WAV file with larger chunks before its samples is not one of ours.
constexpr std::size_t header_window = 4096;
constexpr std::uint16_t pcm_format = 1;

std::uint32_t le32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint16_t le16(const unsigned char* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

bool id_is(const unsigned char* p, std::string_view id) noexcept {
  return std::memcmp(p, id.data(), 4) == 0;
}

}  // namespace

std::chrono::milliseconds WavFormat::duration() const noexcept {
  const std::uint64_t bytes_per_second =
      std::uint64_t{sample_rate} * channels * (bits_per_sample / 8u);
  if (bytes_per_second == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(data_bytes * 1000u / bytes_per_second));
}

std::optional<WavFormat> read_wav_format(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::array<unsigned char, header_window> buffer{};
  const auto got = ::pread(fd, buffer.data(), buffer.size(), 0);
  if (got < 12) return std::nullopt;
  const auto size = static_cast<std::size_t>(got);
  const unsigned char* b = buffer.data();
  if (!id_is(b, "RIFF") || !id_is(b + 8, "WAVE")) return std::nullopt;

  WavFormat format;
  bool have_format = false;
  // Chunks: 4-byte id, 4-byte little-endian size, the data, padded to an even size.
  for (std::size_t at = 12; at + 8 <= size;) {
    const std::uint32_t chunk_size = le32(b + at + 4);
    const std::size_t body = at + 8;
    if (id_is(b + at, "fmt ")) {
      if (chunk_size < 16 || body + 16 > size) return std::nullopt;
      if (le16(b + body) != pcm_format) return std::nullopt;
      format.channels = le16(b + body + 2);
      format.sample_rate = le32(b + body + 4);
      format.bits_per_sample = le16(b + body + 14);
      have_format = true;
    } else if (id_is(b + at, "data")) {
      // The samples must all be there: a file cut short (a crash, a full disk) is not reused.
      if (!have_format || body + std::uint64_t{chunk_size} > file_size) return std::nullopt;
      format.data_bytes = chunk_size;
      return format;
    }
    at = body + chunk_size + (chunk_size & 1u);
  }
  return std::nullopt;
}

}  // namespace eecall::speech
