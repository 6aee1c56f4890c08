#include "sounds.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

namespace eecall::sim {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

enum class Codec { ulaw, slin, alaw, slin_wide, gsm, g722 };

// Translation cost to a ulaw channel (translate.h cost table, summed over the path):
// nothing for ulaw, slin->ulaw 600000, alaw->ulaw 915000, slinN->slin->ulaw 1450000,
// gsm->slin->ulaw 1500000, g722->slin->ulaw 1560000. The cheapest format found is opened.
int cost(Codec codec) {
  switch (codec) {
    case Codec::ulaw: return 0;
    case Codec::slin: return 600000;
    case Codec::alaw: return 915000;
    case Codec::slin_wide: return 1450000;
    case Codec::gsm: return 1500000;
    case Codec::g722: return 1560000;
  }
  return 2000000;
}

enum class Header { none, wav, au };

struct Format {
  std::vector<std::string_view> extensions;
  Codec codec;
  Header header;
  unsigned rate;                 // samples per second (wav: the rate its header must have)
  double bytes_per_second;       // for headerless formats
};

// The lab's registered formats, in the order file.c walks them ("core show file formats").
const std::vector<Format>& formats() {
  static const std::vector<Format> list{
      {{"wav16"}, Codec::slin_wide, Header::wav, 16000, 32000},
      {{"wav"}, Codec::slin, Header::wav, 8000, 16000},
      {{"sln192"}, Codec::slin_wide, Header::none, 192000, 384000},
      {{"sln96"}, Codec::slin_wide, Header::none, 96000, 192000},
      {{"sln48"}, Codec::slin_wide, Header::none, 48000, 96000},
      {{"sln44"}, Codec::slin_wide, Header::none, 44100, 88200},
      {{"sln32"}, Codec::slin_wide, Header::none, 32000, 64000},
      {{"sln24"}, Codec::slin_wide, Header::none, 24000, 48000},
      {{"sln16"}, Codec::slin_wide, Header::none, 16000, 32000},
      {{"sln12"}, Codec::slin_wide, Header::none, 12000, 24000},
      {{"sln", "slin", "raw"}, Codec::slin, Header::none, 8000, 16000},
      {{"g722"}, Codec::g722, Header::none, 16000, 8000},
      {{"au"}, Codec::ulaw, Header::au, 8000, 8000},
      {{"alaw", "al", "alw"}, Codec::alaw, Header::none, 8000, 8000},
      {{"pcm", "ulaw", "ul", "mu", "ulw"}, Codec::ulaw, Header::none, 8000, 8000},
      {{"gsm"}, Codec::gsm, Header::none, 8000, 1650},  // 33 bytes per 20 ms
  };
  return list;
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint32_t be32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

struct Opened {
  std::optional<double> seconds;  // nullopt: the format refused the file
  std::string why;
};

// format_wav.c check_header(): RIFF/WAVE, a PCM 16-bit mono "fmt " chunk at the expected
// rate, then the "data" chunk, whose size gives the duration.
Opened open_wav(const fs::path& path, unsigned rate) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 12> riff{};
  if (!in.read(reinterpret_cast<char*>(riff.data()), riff.size()) ||
      std::string_view(reinterpret_cast<const char*>(riff.data()), 4) != "RIFF" ||
      std::string_view(reinterpret_cast<const char*>(riff.data()) + 8, 4) != "WAVE") {
    return {std::nullopt, "Does not begin with RIFF/WAVE"};
  }
  bool format_seen = false;
  for (;;) {
    std::array<unsigned char, 8> chunk{};
    if (!in.read(reinterpret_cast<char*>(chunk.data()), chunk.size())) {
      return {std::nullopt, "Failed to find the data chunk"};
    }
    const std::string_view id(reinterpret_cast<const char*>(chunk.data()), 4);
    const std::uint32_t size = le32(chunk.data() + 4);
    if (id == "fmt ") {
      std::array<unsigned char, 16> fmt{};
      if (size < 16 || !in.read(reinterpret_cast<char*>(fmt.data()), fmt.size())) {
        return {std::nullopt, "Unexpected header size " + std::to_string(size)};
      }
      const auto format = le16(fmt.data());
      const auto channels = le16(fmt.data() + 2);
      const auto freq = le32(fmt.data() + 4);
      const auto bytes_per_sample = le16(fmt.data() + 12);
      const auto bits = le16(fmt.data() + 14);
      if (format != 1) return {std::nullopt, "Not a supported wav file format (" + std::to_string(format) + ")"};
      if (channels != 1) return {std::nullopt, "Not in mono " + std::to_string(channels)};
      if (freq != rate) {
        return {std::nullopt, "Unexpected frequency mismatch " + std::to_string(freq) +
                                  " (expecting " + std::to_string(rate) + ")"};
      }
      if (bytes_per_sample != 2 || bits != 16) {
        return {std::nullopt, "Can only handle 16bits per sample: " + std::to_string(bits)};
      }
      in.seekg(static_cast<std::streamoff>(size - 16 + (size & 1U)), std::ios::cur);
      format_seen = true;
      continue;
    }
    if (id == "data") {
      if (!format_seen) return {std::nullopt, "Failed to find the fmt chunk"};
      const auto here = static_cast<std::uintmax_t>(in.tellg());
      const auto total = fs::file_size(path);
      const auto present = total > here ? total - here : 0;
      const auto bytes = std::min<std::uintmax_t>(size, present);
      return {static_cast<double>(bytes) / (2.0 * rate), {}};
    }
    in.seekg(static_cast<std::streamoff>(size + (size & 1U)), std::ios::cur);
  }
}

// format_au.c check_header(): ".snd", an offset, ulaw (1), 8000 Hz, mono.
Opened open_au(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 24> h{};
  if (!in.read(reinterpret_cast<char*>(h.data()), h.size())) return {std::nullopt, "Read failed (header)"};
  if (be32(h.data()) != 0x2e736e64U) return {std::nullopt, "Bad magic"};
  const auto offset = be32(h.data() + 4);
  if (be32(h.data() + 12) != 1) return {std::nullopt, "Unexpected format"};
  if (be32(h.data() + 16) != 8000) return {std::nullopt, "Sample rate can only be 8000"};
  if (be32(h.data() + 20) != 1) return {std::nullopt, "Not in mono"};
  const auto total = fs::file_size(path);
  return {static_cast<double>(total > offset ? total - offset : 0) / 8000.0, {}};
}

Opened open_file(const fs::path& path, const Format& format) {
  switch (format.header) {
    case Header::wav: return open_wav(path, format.rate);
    case Header::au: return open_au(path);
    case Header::none: break;
  }
  return {static_cast<double>(fs::file_size(path)) / format.bytes_per_second, {}};
}

milliseconds to_ms(double seconds) {
  return milliseconds(static_cast<long long>(seconds * 1000.0 + 0.5));
}

Prompt missing(std::string_view name) {
  return {false, milliseconds(0), "File " + std::string(name) + " does not exist in any format"};
}

Prompt find_on_disk(std::string_view name) {
  std::error_code ec;
  // ACTION_EXISTS: every format with a regular file <name>.<ext>; keep the cheapest codec.
  // Wide slin formats differ by rate (slin16, slin48, ...): a codec is (kind, rate).
  const Format* best = nullptr;
  for (const auto& format : formats()) {
    for (const auto ext : format.extensions) {
      const fs::path path(std::string(name) + "." + std::string(ext));
      if (fs::is_regular_file(path, ec) && (best == nullptr || cost(format.codec) < cost(best->codec))) {
        best = &format;
      }
    }
  }
  if (best == nullptr) return missing(name);
  // ACTION_OPEN: the formats of that codec, in order; a file the format refuses is skipped.
  std::string why;
  for (const auto& format : formats()) {
    if (format.codec != best->codec || format.rate != best->rate) continue;
    for (const auto ext : format.extensions) {
      const fs::path path(std::string(name) + "." + std::string(ext));
      if (!fs::is_regular_file(path, ec)) continue;
      const auto opened = open_file(path, format);
      if (opened.seconds) {
        return {true, to_ms(*opened.seconds), {}};
      }
      why = opened.why + "; Unable to open format " + std::string(ext);
    }
  }
  return {false, milliseconds(0), why};
}

}  // namespace

SoundCatalog lab_sounds() {
  return {{"hello-world", milliseconds(1300)},
          {"vm-goodbye", milliseconds(1000)},
          {"beep", milliseconds(300)},
          {"tt-monkeys", milliseconds(16000)},
          {"demo-congrats", milliseconds(30000)}};
}

Prompt find_prompt(std::string_view name, const SoundCatalog& catalog) {
  if (name.empty()) return missing(name);
  if (name.front() == '/') return find_on_disk(name);
  if (const auto it = catalog.find(name); it != catalog.end()) {
    return {true, it->second, {}};
  }
  return missing(name);
}

}  // namespace eecall::sim
