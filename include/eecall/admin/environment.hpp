// The process environment as a value, so front ends are testable without setenv().
#pragma once

#include <map>
#include <optional>
#include <string>

namespace eecall {

using Environment = std::map<std::string, std::string>;

/// A copy of the process environment (environ).
Environment process_environment();

std::optional<std::string> lookup(const Environment& env, const std::string& name);

}  // namespace eecall
