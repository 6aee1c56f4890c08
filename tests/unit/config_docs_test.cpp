// Every eecall.conf an admin may copy from the documentation loads through the real loader:
// each fenced ```ini block of README.md and docs/*.md, and the shipped packaging/eecall.conf
// (as shipped, and with its commented-out settings switched on).
//
// A block that is not an eecall.conf says so on the line before its fence:
//   <!-- not eecall.conf: ... -->   skipped (e.g. Asterisk's manager.conf)
//   <!-- eecall.conf fragment -->   its profiles lack their PBX: host, user and secret are
//                                   added to each profile that has none, then it is loaded
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "eecall/admin/config.hpp"
#include "eecall/callin/callin_config.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

namespace fs = std::filesystem;

const fs::path repo_root = fs::path(EECALL_TEST_DATA) / ".." / "..";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct IniBlock {
  std::string where;  // "docs/security.md:30" (the fence's line)
  std::string text;
  bool skipped = false;
  bool fragment = false;
};

std::vector<IniBlock> ini_blocks(const fs::path& file) {
  std::vector<IniBlock> blocks;
  std::istringstream in(read_text(file));
  std::string line;
  std::string before;  // the last non-blank line before this one
  IniBlock* open = nullptr;
  for (int number = 1; std::getline(in, line); ++number) {
    if (open != nullptr) {
      if (line.rfind("```", 0) == 0) {
        open = nullptr;
      } else {
        open->text += line + "\n";
      }
    } else if (line == "```ini") {
      blocks.push_back({fs::relative(file, repo_root).string() + ":" + std::to_string(number), "",
                        before.rfind("<!-- not eecall.conf", 0) == 0,
                        before.rfind("<!-- eecall.conf fragment", 0) == 0});
      open = &blocks.back();
    }
    if (!line.empty()) before = line;
  }
  return blocks;
}

// A fragment's profiles get a PBX, so that what the block shows is what is checked.
std::string completed(const std::string& fragment) {
  std::istringstream in(fragment);
  std::string line;
  std::string text;
  std::string section;
  const auto close_profile = [&] {
    if (section.empty() || section == "general") return;
    for (const char* key : {"host = 127.0.0.1\n", "user = eedomus\n", "secret = a-long-random-secret\n"}) {
      const std::string name = std::string(key).substr(0, std::string(key).find(' '));
      if (!std::regex_search(text, std::regex("\\[" + section + "\\][^\\[]*\n" + name + " ="))) {
        text += key;
      }
    }
  };
  while (std::getline(in, line)) {
    if (line.rfind('[', 0) == 0) {
      close_profile();
      section = line.substr(1, line.find(']') - 1);
    }
    text += line + "\n";
  }
  close_profile();
  return text;
}

// Loads `text` as an eecall.conf (mode 0640, as the package installs it).
Result<Config> load_text(const std::string& text) {
  test::ScratchDir dir("config-docs-test");
  const std::string path = dir.path() + "/eecall.conf";
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0640);
  return load_config(path);
}

std::vector<fs::path> documents() {
  std::vector<fs::path> files = {repo_root / "README.md"};
  for (const auto& entry : fs::directory_iterator(repo_root / "docs")) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  return files;
}

TEST(ConfigDocs, EveryIniBlockOfTheDocsLoads) {
  int loaded = 0;
  int skipped = 0;
  for (const auto& file : documents()) {
    for (const auto& block : ini_blocks(file)) {
      if (block.skipped) {
        ++skipped;
        continue;
      }
      auto config = load_text(block.fragment ? completed(block.text) : block.text);
      EXPECT_TRUE(config.ok()) << block.where << ": " << config.failure().message << "\n" << block.text;
      if (config.ok()) {  // a call-in menu's keys are checked when a call comes: check them here
        for (const auto& [name, entries] : config.value().callin_menus) {
          auto menu = callin::menu_from_config(config.value(), name);
          EXPECT_TRUE(menu.ok()) << block.where << ": " << menu.failure().message;
        }
      }
      ++loaded;
    }
  }
  EXPECT_GE(loaded, 5) << "the docs' eecall.conf examples were not found";
  EXPECT_LE(skipped, 4) << "keep the blocks that are not an eecall.conf few";
}

TEST(ConfigDocs, FragmentsGetAPbxOnlyWhereTheyHaveNone) {
  EXPECT_EQ(completed("[general]\ntimeout = 5\n[home]\nring = 20\n"),
            "[general]\ntimeout = 5\n[home]\nring = 20\n"
            "host = 127.0.0.1\nuser = eedomus\nsecret = a-long-random-secret\n");
  EXPECT_EQ(completed("[home]\nhost = ::1\n"),
            "[home]\nhost = ::1\nuser = eedomus\nsecret = a-long-random-secret\n");
}

const fs::path shipped = repo_root / "packaging" / "eecall.conf";

TEST(ConfigDocs, TheShippedExampleLoadsAsShipped) {
  auto config = load_text(read_text(shipped));
  ASSERT_TRUE(config.ok()) << config.failure().message;
  EXPECT_TRUE(config.value().profiles.empty());
}

// "; key = value" and "; [section]" lines switched on: what an admin gets by deleting the "; ".
TEST(ConfigDocs, TheShippedExampleLoadsWithItsSettingsSwitchedOn) {
  const std::regex commented_out("^; (([a-z_]+ = )|(\\[[a-z]+\\]$))");
  std::istringstream in(read_text(shipped));
  std::string text;
  int switched_on = 0;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, commented_out)) {
      line.erase(0, 2);
      ++switched_on;
    }
    text += line + "\n";
  }
  EXPECT_GE(switched_on, 10) << text;
  auto config = load_text(text);
  ASSERT_TRUE(config.ok()) << config.failure().message << "\n" << text;
  const auto& c = config.value();
  EXPECT_TRUE(c.allow_url_credentials);  // shipped as "; allow_url_credentials = yes"
  EXPECT_EQ(c.token, "a-long-random-string");
  ASSERT_NE(c.profile("home"), nullptr);
  EXPECT_EQ(c.profile("home")->settings.at("allow_from").value, "1[0-9]{2}");
  EXPECT_EQ(c.general.at("state_dir").value, "/var/lib/eecall");
}

}  // namespace
}  // namespace eecall
