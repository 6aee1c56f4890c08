// The spoken alerts' audio cache (issue 11): names from hashes only, reuse without synthesis
// (and without the speech module), atomic writes, the size bound that removes the least
// recently used cache files and nothing else, and the audio directory's checks. A fake
// synthesizer writes small WAV files; tests/integration/speech_test.cpp uses the real module.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "eecall/speech/cache.hpp"
#include "eecall/speech/engine.hpp"
#include "eecall/speech/speech.hpp"
#include "eecall/speech/wav.hpp"
#include "eecall/util/text.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::speech {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::ScratchDir;

// A WAV file as Asterisk plays it (or not, with another rate): 44-byte header, then samples.
std::string wav_bytes(std::uint32_t rate, std::size_t samples) {
  const auto le32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
                       static_cast<char>((v >> 16) & 0xFF), static_cast<char>(v >> 24)};
  };
  const auto le16 = [](std::uint16_t v) {
    return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
  };
  const auto data = static_cast<std::uint32_t>(samples * 2);
  std::string out = "RIFF" + le32(36 + data) + "WAVE";
  out += "fmt " + le32(16) + le16(1) + le16(1) + le32(rate) + le32(rate * 2) + le16(2) + le16(16);
  out += "data" + le32(data);
  for (std::size_t i = 0; i < samples; ++i) out += le16(static_cast<std::uint16_t>(i * 37));
  return out;
}

bool write_all(int fd, const std::string& bytes) {
  return ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

// Writes `seconds` of 8 kHz audio, counting its calls.
struct FakeSynthesizer {
  std::atomic<int> calls{0};
  std::size_t samples = 8000;  // one second
  std::uint32_t rate = 8000;

  Synthesizer function() {
    return [this](std::string_view, std::string_view, int fd) -> std::optional<Failure> {
      ++calls;
      if (!write_all(fd, wav_bytes(rate, samples))) return Failure{ErrorCode::speech_failed, "write", "speech"};
      return std::nullopt;
    };
  }
};

void set_age(const fs::path& file, std::chrono::seconds age) {
  timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= age.count();
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << file;
}

std::int64_t age_seconds(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::lstat(file.c_str(), &st), 0) << file;
  return static_cast<std::int64_t>(::time(nullptr) - st.st_mtim.tv_sec);
}

std::string hex_name(char c) { return std::string(64, c) + ".wav"; }

class SpeechCache : public ::testing::Test {
 protected:
  void SetUp() override {
    settings.audio_dir = dir.string();
    settings.module = "/nonexistent/eecall-speech.so";  // no test here may need the module
  }
  void TearDown() override { ::chmod(dir.c_str(), 0755); }  // so that ScratchDir can remove it

  Result<Prompt> say(std::string_view text, std::string_view voice = "fr") {
    return prepare(text, voice, settings, fake.function());
  }
  Prompt said(std::string_view text, std::string_view voice = "fr") {
    auto prompt = say(text, voice);
    if (!prompt) {
      ADD_FAILURE() << prompt.failure().message;
      return {};
    }
    return prompt.value();
  }
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.insert(entry.path().filename().string());
    return out;
  }
  void make_file(const std::string& name, std::size_t size, std::chrono::seconds age) {
    std::ofstream(dir / name, std::ios::binary) << std::string(size, 'x');
    set_age(dir / name, age);
  }

  ScratchDir scratch{"speech-cache"};
  fs::path dir = scratch.path();
  Settings settings;
  FakeSynthesizer fake;
};

// --- names ------------------------------------------------------------------------------------

