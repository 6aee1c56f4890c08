// Text to speech through the real module, eecall-speech.so (issue 11): espeak-ng's French
// voice, resampled to the one .wav format Asterisk plays (8000 Hz, mono, 16-bit: ami-transcripts
// h8a; 22050 and 16000 Hz are refused, h8d, h8i), text read literally (no SSML), a clear failure
// for an unknown voice and for a missing module, and processes racing on the same text.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "eecall/speech/speech.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::speech {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::ScratchDir;

// What a WAV file holds, read here by hand (not with the code under test).
struct Wav {
  std::string riff, wave;
  std::uint16_t format = 0, channels = 0, bits = 0;
  std::uint32_t rate = 0;
  std::vector<std::int16_t> samples;

  [[nodiscard]] double seconds() const { return static_cast<double>(samples.size()) / rate; }
  [[nodiscard]] int peak() const {
    int p = 0;
    for (const auto s : samples) p = std::max(p, std::abs(static_cast<int>(s)));
    return p;
  }
};

Wav read_wav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, b.data() + at, 4);
    return v;
  };
  const auto u16 = [&](std::size_t at) {
    std::uint16_t v = 0;
    std::memcpy(&v, b.data() + at, 2);
    return v;
  };
  Wav wav;
  if (b.size() < 12) return wav;
  wav.riff = b.substr(0, 4);
  wav.wave = b.substr(8, 4);
  for (std::size_t at = 12; at + 8 <= b.size();) {
    const auto id = b.substr(at, 4);
    const auto size = u32(at + 4);
    if (id == "fmt ") {
      wav.format = u16(at + 8);
      wav.channels = u16(at + 10);
      wav.rate = u32(at + 12);
      wav.bits = u16(at + 22);
    } else if (id == "data") {
      const auto n = std::min<std::size_t>(size, b.size() - at - 8) / 2;
      wav.samples.resize(n);
      std::memcpy(wav.samples.data(), b.data() + at + 8, n * 2);
    }
    at += 8 + size + (size & 1u);
  }
  return wav;
}

class Speech : public ::testing::Test {
 protected:
  void SetUp() override {
    settings.audio_dir = dir.string();
    settings.module = EECALL_SPEECH_MODULE;  // a test program does not sit next to the module
  }
  std::size_t files() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }

  ScratchDir scratch{"speech"};
  fs::path dir = scratch.path();
  Settings settings;
};

