// The AGI front end: Asterisk runs `eecall callin=NAME` for an incoming call
// (`exten => 4000,1,AGI(eecall,callin=home)`, docs/callin.md) with the AGI exchange on stdin
// and stdout. The one argument `callin=NAME` is what tells it from the command line.
#pragma once

#include <optional>
#include <string>

#include "eecall/admin/environment.hpp"

namespace eecall {

/// NAME when the arguments are exactly `callin=NAME`.
std::optional<std::string> agi_menu_name(int argc, char** argv);

/// Serves the call on stdin/stdout; the exit status (callin/callin.hpp).
int run_agi(const std::string& menu_name, const Environment& env);

}  // namespace eecall
