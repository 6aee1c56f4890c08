#include "eecall/edge/agi.hpp"

#include <unistd.h>

#include <string_view>

#include "eecall/callin/callin.hpp"

namespace eecall {

std::optional<std::string> agi_menu_name(int argc, char** argv) {
  constexpr std::string_view prefix = "callin=";
  if (argc != 2 || argv[1] == nullptr) return std::nullopt;
  const std::string_view argument = argv[1];
  if (!argument.starts_with(prefix)) return std::nullopt;
  return std::string(argument.substr(prefix.size()));
}

int run_agi(const std::string& menu_name, const Environment& env) {
  return callin::serve_call(menu_name, env, STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace eecall