TEST(SpeechCacheKey, IsTheSha256OfEngineVoiceAndTextEachLengthPrefixed) {
  // Nettle's SHA-256 against the FIPS 180-2 vector, then the documented byte layout.
  EXPECT_EQ(text::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(cache_key("E", "fr", "Bonjour"), text::sha256_hex("eecall speech\n1:E2:fr7:Bonjour"));
  const auto key = cache_key(engine_version(), "fr", "Fuite d'eau");
  EXPECT_EQ(key.size(), 64u);
  EXPECT_TRUE(is_cache_file_name(key + ".wav")) << key;
  // Each part changes the name, and no shift of bytes between parts gives the same one.
  EXPECT_NE(key, cache_key(engine_version(), "en", "Fuite d'eau"));
  EXPECT_NE(key, cache_key(engine_version(), "fr", "Fuite d'eau!"));
  EXPECT_NE(key, cache_key("espeak-ng 0.0; other format", "fr", "Fuite d'eau"));
  EXPECT_NE(cache_key("e", "ab", "c"), cache_key("e", "a", "bc"));
}

TEST(SpeechCacheKey, EngineNamesTheLibrariesAndTheFormat) {
  const std::string engine(engine_version());
  EXPECT_NE(engine.find("espeak-ng "), std::string::npos) << engine;
  EXPECT_NE(engine.find("soxr "), std::string::npos) << engine;
  EXPECT_NE(engine.find("8000 Hz"), std::string::npos) << engine;
}

TEST(SpeechCacheKey, FileNamePatterns) {
  EXPECT_TRUE(is_cache_file_name(hex_name('a')));
  EXPECT_FALSE(is_cache_file_name(std::string(64, 'A') + ".wav"));  // upper case: not ours
  EXPECT_FALSE(is_cache_file_name(std::string(63, 'a') + ".wav"));
  EXPECT_FALSE(is_cache_file_name(std::string(64, 'a') + ".gsm"));
  EXPECT_FALSE(is_cache_file_name(std::string(64, 'g') + ".wav"));
  EXPECT_FALSE(is_cache_file_name("alarme.wav"));
  const std::string temporary = "." + std::string(64, 'b') + ".Ab12Yz.tmp";
  EXPECT_TRUE(is_temporary_file_name(temporary));
  EXPECT_FALSE(is_temporary_file_name(std::string(64, 'b') + ".Ab12Yz.tmp"));
  EXPECT_FALSE(is_temporary_file_name("." + std::string(64, 'b') + ".Ab/2Yz.tmp"));
  EXPECT_FALSE(is_temporary_file_name(".hidden"));
  EXPECT_FALSE(is_cache_file_name(temporary));
}

TEST_F(SpeechCache, PathIsTheHashInAudioDirWithoutExtension) {
  const auto prompt = said("Fuite d'eau au sous-sol");
  EXPECT_EQ(prompt.path, dir.string() + "/" + cache_key(engine_version(), "fr", "Fuite d'eau au sous-sol"));
  EXPECT_TRUE(fs::is_regular_file(prompt.path + ".wav"));
  EXPECT_FALSE(fs::exists(prompt.path)) << "Playback is given the path without extension";
  // Nothing of the request reaches the file system: a hostile text is only hashed.
  const auto hostile = said("../../etc/passwd, FILE DB & | ( ) \"");
  EXPECT_EQ(fs::path(hostile.path).parent_path(), dir);
  EXPECT_TRUE(is_cache_file_name(fs::path(hostile.path).filename().string() + ".wav"));
  EXPECT_EQ(names().size(), 2u);
}

// --- reuse ------------------------------------------------------------------------------------

TEST_F(SpeechCache, SameTextAndVoiceIsReusedWithoutSynthesisNorModule) {
  const auto first = said("Fuite d'eau au sous-sol");
  EXPECT_FALSE(first.reused);
  EXPECT_EQ(first.duration, 1000ms);
  EXPECT_EQ(fake.calls, 1);

  // The public prepare() with a module that does not exist: a hit never loads it.
  ASSERT_FALSE(fs::exists(settings.module));
  const auto second = prepare("Fuite d'eau au sous-sol", "fr", settings);
  ASSERT_TRUE(second.ok()) << second.failure().message;
  EXPECT_TRUE(second.value().reused);
  EXPECT_EQ(second.value().path, first.path);
  EXPECT_EQ(second.value().duration, 1000ms) << "read from the file";

  const auto third = said("Fuite d'eau au sous-sol");
  EXPECT_TRUE(third.reused);
  EXPECT_EQ(fake.calls, 1);
  // Without the cache the module is needed, and its absence is said.
  const auto other = prepare("Autre texte", "fr", settings);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.failure().code, ErrorCode::speech_failed);
}

