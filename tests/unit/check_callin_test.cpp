// The judging of `eecall --check callin=NAME` (callin/check_callin.cpp): each check's ✔, ✘ and ?
// from given facts (the menu, stat's answers, Asterisk's user, a dialplan file's text, a box's
// answer); and the whole check on a scratch directory standing in for Asterisk's, with a
// fetcher that records what it was asked (never an act key's URL).
#include "eecall/callin/check_callin.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/scratch_dir.hpp"

namespace eecall::callin {
namespace {

using std::chrono::milliseconds;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

PathFacts file(unsigned mode, uid_t owner = 0, gid_t group = 0, std::string path = "/var/lib/asterisk/agi-bin/eecall") {
  PathFacts p;
  p.path = std::move(path);
  p.exists = true;
  p.owner = owner;
  p.group = group;
  p.mode = mode;
  return p;
}

std::optional<std::pair<Account, std::string>> asterisk(uid_t uid = 997, gid_t gid = 997) {
  return std::pair{Account{"asterisk", uid, gid, {}}, std::string("its process 42")};
}

MenuKey read_key() {
  MenuKey k;
  k.key = '3';
  k.kind = MenuKey::Kind::read;
  k.label = "Alarme";
  k.field = "body.last_value_text";
  return k;
}

TEST(CheckCallin, AgiProgramFoundAndExecutableByAsterisk) {
  PathFacts missing;
  missing.path = "/var/lib/asterisk/agi-bin/eecall";
  const auto found = file(0755, 0, 0, "/usr/share/asterisk/agi-bin/eecall");
  const auto ok = judge_agi_program({missing, found}, asterisk());
  EXPECT_EQ(ok.status, CheckStatus::ok);
  EXPECT_TRUE(contains(ok.found, "/usr/share/asterisk/agi-bin/eecall is executable by asterisk")) << ok.found;

  const auto none = judge_agi_program({missing}, asterisk());
  EXPECT_EQ(none.status, CheckStatus::failed);
  EXPECT_TRUE(contains(none.fix, "ln -s /usr/bin/eecall /var/lib/asterisk/agi-bin/eecall")) << none.fix;
  EXPECT_EQ(none.error, ErrorCode::config_error);

  const auto private_program = judge_agi_program({file(0700, 0, 0)}, asterisk());
  EXPECT_EQ(private_program.status, CheckStatus::failed);
  EXPECT_TRUE(contains(private_program.fix, "chmod 755 /var/lib/asterisk/agi-bin/eecall")) << private_program.fix;

  EXPECT_EQ(judge_agi_program({file(0755)}, std::nullopt).status, CheckStatus::ok) << "every user may run it";
  const auto unknown = judge_agi_program({file(0750)}, std::nullopt);
  EXPECT_EQ(unknown.status, CheckStatus::unknown);
  EXPECT_TRUE(contains(unknown.fix, "sudo -u asterisk test -x")) << unknown.fix;
}

TEST(CheckCallin, ConfigurationReadableByAsterisk) {
  const auto conf = file(0640, 33, 33, "/etc/eecall/eecall.conf");
  auto dir = file(0755, 0, 0, "/etc/eecall");
  dir.directory = true;
  EXPECT_EQ(judge_config_for_asterisk(conf, dir, asterisk(997, 33)).status, CheckStatus::ok) << "by its group";
  const auto refused = judge_config_for_asterisk(conf, dir, asterisk(997, 997));
  EXPECT_EQ(refused.status, CheckStatus::failed);
  EXPECT_TRUE(contains(refused.fix, "chmod 640 /etc/eecall/eecall.conf")) << refused.fix;
  EXPECT_TRUE(contains(refused.found, "would hang up every call")) << refused.found;
  EXPECT_EQ(judge_config_for_asterisk(conf, dir, asterisk(997, 997), true).status, CheckStatus::unknown)
      << "an ACL (setfacl -m u:asterisk:r) may let it read";
  auto closed_dir = dir;
  closed_dir.mode = 0750;
  EXPECT_EQ(judge_config_for_asterisk(conf, closed_dir, asterisk(997, 33)).status, CheckStatus::failed)
      << "the directory must be searchable too";
  EXPECT_EQ(judge_config_for_asterisk(conf, dir, std::nullopt).status, CheckStatus::unknown);
  EXPECT_EQ(judge_config_for_asterisk(PathFacts{}, dir, asterisk()).status, CheckStatus::failed);
}

TEST(CheckCallin, DialplanLineFoundOnlyForOurMenu) {
  const std::string text =
      "[from-internal-custom]\n"
      "; exten => 4001,1,AGI(eecall,callin=home)  a comment\n"
      "exten => 4002,1,AGI(other,callin=home)\n"
      "exten => 4003,1,AGI(eecall,callin=office)\n"
      "exten => 4000,1,Answer()\n"
      " same => n,AGI(/var/lib/asterisk/agi-bin/eecall, callin=home)\n";
  EXPECT_EQ(agi_line_in(text, "home"), 6);
  EXPECT_EQ(agi_line_in(text, "office"), 4);
  EXPECT_EQ(agi_line_in(text, "cellar"), std::nullopt);
  EXPECT_EQ(agi_line_in("exten => 1,1,NoAGI(eecall,callin=home)\n", "home"), std::nullopt);

  const auto found = judge_dialplan("home", DialplanLine{"/etc/asterisk/extensions_custom.conf", 6, " same => n,AGI(eecall,callin=home)"},
                                    "/etc/asterisk", {});
  EXPECT_EQ(found.status, CheckStatus::ok);
  EXPECT_TRUE(contains(found.found, "/etc/asterisk/extensions_custom.conf:6: same => n,AGI(eecall,callin=home)"))
      << found.found;
  const auto missing = judge_dialplan("home", std::nullopt, "/etc/asterisk", {"/etc/asterisk/extensions.conf could not be read"});
  EXPECT_EQ(missing.status, CheckStatus::unknown) << "the dialplan may live elsewhere (FreePBX's database)";
  EXPECT_TRUE(contains(missing.found, "extensions.conf could not be read")) << missing.found;
  EXPECT_TRUE(contains(missing.fix, "exten => 4000,1,AGI(eecall,callin=home)")) << missing.fix;
  EXPECT_TRUE(contains(missing.fix, "dialplan reload")) << missing.fix;
}

TEST(CheckCallin, ReadKeyAnsweredWithAValue) {
  FetchAnswer answer{true, 200, R"({"success":1,"body":{"last_value_text":"activée"}})", {}};
  const auto ok = judge_read_key(read_key(), answer, milliseconds(5000));
  EXPECT_EQ(ok.status, CheckStatus::ok);
  EXPECT_TRUE(contains(ok.found, "would say \"Alarme : activée\"")) << ok.found;

  const auto down = judge_read_key(read_key(), FetchAnswer{false, 0, {}, "Connection refused"}, milliseconds(5000));
  EXPECT_EQ(down.status, CheckStatus::failed);
  EXPECT_EQ(down.error, ErrorCode::connect_failed);
  EXPECT_TRUE(contains(down.found, "no answer within 5000 ms (Connection refused)")) << down.found;

  const auto refused = judge_read_key(read_key(), FetchAnswer{true, 401, "no", {}}, milliseconds(5000));
  EXPECT_EQ(refused.status, CheckStatus::failed);
  EXPECT_TRUE(contains(refused.found, "HTTP 401")) << refused.found;
  EXPECT_TRUE(contains(refused.fix, "api_user")) << refused.fix;

  const auto no_field = judge_read_key(read_key(), FetchAnswer{true, 200, R"({"body":{}})", {}}, milliseconds(5000));
  EXPECT_EQ(no_field.status, CheckStatus::failed);
  EXPECT_TRUE(contains(no_field.found, "field body.last_value_text")) << no_field.found;
}

TEST(CheckCallin, ActKeyNeverFetchedAndSaysSo) {
  MenuKey act;
  act.key = '1';
  act.label = "Armer";
  const auto listed = judge_act_key(act);
  EXPECT_EQ(listed.status, CheckStatus::ok);
  EXPECT_TRUE(contains(listed.found, "not fetched")) << listed.found;
}

TEST(CheckCallin, GuessablePinFails) {
  Menu menu;
  menu.name = "home";
  for (const auto* pin : {"1234", "0000", "9876", "7890", "4444444"}) {
    menu.pin = pin;
    EXPECT_EQ(judge_pin(menu).status, CheckStatus::failed) << pin;
    EXPECT_FALSE(contains(judge_pin(menu).found, pin)) << "the PIN is never shown";
  }
  menu.pin = "4711";
  EXPECT_EQ(judge_pin(menu).status, CheckStatus::ok);
  EXPECT_FALSE(contains(judge_pin(menu).found, "4711"));
}

TEST(CheckCallin, MenuRefusedWithTheLoadersMessage) {
  const auto refused = judge_menu(Failure{ErrorCode::config_error, "no [callin home] in /x/eecall.conf", "callin"});
  EXPECT_EQ(refused.status, CheckStatus::failed);
  EXPECT_EQ(refused.found, "no [callin home] in /x/eecall.conf");
}

TEST(CheckCallin, PlacesFromAsterisksVariablesElseFreePbxAndDebian) {
  const auto set = asterisk_places("/opt/agi", "/opt/etc");
  EXPECT_EQ(set.agi_dirs, std::vector<std::string>{"/opt/agi"});
  EXPECT_EQ(set.config_dir, "/opt/etc");
  const auto unset = asterisk_places(nullptr, "");
  EXPECT_EQ(unset.agi_dirs, (std::vector<std::string>{"/var/lib/asterisk/agi-bin", "/usr/share/asterisk/agi-bin"}));
  EXPECT_EQ(unset.config_dir, "/etc/asterisk");
}

// The whole check over a scratch directory: an act key's URL is never asked, a read key's is.
TEST(CheckCallin, WholeCheckFetchesOnlyReadKeys) {
  test::ScratchDir dir("check-callin");
  const auto conf = dir.path() + "/eecall.conf";
  std::ofstream(conf) << "[callin home]\npin = 4711\nallow_callers = 0612345678\n"
                         "key1 = act Armer | http://box/set?value=100\n"
                         "key3 = read Alarme | http://box/get?id={caller} | body.last_value_text\n";
  ::chmod(conf.c_str(), 0600);
  std::filesystem::create_directories(dir.path() + "/agi-bin");
  std::filesystem::create_directories(dir.path() + "/etc");
  auto config = load_config(conf);
  ASSERT_TRUE(config) << config.failure().message;
  std::vector<std::string> asked;
  const Fetcher fetch = [&](const std::string& url, milliseconds) {
    asked.push_back(url);
    return FetchAnswer{true, 200, R"({"body":{"last_value_text":"activée"}})", {}};
  };
  const auto report = check_callin("home", config.value(), {}, {{dir.path() + "/agi-bin"}, dir.path() + "/etc"}, fetch);
  EXPECT_EQ(asked, std::vector<std::string>{"http://box/get?id="});
  std::vector<std::string> names;
  for (const auto& c : report.checks) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"callin menu", "agi program", "config for asterisk", "dialplan", "pin",
                                             "key1", "key3"}));
  EXPECT_EQ(report.checks[1].status, CheckStatus::failed) << "no eecall in the scratch agi-bin";
  EXPECT_EQ(report.checks[3].status, CheckStatus::unknown) << "no dialplan file in the scratch etc";
  EXPECT_EQ(report.error, ErrorCode::config_error);
  EXPECT_EQ(report.subject, "agi program");
}

}  // namespace
}  // namespace eecall::callin
