#include "eecall/speech/engine.hpp"

#include <array>
#include <string>

#include "eecall/util/module_loader.hpp"
#include "eecall/speech/module_abi.h"

#ifndef EECALL_SPEECH_LIBRARIES
#error "EECALL_SPEECH_LIBRARIES must be defined by the build (CMakeLists.txt)"
#endif

namespace eecall::speech {

namespace {

constexpr ModuleSpec speech_module{"eecall-speech.so",
                                   EECALL_SPEECH_ENTRY_POINT,
                                   EECALL_SPEECH_ABI_VERSION,
                                   "speech",
                                   "speech synthesis is not available",
                                   ErrorCode::speech_failed,
                                   "speech"};

Result<const eecall_speech_api*> loaded_api(const std::string& module) {
  auto loaded = load_module<eecall_speech_api>(speech_module, module);
  if (!loaded) return loaded.failure();
  const eecall_speech_api* api = loaded.value();
  if (api->engine == nullptr || engine_version() != api->engine) {
    return module_failure(speech_module,
                          "the speech module was built with another engine (" +
                              std::string(api->engine != nullptr ? api->engine : "none") +
                              ") than this eecall (" + std::string(engine_version()) +
                              "): reinstall eecall");
  }
  return api;
}

}  // namespace

std::string_view engine_version() { return EECALL_SPEECH_LIBRARIES "; " EECALL_SPEECH_FORMAT; }

Result<std::string> load_speech_module(const std::string& module) {
  auto entry = open_module(speech_module, module);  // the file it comes from
  if (!entry) return entry.failure();
  auto api = loaded_api(entry.value().path);
  if (!api) return api.failure();
  return entry.value().path;
}

Status synthesize_with_module(const std::string& module, std::string_view text,
                                              std::string_view voice, int fd) {
  auto loaded = loaded_api(module);
  if (!loaded) return loaded.failure();
  const eecall_speech_api* api = loaded.value();
  const std::string text_z(text);
  const std::string voice_z(voice);
  std::array<char, 512> error{};
  switch (api->synthesize(text_z.c_str(), voice_z.c_str(), fd, error.data(), error.size())) {
    case EECALL_SPEECH_OK: return std::nullopt;
    case EECALL_SPEECH_UNKNOWN_VOICE:
      return Failure{ErrorCode::invalid_parameter,
                     "unknown voice '" + voice_z +
                         "': espeak-ng has no voice of that name (e.g. fr, en, de, es, it; "
                         "`espeak-ng --voices` lists them)",
                     "lang"};
    default:
      return Failure{ErrorCode::speech_failed, "speech synthesis failed: " + std::string(error.data()),
                     "speech"};
  }
}

}  // namespace eecall::speech
