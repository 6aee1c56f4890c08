/* The interface between eecall and its speech module, eecall-speech.so.
 *
 * Why a module: a CGI program is a new process per request, and espeak-ng, its data and the
 * resampler would be loaded by every request, although only a `say` whose audio is not cached
 * yet needs them (docs/performance.md). The module is linked against the system's shared
 * libespeak-ng, libsoxr and libsndfile and opened with dlopen() at that moment; a cached prompt
 * never loads it.
 *
 * A plain C interface (one table of functions) so that nothing C++ crosses the boundary.
 */
#ifndef EECALL_SPEECH_MODULE_ABI_H
#define EECALL_SPEECH_MODULE_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change to the table below; eecall refuses a module with another version. */
#define EECALL_SPEECH_ABI_VERSION 1
/* The one symbol the module exports: a function returning its table. */
#define EECALL_SPEECH_ENTRY_POINT "eecall_speech_module"

/* What the module writes, and how: bumped whenever the audio made for a given text and voice
 * could change (rate, sample format, resampler or its quality, trimming, ...). It is part of
 * every cached file's name (with the library versions the build found, EECALL_SPEECH_LIBRARIES),
 * so that a new eecall never reuses audio an older one made differently. */
#define EECALL_SPEECH_FORMAT "WAV 8000 Hz mono s16, soxr HQ, format 1"

enum eecall_speech_status {
  EECALL_SPEECH_OK = 0,
  EECALL_SPEECH_UNKNOWN_VOICE = 1, /* espeak-ng has no voice of that name */
  EECALL_SPEECH_FAILED = 2         /* anything else; the error text says what */
};

struct eecall_speech_api {
  int abi_version;

  /* The engine this module was built with: EECALL_SPEECH_LIBRARIES "; " EECALL_SPEECH_FORMAT.
   * eecall refuses a module whose engine is not its own, as cached file names derive from it. */
  const char* engine;

  /* Speaks `text` (UTF-8, NUL-terminated, read as plain text: no SSML, no phoneme input) with
   * the espeak-ng voice `voice` ("fr", "en-us", ...) and writes it to `fd`, an empty regular file
   * open for reading and writing, as a WAV file, 8000 Hz, mono, 16-bit. The fd stays the caller's
   * (never closed). The error text is written to the caller's buffer, always NUL-terminated.
   * Not thread-safe: espeak-ng has one global state. */
  int (*synthesize)(const char* text, const char* voice, int fd, char* error, size_t error_size);
};

typedef const struct eecall_speech_api* (*eecall_speech_entry_point)(void);

#ifdef __cplusplus
}
#endif

#endif /* EECALL_SPEECH_MODULE_ABI_H */