TEST_F(SpeechCache, VoiceNamesAreCaseInsensitive) {
  const auto lower = said("Bonjour", "fr");
  const auto upper = said("Bonjour", "FR");
  EXPECT_EQ(upper.path, lower.path);
  EXPECT_TRUE(upper.reused);
  EXPECT_EQ(fake.calls, 1);
}

TEST_F(SpeechCache, DifferentVoiceOrTextIsAnotherFile) {
  const auto fr = said("Alerte", "fr");
  const auto en = said("Alerte", "en");
  const auto other_text = said("Alerte !", "fr");
  EXPECT_NE(fr.path, en.path);
  EXPECT_NE(fr.path, other_text.path);
  EXPECT_FALSE(en.reused);
  EXPECT_FALSE(other_text.reused);
  EXPECT_EQ(fake.calls, 3);
  EXPECT_EQ(names().size(), 3u);
}

TEST_F(SpeechCache, ReuseMarksTheFileAsRecentlyUsed) {
  const auto prompt = said("Porte ouverte");
  set_age(prompt.path + ".wav", 3h);
  ASSERT_GE(age_seconds(prompt.path + ".wav"), 3 * 3600 - 5);
  EXPECT_TRUE(said("Porte ouverte").reused);
  EXPECT_LE(age_seconds(prompt.path + ".wav"), 60);
}

TEST_F(SpeechCache, CachedFileThatIsCutShortOrNot8kHzIsMadeAgain) {
  const auto prompt = said("Fenêtre ouverte");
  const auto wav = prompt.path + ".wav";
  fs::resize_file(wav, 100);  // a crash or a full disk in the middle of a write
  auto again = said("Fenêtre ouverte");
  EXPECT_FALSE(again.reused);
  EXPECT_EQ(fake.calls, 2);
  EXPECT_EQ(fs::file_size(wav), 44u + 16000u);

  std::ofstream(wav, std::ios::binary | std::ios::trunc) << wav_bytes(22050, 22050);
  again = said("Fenêtre ouverte");
  EXPECT_FALSE(again.reused) << "Asterisk refuses a 22050 Hz .wav (h8d)";
  EXPECT_EQ(fake.calls, 3);
}

// --- atomic writes ----------------------------------------------------------------------------

