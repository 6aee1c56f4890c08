// A sentence of the menu → the audio file AGI plays: the speech cache of spoken alerts
// (speech/), so a sentence is synthesized once and then costs a stat. The audio_dir must be
// readable by Asterisk's user (it is already, for alerts) and writable by it (a call-in runs
// as Asterisk's user): docs/callin.md.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "eecall/speech/speech.hpp"
#include "eecall/util/result.hpp"

namespace eecall::callin {

/// The speak service of the menu: text → absolute path without extension.
std::function<Result<std::string>(std::string_view)> speaker(speech::Settings settings, std::string voice);

}  // namespace eecall::callin
