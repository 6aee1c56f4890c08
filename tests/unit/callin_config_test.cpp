// [callin NAME] of eecall.conf: what a menu may say, and every refusal naming file:line
// without quoting the PIN.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "eecall/callin/callin_config.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::callin {
namespace {

Result<Menu> menu_of(const std::string& section_body, const std::string& name = "home") {
  test::ScratchDir dir("callin-config");
  const auto path = dir.path() + "/eecall.conf";
  std::ofstream(path) << "[callin home]\n" << section_body;
  ::chmod(path.c_str(), 0600);
  auto config = load_config(path);
  if (!config) return config.failure();
  return menu_from_config(config.value(), name);
}

const std::string base = "pin = 4711\nallow_callers = 0612345678, 0698765432\n";

TEST(CallinConfig, ReadsAWholeMenu) {
  auto menu = menu_of(base + "trust_caller_id = 0698765432\ngreeting = Ici la maison.\npin_tries = 5\n"
                             "lockout = 60\ncall_limit = 300\nfetch_timeout = 2\n"
                             "key3 = read Alarme | http://box/api/get?a=1 | body.last_value_text\n"
                             "key0 = acknowledge\nkey1 = act Armer | http://box/api/set?value=100\n");
  ASSERT_TRUE(menu) << menu.failure().message;
  const auto& m = menu.value();
  EXPECT_EQ(m.pin, "4711");
  EXPECT_EQ(m.allow_callers, (std::vector<std::string>{"0612345678", "0698765432"}));
  EXPECT_TRUE(m.trusts("0698765432"));
  EXPECT_FALSE(m.trusts("0612345678"));
  EXPECT_TRUE(m.allows("0612345678"));
  EXPECT_FALSE(m.allows("0600000000"));
  EXPECT_EQ(m.greeting, "Ici la maison.");
  EXPECT_EQ(m.pin_tries, 5);
  EXPECT_EQ(m.lockout, std::chrono::minutes(60));
  EXPECT_EQ(m.call_limit, std::chrono::seconds(300));
  EXPECT_EQ(m.fetch_timeout, std::chrono::seconds(2));
  ASSERT_EQ(m.keys.size(), 3u);  // in the order they are spoken: 1..9, then 0
  EXPECT_EQ(m.keys[0].key, '1');
  EXPECT_EQ(m.keys[0].url, "http://box/api/set?value=100");
  EXPECT_EQ(m.keys[1].kind, MenuKey::Kind::read);
  EXPECT_EQ(m.keys[1].field, "body.last_value_text");
  EXPECT_EQ(m.keys[2].kind, MenuKey::Kind::acknowledge);
  EXPECT_EQ(m.keys[2].label, "Acquitter l'alerte en cours");
}

TEST(CallinConfig, AnyCallerButNeverAHiddenOne) {
  auto menu = menu_of("pin = 4711\nallow_callers = any\nkey1 = act A | http://box/a\n");
  ASSERT_TRUE(menu) << menu.failure().message;
  EXPECT_TRUE(menu.value().allows("0611111111"));
  EXPECT_FALSE(menu.value().allows(""));
  EXPECT_FALSE(menu.value().allows("unknown"));
}

void expect_refused(const std::string& body, const std::string& says) {
  auto menu = menu_of(body);
  ASSERT_FALSE(menu) << body;
  EXPECT_EQ(menu.failure().code, ErrorCode::config_error);
  EXPECT_NE(menu.failure().message.find(says), std::string::npos) << menu.failure().message;
  EXPECT_EQ(menu.failure().message.find("98765"), std::string::npos) << "quotes the PIN";
}

TEST(CallinConfig, RefusesWhatCannotWork) {
  const std::string key = "key1 = act A | http://box/a\n";
  expect_refused("pin = 98765x\nallow_callers = any\n" + key, "eecall.conf:2: pin must be 4 to 12 digits");
  expect_refused("pin = 987\nallow_callers = any\n" + key, "pin must be 4 to 12 digits");
  expect_refused("pin = 98765\n" + key, "needs allow_callers");
  expect_refused("allow_callers = any\n" + key, "needs a pin");
  expect_refused("pin = 98765\nallow_callers = any\n", "has no key");
  expect_refused("pin = 98765\nallow_callers = 06-12\n" + key, "caller numbers are 1 to 20 digits");
  expect_refused("pin = 98765\nallow_callers = any\nkey1 = act A | ftp://box/a\n", "http:// or https://");
  expect_refused("pin = 98765\nallow_callers = any\nkey1 = act A\n", "write 'act LABEL | URL'");
  expect_refused("pin = 98765\nallow_callers = any\nkey1 = dial A | http://box/a\n", "act, read or acknowledge");
  expect_refused("pin = 98765\nallow_callers = any\nkey1 = act  | http://box/a\n", "a label of 1 to 100");
  expect_refused("pin = 98765\nallow_callers = any\n" + key + "pin_tries = 0\n", "pin_tries must be");
  expect_refused("pin = 98765\nallow_callers = any\n" + key + "keyA = act A | http://b/a\n", "unknown key 'keyA'");
  auto missing = menu_of("pin = 98765\nallow_callers = any\n" + key, "garage");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.failure().message.find("no [callin garage]"), std::string::npos);
}

TEST(CallinConfig, TrustedCallersAloneNeedNoPin) {
  auto menu = menu_of("trust_caller_id = 0612345678\nkey1 = act A | http://box/a\n");
  ASSERT_TRUE(menu) << menu.failure().message;
  EXPECT_TRUE(menu.value().allows("0612345678"));
  EXPECT_FALSE(menu.value().allows("0699999999"));
}

TEST(CallinConfig, AMenuHoldsASecretSoTheFileMustBePrivate) {
  test::ScratchDir dir("callin-config-mode");
  const auto path = dir.path() + "/eecall.conf";
  std::ofstream(path) << "[callin home]\n" << base << "key1 = act A | http://box/a\n";
  ::chmod(path.c_str(), 0644);
  auto config = load_config(path);
  ASSERT_FALSE(config);
  EXPECT_NE(config.failure().message.find("holds secrets"), std::string::npos);
}

}  // namespace
}  // namespace eecall::callin