TEST_F(SpeechCache, WrittenFileIsReadableByAllAndNoTemporaryFileIsLeft) {
  const auto prompt = said("Fuite d'eau");
  struct stat st {};
  ASSERT_EQ(::stat((prompt.path + ".wav").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u) << "Asterisk runs as another user";
  EXPECT_EQ(names(), std::set<std::string>{fs::path(prompt.path).filename().string() + ".wav"});
}

TEST_F(SpeechCache, FailedSynthesisLeavesNothingAndSaysWhy) {
  const auto result = prepare("Fuite", "fr", settings, [](std::string_view, std::string_view, int fd) {
    (void)write_all(fd, "RIFF half a file");
    return std::optional<Failure>(Failure{ErrorCode::speech_failed, "engine broke", "speech"});
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::speech_failed);
  EXPECT_EQ(result.failure().message, "engine broke");
  EXPECT_TRUE(names().empty());
}

TEST_F(SpeechCache, AudioAsteriskCannotPlayIsRefusedAndNotKept) {
  fake.rate = 22050;
  const auto result = say("Fuite");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::speech_failed);
  EXPECT_TRUE(names().empty());
}

// Several CGI processes saying the same new text at once: all succeed, and the file a reader
// finds is always a whole one.
TEST_F(SpeechCache, ConcurrentWritersOfTheSameTextAllSucceed) {
  constexpr int writers = 4;
  std::barrier all_writing(writers);
  const Synthesizer slow = [&](std::string_view, std::string_view, int fd) -> std::optional<Failure> {
    all_writing.arrive_and_wait();  // every writer has its own temporary file open now
    const auto bytes = wav_bytes(8000, 8000);
    for (std::size_t at = 0; at < bytes.size(); at += 1000) {  // slowly, in pieces
      if (!write_all(fd, bytes.substr(at, 1000))) return Failure{ErrorCode::speech_failed, "write", "speech"};
      std::this_thread::sleep_for(1ms);
    }
    return std::nullopt;
  };
  std::vector<Result<Prompt>> results(writers, Failure{});
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = prepare("Intrusion", "fr", settings, slow); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.failure().message;
    EXPECT_EQ(r.value().path, results[0].value().path);
    EXPECT_FALSE(r.value().reused);
  }
  EXPECT_EQ(names().size(), 1u) << "one file, no temporary left";
  EXPECT_EQ(fs::file_size(results[0].value().path + ".wav"), 44u + 16000u);
}

// --- the bound --------------------------------------------------------------------------------

TEST_F(SpeechCache, BoundRemovesTheLeastRecentlyUsedCacheFilesOnly) {
  // Four old cache files of 10000 bytes, the oldest first; foreign files of every kind.
  make_file(hex_name('1'), 10000, 4h);
  make_file(hex_name('2'), 10000, 3h);
  make_file(hex_name('3'), 10000, 2h);
  make_file(hex_name('4'), 10000, 1h);
  make_file("alarme.wav", 50000, 10h);                     // an admin's own recording
  make_file(std::string(64, 'F') + ".wav", 50000, 10h);    // upper case: not a name of ours
  make_file(std::string(64, 'a') + ".wav.bak", 50000, 10h);
  make_file(".hidden", 50000, 10h);
  fs::create_directory(dir / (std::string(64, 'c') + ".wav"));  // a directory with our pattern
  // A symbolic link with our pattern: neither followed nor counted.
  const auto outside = dir.string() + "-outside";
  std::ofstream(outside) << std::string(100000, 'o');
  fs::create_symlink(outside, dir / hex_name('d'));

  // The new file is 16044 bytes: 40000 + 16044 must come down to 40000, which takes the two
  // oldest (36044).
  settings.max_bytes = 40000;
  const auto prompt = said("Nouvelle alerte");
  const auto left = names();
  EXPECT_FALSE(left.contains(hex_name('1')));
  EXPECT_FALSE(left.contains(hex_name('2')));
  EXPECT_TRUE(left.contains(hex_name('3')));
  EXPECT_TRUE(left.contains(hex_name('4')));
  EXPECT_TRUE(left.contains(fs::path(prompt.path).filename().string() + ".wav"));
  for (const std::string& foreign : std::vector<std::string>{"alarme.wav", std::string(64, 'F') + ".wav",
                                    std::string(64, 'a') + ".wav.bak", std::string(".hidden"),
                                    std::string(64, 'c') + ".wav", hex_name('d')}) {
    EXPECT_TRUE(left.contains(foreign)) << foreign;
  }
  EXPECT_EQ(fs::file_size(outside), 100000u);
  fs::remove(outside);
}

TEST_F(SpeechCache, FileJustWrittenIsKeptEvenAboveTheBound) {
  make_file(hex_name('1'), 10000, 2h);
  settings.max_bytes = 1000;  // smaller than any file
  const auto prompt = said("Alerte longue");
  EXPECT_EQ(names(), std::set<std::string>{fs::path(prompt.path).filename().string() + ".wav"});
}

