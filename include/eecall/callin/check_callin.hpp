// `eecall --check callin=NAME`: what an incoming call to the menu `[callin NAME]` needs, one
// line per check with its fix (docs/callin.md, "Checking the set-up"): the menu parses, the AGI
// program is where Asterisk looks and Asterisk's user may run it, that user may read the
// configuration, a dialplan line runs AGI(eecall,callin=NAME), and each read key's URL answers.
// Act keys' URLs are never fetched: a GET of one arms or opens something.
//
// It lives here, not in checkup/, because the arrows point callin → checkup: it reuses the
// doctor's accounts, file facts and verdict (checkup/check.hpp) and adds what only callin knows.
// Every judge is a pure function of the facts, tested from given facts.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eecall/action/outcome.hpp"
#include "eecall/callin/callin_config.hpp"
#include "eecall/callin/fetch.hpp"
#include "eecall/checkup/check.hpp"

namespace eecall::callin {

/// Where Asterisk looks for AGI programs and its dialplan on this host.
struct AsteriskPlaces {
  std::vector<std::string> agi_dirs;  // in Asterisk's order of preference
  std::string config_dir;             // extensions*.conf
};
/// AST_AGI_DIR and AST_CONFIG_DIR when set (Asterisk sets them for its AGI programs; a test
/// sets them to its own directories), else FreePBX's and Debian's places.
AsteriskPlaces asterisk_places(const char* agi_dir, const char* config_dir);

/// The user Asterisk runs as: a running asterisk's, else the account `asterisk`; with how it
/// was found. nullopt: neither (only what every user may is then known).
std::optional<std::pair<Account, std::string>> asterisk_account();

/// The menu: parsed (its keys), or the loader's refusal.
CheckItem judge_menu(const Result<Menu>& menu);
/// The PIN: present unless every allowed caller is trusted, and not one a thief tries first
/// (one digit repeated, a run like 1234 or 9876).
CheckItem judge_pin(const Menu& menu);
/// The AGI program `eecall` in the first of `dirs` that has it (each PathFacts: dir/eecall),
/// and executable by Asterisk's user.
CheckItem judge_agi_program(const std::vector<PathFacts>& programs,
                            const std::optional<std::pair<Account, std::string>>& asterisk);
/// The configuration file (and its directory) readable by Asterisk's user: the AGI runs as it.
/// `acl`: one of them has a POSIX ACL (setfacl, docs/callin.md), which the mode bits do not show.
CheckItem judge_config_for_asterisk(const PathFacts& file, const PathFacts& dir,
                                    const std::optional<std::pair<Account, std::string>>& asterisk, bool acl = false);

/// A dialplan line running AGI(…eecall, callin=NAME): where it was found.
struct DialplanLine {
  std::string file;
  int line = 0;
  std::string text;
};
/// The first line of `text` (a dialplan file's) that runs the AGI eecall with callin=NAME.
std::optional<int> agi_line_in(const std::string& text, const std::string& name);
/// The dialplan: a line found in the files searched, else ? with the line to add and how to see
/// what Asterisk loaded. `unreadable`: files that could not be read (why).
CheckItem judge_dialplan(const std::string& name, const std::optional<DialplanLine>& found,
                         const std::string& config_dir, const std::vector<std::string>& unreadable);

/// A read key: its URL answered 2xx with a value to speak (shown), or what failed.
CheckItem judge_read_key(const MenuKey& key, const FetchAnswer& answer, std::chrono::milliseconds timeout);
/// An act key: listed, never fetched (a GET would act on the house).
CheckItem judge_act_key(const MenuKey& key);

/// The whole check of `[callin NAME]` (`name`), with the places and the fetcher given (the
/// command line passes the machine's; tests their own).
Outcome check_callin(const std::string& name, const Config& config, const SettingValues& environment,
                     const AsteriskPlaces& places, const Fetcher& fetch);

/// The command line's `eecall --check callin=NAME`: refused over HTTP (it describes the PBX
/// host's files); `name` is the callin parameter.
Outcome run_callin_check(const Incoming& incoming, const std::string& name, const Config& config,
                         const SettingValues& environment);

}  // namespace eecall::callin
