// The speech module seen from eecall: which engine it is, and a synthesis through it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eecall/util/result.hpp"

namespace eecall::speech {

/// The engine this eecall was built with: the library versions the build found and the
/// module's output format (include/eecall/speech/module_abi.h). Part of every cached file's
/// name, and known without loading the module, so a cached prompt never loads it; the module
/// must report the same (a module from another build is refused).
std::string_view engine_version();

/// Loads eecall-speech.so (`module`, or when empty the default places) and checks that it is
/// this eecall's, without synthesizing anything: its path, or the failure synthesize_with_module
/// would give (speech_failed "speech", naming the files tried).
Result<std::string> load_speech_module(const std::string& module);

/// Synthesizes through eecall-speech.so (`module`, or when empty the default places), loaded
/// now. Failures: invalid_parameter "lang" for a voice espeak-ng does not have; speech_failed
/// "speech" for a missing or mismatched module (naming the files tried) or a failed synthesis.
Status synthesize_with_module(const std::string& module, std::string_view text,
                                              std::string_view voice, int fd);

}  // namespace eecall::speech