TEST_F(SpeechCache, AFileUsedWithinTheHourIsKeptEvenAboveTheBound) {
  // A background alert may still be playing it: its next phone's Read would fail.
  make_file(hex_name('1'), 10000, 50min);
  make_file(hex_name('2'), 10000, 3h);
  settings.max_bytes = 1000;
  const auto prompt = said("Encore une alerte");
  EXPECT_EQ(names(), (std::set<std::string>{hex_name('1'), fs::path(prompt.path).filename().string() + ".wav"}));
}

TEST_F(SpeechCache, BoundIsNotAppliedOnAHit) {
  const auto prompt = said("Alerte");
  make_file(hex_name('1'), 100000, 1h);
  settings.max_bytes = 1000;
  EXPECT_TRUE(said("Alerte").reused);
  EXPECT_TRUE(names().contains(hex_name('1'))) << "a hit writes nothing, so removes nothing";
}

TEST_F(SpeechCache, StaleTemporaryFilesAreRemovedFreshOnesKept) {
  const std::string stale = "." + std::string(64, 'e') + ".Qw3rTy.tmp";
  const std::string fresh = "." + std::string(64, 'f') + ".Qw3rTy.tmp";
  const std::string foreign_stale = ".eecall.Qw3rTy.tmp";
  make_file(stale, 100, 2h);     // its writer died
  make_file(fresh, 100, 1min);   // another request writing now
  make_file(foreign_stale, 100, 2h);
  said("Alerte");
  const auto left = names();
  EXPECT_FALSE(left.contains(stale));
  EXPECT_TRUE(left.contains(fresh));
  EXPECT_TRUE(left.contains(foreign_stale));
}

// --- the audio directory ----------------------------------------------------------------------

TEST(SpeechAudioDir, GoodPathsAreAcceptedWithoutTrailingSlash) {
  EXPECT_EQ(check_audio_dir("/var/lib/eecall/audio").value(), "/var/lib/eecall/audio");
  EXPECT_EQ(check_audio_dir("/var/lib/eecall/audio/").value(), "/var/lib/eecall/audio");
  EXPECT_EQ(check_audio_dir("/srv/db/eecall_audio-2+x.y").value(), "/srv/db/eecall_audio-2+x.y");
}

TEST(SpeechAudioDir, BadPathsAreConfigErrors) {
  for (const std::string& bad : std::vector<std::string>{
           "", "audio", "./audio", "/", "//", "/srv/../etc", "/srv/./a", "/srv//a", "/srv/a b",
        "/srv/a,b", "/srv/a&b", "/srv/a|b", "/srv/a(b)", "/srv/a\"b", "/srv/a;b", "/srv/a\nb",
        "/srv/caf\xc3\xa9", "/srv/FILE", "/srv/DB", "/srv/alerts-CURL", "/srv/EVAL", "/srv/ODBC",
        "/srv/REALTIME", "/srv/SHELL", "/" + std::string(200, 'a')}) {
    SCOPED_TRACE(::testing::PrintToString(bad));
    const auto checked = check_audio_dir(bad);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.failure().code, ErrorCode::config_error);
    EXPECT_EQ(checked.failure().subject, "audio_dir");
  }
  // The message says why, for the words Asterisk blacklists.
  EXPECT_NE(check_audio_dir("/srv/DB").failure().message.find("system class"), std::string::npos);
}

TEST_F(SpeechCache, BadAudioDirIsRefusedBeforeAnySynthesis) {
  settings.audio_dir = "/var/lib/FILE/audio";
  const auto result = say("Alerte");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::config_error);
  EXPECT_EQ(fake.calls, 0);
}

TEST_F(SpeechCache, MissingAudioDirSaysHowToCreateIt) {
  settings.audio_dir = (dir / "missing").string();
  const auto result = say("Alerte");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::config_error);
  EXPECT_EQ(result.failure().subject, "audio_dir");
  EXPECT_NE(result.failure().message.find("does not exist"), std::string::npos) << result.failure().message;
  EXPECT_NE(result.failure().message.find("install -d -o www-data -g asterisk -m 2750 " + settings.audio_dir),
            std::string::npos)
      << result.failure().message;
  EXPECT_EQ(fake.calls, 0);
}

