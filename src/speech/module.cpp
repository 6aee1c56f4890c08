// eecall-speech.so: text to speech for eecall's spoken alerts, with the system's shared
// espeak-ng (synthesis), libsoxr (resampling) and libsndfile (the WAV file). eecall opens this
// module only when a prompt is not cached yet (include/eecall/speech/module_abi.h says why).
//
// espeak-ng speaks at 22050 Hz; Asterisk plays a .wav only at 8000 Hz (a 22050 or 16000 Hz .wav
// is refused: "Unexpected frequency mismatch", shared/ami-transcripts h8d, h8i), so the
// samples are resampled to 8000 Hz and written as WAV, mono, 16-bit (h8a plays it).
//
// C-style code without exceptions (malloc, no containers): it needs no C++ runtime, and
// --as-needed keeps libstdc++ out of its NEEDED list.
#include "eecall/speech/module_abi.h"

#include <espeak-ng/espeak_ng.h>
#include <sndfile.h>
#include <soxr.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef EECALL_SPEECH_LIBRARIES
#error "EECALL_SPEECH_LIBRARIES must be defined by the build (CMakeLists.txt)"
#endif

namespace {

constexpr int output_rate = 8000;
// A guard against a runaway synthesis: the caller limits the text's length, so real prompts
// are far shorter. Two minutes at 22050 Hz is 5.3 MB of samples.
constexpr double max_seconds = 120.0;

void set_error(char* error, std::size_t size, const char* text) {
  if (error != nullptr && size > 0) std::snprintf(error, size, "%s", text);
}

void set_espeak_error(char* error, std::size_t size, const char* what, espeak_ng_STATUS status) {
  char reason[256];
  espeak_ng_GetStatusCodeMessage(status, reason, sizeof reason);
  if (error != nullptr && size > 0) std::snprintf(error, size, "%s: %s", what, reason);
}

// The samples espeak-ng hands to the callback, in one growing buffer.
struct Samples {
  short* data = nullptr;
  std::size_t count = 0;
  std::size_t capacity = 0;
  std::size_t limit = 0;  // max_seconds at the engine's rate
  bool too_long = false;  // past the limit
  bool no_memory = false;
};

// Samples go in Samples; returning 1 stops the synthesis.
int collect(short* wav, int count, espeak_EVENT* events) {
  auto* samples = static_cast<Samples*>(events != nullptr ? events->user_data : nullptr);
  if (samples == nullptr || wav == nullptr || count <= 0) return 0;
  const auto n = static_cast<std::size_t>(count);
  if (samples->count + n > samples->limit) {
    samples->too_long = true;
    return 1;
  }
  if (samples->count + n > samples->capacity) {
    std::size_t capacity = samples->capacity == 0 ? 65536 : samples->capacity * 2;
    while (capacity < samples->count + n) capacity *= 2;
    auto* grown = static_cast<short*>(std::realloc(samples->data, capacity * sizeof(short)));
    if (grown == nullptr) {
      samples->no_memory = true;
      return 1;
    }
    samples->data = grown;
    samples->capacity = capacity;
  }
  std::memcpy(samples->data + samples->count, wav, n * sizeof(short));
  samples->count += n;
  return 0;
}

// espeak-ng, once per process: its data from the default place (or ESPEAK_DATA_PATH), no audio
// device, samples delivered synchronously to collect().
int engine_rate(char* error, std::size_t error_size) {
  static int rate = 0;
  if (rate > 0) return rate;
  // espeak-ng's output set-up opens an audio device through pcaudiolib even when it only
  // synthesizes to memory; its PulseAudio client then makes $HOME/.config/pulse and
  // $TMPDIR/pulse-* (as root) and writes "Failed to create secure directory" to the web
  // server's error log. eecall never plays a sound: a server address that cannot exist makes
  // that probe fail at once, touching nothing (pcaudiolib then finds no device, which
  // synchronous synthesis does not need).
  ::setenv("PULSE_SERVER", "unix:/nonexistent/eecall-plays-no-audio", 1);
  espeak_ng_InitializePath(nullptr);
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (status != ENS_OK) {
    set_espeak_error(error, error_size, "cannot start espeak-ng", status);
    return 0;
  }
  status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (status != ENS_OK) {
    set_espeak_error(error, error_size, "cannot start espeak-ng's output", status);
    return 0;
  }
  espeak_SetSynthCallback(collect);
  rate = espeak_ng_GetSampleRate();
  if (rate <= 0) set_error(error, error_size, "espeak-ng gave no sample rate");
  return rate;
}

// 16-bit samples at `rate` to 8000 Hz. High quality, without dither: nothing random is added,
// the output depends only on the samples.
short* resample(const Samples& in, int rate, std::size_t* out_count, char* error,
                std::size_t error_size) {
  const std::size_t capacity =
      static_cast<std::size_t>(static_cast<double>(in.count) * output_rate / rate) + 64;
  auto* out = static_cast<short*>(std::malloc(capacity * sizeof(short)));
  if (out == nullptr) {
    set_error(error, error_size, "out of memory");
    return nullptr;
  }
  soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  io.flags |= SOXR_NO_DITHER;
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  std::size_t done = 0;
  const soxr_error_t failed = soxr_oneshot(rate, output_rate, 1, in.data, in.count, nullptr, out,
                                           capacity, &done, &io, &quality, nullptr);
  if (failed != nullptr) {
    if (error != nullptr && error_size > 0) std::snprintf(error, error_size, "resampling failed: %s", failed);
    std::free(out);
    return nullptr;
  }
  *out_count = done;
  return out;
}

// WAV, 8000 Hz, mono, 16-bit PCM: what Asterisk's format_wav reads.
int write_wav(int fd, const short* samples, std::size_t count, char* error, std::size_t error_size) {
  SF_INFO info{};
  info.samplerate = output_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
  if (file == nullptr) {
    if (error != nullptr && error_size > 0) {
      std::snprintf(error, error_size, "cannot write the WAV file: %s", sf_strerror(nullptr));
    }
    return EECALL_SPEECH_FAILED;
  }
  const auto frames = static_cast<sf_count_t>(count);
  const bool written = sf_write_short(file, samples, frames) == frames;
  if (!written && error != nullptr && error_size > 0) {
    std::snprintf(error, error_size, "cannot write the WAV file: %s", sf_strerror(file));
  }
  // sf_close writes the final sizes into the header and flushes.
  const int closed = sf_close(file);
  if (written && closed != 0) {
    if (error != nullptr && error_size > 0) {
      std::snprintf(error, error_size, "cannot finish the WAV file: %s", sf_error_number(closed));
    }
    return EECALL_SPEECH_FAILED;
  }
  return written ? EECALL_SPEECH_OK : EECALL_SPEECH_FAILED;
}

int synthesize(const char* text, const char* voice, int fd, char* error, std::size_t error_size) {
  set_error(error, error_size, "");
  if (text == nullptr || voice == nullptr || fd < 0) {
    set_error(error, error_size, "bad arguments");
    return EECALL_SPEECH_FAILED;
  }
  const int rate = engine_rate(error, error_size);
  if (rate <= 0) return EECALL_SPEECH_FAILED;

  espeak_ng_STATUS status = espeak_ng_SetVoiceByName(voice);
  if (status == ENS_VOICE_NOT_FOUND) {
    set_error(error, error_size, "espeak-ng has no such voice");
    return EECALL_SPEECH_UNKNOWN_VOICE;
  }
  if (status != ENS_OK) {
    set_espeak_error(error, error_size, "cannot select the voice", status);
    return EECALL_SPEECH_FAILED;
  }

  Samples samples;
  samples.limit = static_cast<std::size_t>(max_seconds * rate);
  // Plain UTF-8 text: without espeakSSML and espeakPHONEMES, markup and [[...]] are read
  // literally, never interpreted.
  status = espeak_ng_Synthesize(text, std::strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                nullptr, &samples);
  int result = EECALL_SPEECH_FAILED;
  if (samples.too_long) {  // collect() stopped the synthesis
    set_error(error, error_size, "the text is too long to speak");
  } else if (samples.no_memory) {
    set_error(error, error_size, "out of memory");
  } else if (status != ENS_OK) {
    set_espeak_error(error, error_size, "espeak-ng failed", status);
  } else if (samples.count == 0) {
    set_error(error, error_size, "espeak-ng made no sound for this text");
  } else {
    std::size_t count = 0;
    short* resampled = resample(samples, rate, &count, error, error_size);
    if (resampled != nullptr) {
      result = write_wav(fd, resampled, count, error, error_size);
      std::free(resampled);
    }
  }
  std::free(samples.data);
  return result;
}

const eecall_speech_api api = {
    EECALL_SPEECH_ABI_VERSION,
    EECALL_SPEECH_LIBRARIES "; " EECALL_SPEECH_FORMAT,
    synthesize,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const eecall_speech_api* eecall_speech_module() {
  return &api;
}
