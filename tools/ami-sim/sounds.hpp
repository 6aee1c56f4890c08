// Where Playback and Read find a prompt, and how long it plays (main/file.c ast_streamfile()
// as the lab's Asterisk 20 does it, for a channel whose codec is ulaw).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace eecall::sim {

/// The sounds a relative prompt name can be: the lab's (hello-world 1.3 s, vm-goodbye 1.0 s,
/// beep 0.3 s, tt-monkeys 16 s, demo-congrats 30 s) plus any given with --sound.
using SoundCatalog = std::map<std::string, std::chrono::milliseconds, std::less<>>;

SoundCatalog lab_sounds();

struct Prompt {
  bool playable = false;
  std::chrono::milliseconds duration{0};
  std::string why;  // when not playable: what Asterisk logs
};

/// A relative name is looked up in `catalog` (exactly as given: no extension added). An
/// absolute path is looked up on this machine's disk as Asterisk does: the path is taken
/// without extension and each file format's extensions are tried (wav, wav16, sln, sln16,
/// sln12..sln192, g722, au, alaw, pcm/ulaw, gsm); among the files found the one cheapest to
/// translate to ulaw is opened (ulaw, then 8 kHz slin, alaw, higher-rate slin, gsm, g722); a
/// .wav must be PCM 16-bit mono at 8000 Hz (16000 Hz for .wav16), else that file cannot be
/// opened, as format_wav.c refuses it. Its duration comes from the file's size. URLs
/// (http://, https://) are not simulated and never play.
Prompt find_prompt(std::string_view name, const SoundCatalog& catalog);

}  // namespace eecall::sim
