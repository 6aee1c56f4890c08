// The command line's options (CLI11), in the groups `eecall --help` shows. The help stays
// short; the long prose (every parameter and setting, the answers, examples) is docs/eecall.1.
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace eecall {

/// What the options hold once parsed.
struct CliOptions {
  std::string query;                         // the old-style query string argument, if any
  std::map<std::string, std::string> given;  // request parameters given as options, by name
  std::string format_name = "xml";
  bool format_given = false;  // --format was on the command line
  std::string config_path;    // --config; empty: EECALL_CONFIG or the default file
  bool verbose = false;
  // Settings the command line overrides (EECALL_* and the configuration file lose).
  std::string timeout, context, channel, auth, ca_file;
  bool tls = false;
};

/// The command line with every option bound to `options`, which must outlive it.
std::unique_ptr<CLI::App> command_line(CliOptions& options);

/// Parses argv into the options `app` was made with. Empty: go on with the request. Else the
/// exit status to leave with at once: 0 after --help or --version (printed on `out`), bad input
/// after a usage error (its message on `err`).
std::optional<int> parse_command_line(CLI::App& app, CliOptions& options, int argc,
                                      const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace eecall
