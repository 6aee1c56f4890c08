#include "eecall/callin/speak.hpp"

namespace eecall::callin {

std::function<Result<std::string>(std::string_view)> speaker(speech::Settings settings, std::string voice) {
  return [settings = std::move(settings), voice = std::move(voice)](std::string_view sentence) -> Result<std::string> {
    auto prompt = speech::prepare(sentence, voice, settings);
    if (!prompt) return prompt.failure();
    return std::move(prompt).value().path;
  };
}

}  // namespace eecall::callin