TEST_F(Speech, FrenchAlertIsAn8kHzMono16BitWavWithSpeech) {
  const auto prompt = prepare("Fuite d'eau au sous-sol", "fr", settings);
  ASSERT_TRUE(prompt.ok()) << prompt.failure().message;
  EXPECT_FALSE(prompt.value().reused);
  const auto wav = read_wav(prompt.value().path + ".wav");
  EXPECT_EQ(wav.riff, "RIFF");
  EXPECT_EQ(wav.wave, "WAVE");
  EXPECT_EQ(wav.format, 1) << "PCM";
  EXPECT_EQ(wav.rate, 8000u) << "Asterisk refuses another rate in a .wav (h8d, h8i)";
  EXPECT_EQ(wav.channels, 1);
  EXPECT_EQ(wav.bits, 16);
  EXPECT_GE(wav.seconds(), 1.0);
  EXPECT_LE(wav.seconds(), 5.0);
  EXPECT_GT(wav.peak(), 4000) << "speech, not silence";
  const auto reported = static_cast<double>(prompt.value().duration.count()) / 1000.0;
  EXPECT_NEAR(reported, wav.seconds(), 0.01);

  struct stat st {};
  ASSERT_EQ(::stat((prompt.value().path + ".wav").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(files(), 1u) << "no temporary file left";
}

TEST_F(Speech, SameTextIsReusedWithoutTheModule) {
  const auto first = prepare("Porte du garage ouverte", "fr", settings);
  ASSERT_TRUE(first.ok()) << first.failure().message;
  EXPECT_FALSE(first.value().reused);
  settings.module = "/nonexistent/eecall-speech.so";
  const auto second = prepare("Porte du garage ouverte", "fr", settings);
  ASSERT_TRUE(second.ok()) << second.failure().message;
  EXPECT_TRUE(second.value().reused);
  EXPECT_EQ(second.value().path, first.value().path);
  EXPECT_EQ(second.value().duration, first.value().duration);
  EXPECT_EQ(files(), 1u);
}

// Without espeakSSML, markup is text: the 20-second break asked for in SSML is not obeyed (as
// SSML, `espeak-ng -m` makes 21 s of this), the tags are spoken instead (3.1 s).
TEST_F(Speech, MarkupIsReadLiterallyNotInterpreted) {
  const auto prompt = prepare("<speak>Alerte <break time=\"20s\"/> cave</speak>", "fr", settings);
  ASSERT_TRUE(prompt.ok()) << prompt.failure().message;
  const auto wav = read_wav(prompt.value().path + ".wav");
  EXPECT_LT(wav.seconds(), 10.0);
  EXPECT_GT(wav.peak(), 4000);
}

TEST_F(Speech, OtherVoicesWork) {
  for (const char* voice : {"en", "de", "en-us"}) {
    SCOPED_TRACE(voice);
    const auto prompt = prepare("Water leak in the basement", voice, settings);
    ASSERT_TRUE(prompt.ok()) << prompt.failure().message;
    EXPECT_EQ(read_wav(prompt.value().path + ".wav").rate, 8000u);
  }
  EXPECT_EQ(files(), 3u);
}

TEST_F(Speech, UnknownVoiceIsInvalidLangAndLeavesNothing) {
  const auto prompt = prepare("Fuite d'eau", "xx", settings);
  ASSERT_FALSE(prompt.ok());
  EXPECT_EQ(prompt.failure().code, ErrorCode::invalid_parameter);
  EXPECT_EQ(prompt.failure().subject, "lang");
  EXPECT_NE(prompt.failure().message.find("'xx'"), std::string::npos) << prompt.failure().message;
  EXPECT_EQ(files(), 0u);
}

TEST_F(Speech, MissingModuleIsSpeechFailedNamingTheFile) {
  settings.module = "/nonexistent/eecall-speech.so";
  const auto prompt = prepare("Fuite d'eau", "fr", settings);
  ASSERT_FALSE(prompt.ok());
  EXPECT_EQ(prompt.failure().code, ErrorCode::speech_failed);
  EXPECT_EQ(prompt.failure().subject, "speech");
  EXPECT_NE(prompt.failure().message.find("/nonexistent/eecall-speech.so"), std::string::npos)
      << prompt.failure().message;
  EXPECT_EQ(files(), 0u);
}

// The default places: next to the program, then ../eecall/. This test program sits in
// build/tests/, where neither holds the module: both are named.
TEST_F(Speech, ModuleNotInTheDefaultPlacesNamesEveryFileTried) {
  settings.module.clear();
  const auto self = fs::read_symlink("/proc/self/exe").parent_path();
  const auto prompt = prepare("Fuite d'eau", "fr", settings);
  ASSERT_FALSE(prompt.ok());
  EXPECT_EQ(prompt.failure().code, ErrorCode::speech_failed);
  const auto& message = prompt.failure().message;
  EXPECT_NE(message.find("speech module is not installed"), std::string::npos) << message;
  EXPECT_NE(message.find((self / "eecall-speech.so").string()), std::string::npos) << message;
  EXPECT_NE(message.find((self.parent_path() / "eecall" / "eecall-speech.so").string()), std::string::npos)
      << message;
}

// CGI processes saying the same new text at the same moment all succeed, and leave one whole
// file. Processes, not threads: espeak-ng has one global state per process.
TEST_F(Speech, ConcurrentProcessesSayingTheSameTextAllSucceed) {
  constexpr int processes = 4;
  std::vector<pid_t> children;
  for (int i = 0; i < processes; ++i) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const auto prompt = prepare("Alarme incendie au premier étage", "fr", settings);
      ::_exit(prompt.ok() && !prompt.value().reused ? 0 : prompt.ok() ? 2 : 1);
    }
    children.push_back(child);
  }
  int synthesized = 0;
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_NE(WEXITSTATUS(status), 1) << "a process failed";
    synthesized += WEXITSTATUS(status) == 0 ? 1 : 0;
  }
  EXPECT_GE(synthesized, 1);
  ASSERT_EQ(files(), 1u) << "one file, no temporary left";
  const auto prompt = prepare("Alarme incendie au premier étage", "fr", settings);
  ASSERT_TRUE(prompt.ok());
  EXPECT_TRUE(prompt.value().reused);
  const auto wav = read_wav(prompt.value().path + ".wav");
  EXPECT_EQ(wav.rate, 8000u);
  EXPECT_NEAR(static_cast<double>(prompt.value().duration.count()) / 1000.0, wav.seconds(), 0.01);
}

}  // namespace
}  // namespace eecall::speech