TEST_F(SpeechCache, AudioDirThatIsAFileIsAConfigError) {
  std::ofstream(dir / "file") << "x";
  settings.audio_dir = (dir / "file").string();
  const auto result = say("Alerte");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::config_error);
  EXPECT_NE(result.failure().message.find("not a directory"), std::string::npos) << result.failure().message;
}

// A directory this process may not write in. Root may write anywhere, so as root the check
// runs in a child that became `nobody`.
TEST_F(SpeechCache, UnwritableAudioDirSaysWhoMustOwnIt) {
  const auto check = [&]() -> int {
    const auto result = say("Alerte");
    if (result.ok()) return 10;
    if (result.failure().code != ErrorCode::config_error) return 11;
    const auto& message = result.failure().message;
    if (message.find("not writable") == std::string::npos) return 12;
    if (message.find("chown www-data") == std::string::npos) return 13;
    if (message.find("2750") == std::string::npos) return 14;
    return fake.calls == 0 ? 0 : 15;
  };
  ::chmod(dir.c_str(), 0555);
  if (::geteuid() != 0) {
    EXPECT_EQ(check(), 0);
    return;
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const uid_t nobody = 65534;
    if (::setresgid(nobody, nobody, nobody) != 0 || ::setresuid(nobody, nobody, nobody) != 0) ::_exit(20);
    ::_exit(check());
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "see check(): 10 accepted, 11 other code, 12-14 message";
}

// --- the inputs -------------------------------------------------------------------------------

TEST_F(SpeechCache, BadVoiceIsInvalidLang) {
  for (const std::string& bad : std::vector<std::string>{"", "fr/../../x", "roa/fr", "fr fr", "fr,en", "fr\n", std::string(41, 'a')}) {
    SCOPED_TRACE(::testing::PrintToString(bad));
    const auto result = say("Alerte", bad);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.failure().code, ErrorCode::invalid_parameter);
    EXPECT_EQ(result.failure().subject, "lang");
  }
  EXPECT_EQ(check_voice("en-US+f3").value(), "en-us+f3");
  EXPECT_EQ(fake.calls, 0);
}

TEST_F(SpeechCache, EmptyTextIsRefused) {
  const auto result = say("");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().code, ErrorCode::invalid_parameter);
  EXPECT_EQ(result.failure().subject, "say");
  EXPECT_EQ(fake.calls, 0);
}

// --- the WAV header reader --------------------------------------------------------------------

TEST_F(SpeechCache, WavHeaderGivesFormatAndDuration) {
  const auto read = [&](const std::string& bytes) {
    std::ofstream(dir / "h.wav", std::ios::binary | std::ios::trunc) << bytes;
    const int fd = ::open((dir / "h.wav").c_str(), O_RDONLY);
    auto format = read_wav_format(fd);
    ::close(fd);
    return format;
  };
  const auto good = read(wav_bytes(8000, 12000));
  ASSERT_TRUE(good.has_value());
  EXPECT_TRUE(good->playable_by_asterisk());
  EXPECT_EQ(good->duration(), 1500ms);
  const auto wide = read(wav_bytes(16000, 16000));
  ASSERT_TRUE(wide.has_value());
  EXPECT_FALSE(wide->playable_by_asterisk());
  EXPECT_EQ(wide->duration(), 1000ms);
  EXPECT_FALSE(read(wav_bytes(8000, 8000).substr(0, 1000)).has_value()) << "cut short";
  EXPECT_FALSE(read("RIFF\x10\0\0\0WAVEjunk").has_value());
  EXPECT_FALSE(read("not a wav file at all, not at all").has_value());
  EXPECT_FALSE(read("").has_value());
}

}  // namespace
}  // namespace eecall::speech
