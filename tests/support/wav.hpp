// Sound files for tests of prompts on disk.
#pragma once

#include <string>

namespace eecall::test {

/// The bytes of a WAV file: PCM 16-bit mono, `seconds` of silence at `rate` Hz.
std::string wav_file(unsigned rate, double seconds);

}  // namespace eecall::test
