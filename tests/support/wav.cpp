#include "support/wav.hpp"

#include <cstdint>

namespace eecall::test {

namespace {

std::string little_endian(std::uint32_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return out;
}

}  // namespace

std::string wav_file(unsigned rate, double seconds) {
  const auto data = static_cast<std::uint32_t>(rate * seconds) * 2;
  return "RIFF" + little_endian(36 + data, 4) + "WAVE" + "fmt " + little_endian(16, 4) +
         little_endian(1, 2) /* PCM */ + little_endian(1, 2) /* mono */ + little_endian(rate, 4) +
         little_endian(rate * 2, 4) + little_endian(2, 2) + little_endian(16, 2) + "data" +
         little_endian(data, 4) + std::string(data, '\0');
}

}  // namespace eecall::test
