// The configuration file: profiles, policy keys, and every way it can be unusable — each error
// names the file and, for content, the line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "eecall/admin/config.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  test::ScratchDir dir{"config-test"};
  std::string path = dir.path() + "/eecall.conf";

  void write(const std::string& text, mode_t mode = 0640) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  Config loaded() {
    auto c = load_config(path);
    if (!c) {
      ADD_FAILURE() << c.failure().message;
      return {};
    }
    return c.value();
  }
  std::string refusal() {
    auto c = load_config(path);
    if (c) {
      ADD_FAILURE() << "accepted, expected a configuration error";
      return {};
    }
    EXPECT_EQ(c.failure().code, ErrorCode::config_error);
    return c.failure().message;
  }
};

const std::string home_profile =
    "[general]\n"
    "allow_url_credentials = no\n"
    "token = 0123456789abcdef-token\n"
    "timeout = 5\n"
    "\n"
    "; the PBX at home\n"
    "[home]\n"
    "host = 127.0.0.1\n"
    "port = 5039\n"
    "user = eedomus\n"
    "secret = s3cret\n"
    "allow_from = 1[0-9]{2}\n"
    "callerid = eeDomus\n";

TEST_F(ConfigFile, ProfilesAndPolicyAreRead) {
  write(home_profile);
  const auto c = loaded();
  EXPECT_EQ(c.path, path);
  EXPECT_FALSE(c.allow_url_credentials);
  EXPECT_EQ(c.token, "0123456789abcdef-token");
  EXPECT_EQ(c.general.at("timeout").value, "5");
  const auto* home = c.profile("home");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->credentials.at("host").value, "127.0.0.1");
  EXPECT_EQ(home->credentials.at("secret").value, "s3cret");
  EXPECT_EQ(home->settings.at("allow_from").value, "1[0-9]{2}");
  EXPECT_EQ(home->settings.at("allow_from").origin, path + ":12");
  EXPECT_EQ(c.profile("office"), nullptr);
}

TEST_F(ConfigFile, EmptyFileIsAnEmptyConfiguration) {
  write("");
  const auto c = loaded();
  EXPECT_TRUE(c.allow_url_credentials);
  EXPECT_TRUE(c.token.empty());
  EXPECT_TRUE(c.profiles.empty());
}

TEST_F(ConfigFile, UnknownKeyNamesFileAndLine) {
  write("[general]\ntimeout = 5\n\n[home]\nhost = 127.0.0.1\nuser = u\nsecert = typo\n");
  EXPECT_EQ(refusal(), path + ":7: unknown key 'secert' in [home]");
}

TEST_F(ConfigFile, BadValueNamesFileAndLine) {
  write("[general]\ntimeout = forever\n");
  const auto message = refusal();
  EXPECT_NE(message.find(path + ":2: "), std::string::npos) << message;
  EXPECT_NE(message.find("timeout"), std::string::npos) << message;
}

TEST_F(ConfigFile, AntiFloodInGeneralOrAProfileStateDirAndAllowHostsInGeneralOnly) {
  write("[general]\nallow_hosts = 127.0.0.1, ::1\nstate_dir = /var/lib/eecall\nmax_actions_per_minute = 10\n"
        "\n[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nmax_actions_per_minute = 5\nrepeat_window = 60\n");
  const auto c = loaded();
  EXPECT_EQ(c.general.at("allow_hosts").value, "127.0.0.1, ::1");
  EXPECT_EQ(c.profile("home")->settings.at("repeat_window").value, "60");
  for (const char* key : {"allow_hosts = 127.0.0.1", "state_dir = /tmp"}) {
    write(std::string("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\n") + key + "\n");
    const auto message = refusal();
    EXPECT_NE(message.find(path + ":5: "), std::string::npos) << message;
    EXPECT_NE(message.find("[general]"), std::string::npos) << message;
  }
}

TEST_F(ConfigFile, SyntaxErrorNamesFileAndLine) {
  write("[general]\ntimeout = 5\n[home\nhost = x\n");
  EXPECT_NE(refusal().find(path + ":3: "), std::string::npos);
}

TEST_F(ConfigFile, DuplicateKeyIsRefused) {
  write("[home]\nhost = 127.0.0.1\nhost = 10.0.0.1\nuser = u\nsecret = s\n");
  EXPECT_NE(refusal().find(path + ":3"), std::string::npos);
}

TEST_F(ConfigFile, ProfileWithoutSecretOrWithABadHostIsRefused) {
  write("[home]\nhost = 127.0.0.1\nuser = eedomus\n");
  EXPECT_NE(refusal().find("[home] has no secret"), std::string::npos);
  write("[home]\nhost = not a host\nuser = eedomus\nsecret = s3cret\n");
  const auto message = refusal();
  EXPECT_NE(message.find(path + ":2: profile [home] host"), std::string::npos) << message;
}

TEST_F(ConfigFile, BadRegularExpressionIsRefused) {
  write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_to = [0-9\n");
  EXPECT_NE(refusal().find(path + ":5: "), std::string::npos);
}

// config_fuzz (CI, 2026-12-07): a huge {n} overflowed inside libstdc++'s regex compiler, and a
// large one builds a state per repetition. Refused before compiling, naming the line.
TEST_F(ConfigFile, RepetitionCountsBeyondTenThousandAreRefusedBeforeCompiling) {
  for (const std::string pattern : {"1[0-9]{666666666666666666666666666666666662}", "[0-9]{10001}",
                                    "([0-9]{100}){101}", "[0-9]{2,10001}", "a{10001,}"}) {
    write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_to = " + pattern + "\n");
    const auto message = refusal();
    EXPECT_NE(message.find(path + ":5: "), std::string::npos) << pattern << ": " << message;
    EXPECT_NE(message.find("repeats more than 10000 times"), std::string::npos) << pattern << ": " << message;
  }
  // The same overflow through a back-reference's number (config_fuzz's long run).
  write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_to = 2\\55555555555555555555555|1\n");
  EXPECT_NE(refusal().find("has a back-reference above \\99"), std::string::npos) << refusal();
  for (const std::string pattern : {"0[67][0-9]{8}|\\+33[67][0-9]{8}", "([0-9]{100}){100}", "\\{99999\\}",
                                    "[0-9]{2,15}", "(1)\\1", "\\\\{3}"}) {
    write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_to = " + pattern + "\n");
    const auto config = load_config(path);
    EXPECT_TRUE(config.ok()) << pattern << ": " << (config ? "" : config.failure().message);
  }
}

// config_fuzz's long run (2026-12-07): a 17 kB allow_from overflowed the stack of libstdc++'s
// regex compiler, which recurses once per term. A pattern past 1000 characters is refused first.
TEST_F(ConfigFile, PatternsLongerThanAThousandCharactersAreRefusedBeforeCompiling) {
  write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_from = " + std::string(20000, 'v') + "\n");
  const auto message = refusal();
  EXPECT_NE(message.find(path + ":5: allow_from is longer than 1000 characters"), std::string::npos) << message;
  write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nallow_to = " + std::string(1000, '1') + "\n");
  const auto config = load_config(path);
  EXPECT_TRUE(config.ok()) << (config ? "" : config.failure().message);
}

TEST_F(ConfigFile, JobSettingsBelongInGeneralNotificationsAnywhere) {
  write("[general]\njobs_dir = /srv/eecall/jobs\nmax_jobs = 2\nnotify_url = http://box/set?v={value}\n\n"
        "[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nnotify_url = http://other/set?v={value}\n"
        "notify_value_failed = 0\n", 0640);
  const auto c = loaded();
  EXPECT_EQ(c.general.at("jobs_dir").value, "/srv/eecall/jobs");
  EXPECT_EQ(c.profile("home")->settings.at("notify_url").value, "http://other/set?v={value}");
  write("[home]\nhost = 127.0.0.1\nuser = u\nsecret = s\nmax_jobs = 9\n", 0640);
  EXPECT_EQ(refusal(), path + ":5: max_jobs belongs in [general]: every request shares it");
}

TEST_F(ConfigFile, ShortTokenIsRefusedWithoutEchoingIt) {
  write("[general]\ntoken = abc\n");
  const auto message = refusal();
  EXPECT_NE(message.find(path + ":2: token"), std::string::npos) << message;
  EXPECT_EQ(message.find("abc"), std::string::npos) << message;
}

// Issue 19: comments as admins write them in Asterisk's own configs.
TEST_F(ConfigFile, TheIssuesExamplesDoWhatTheAdminMeant) {
  write("[general]\n"
        "allow_url_credentials = no ; comment\n"
        "state_dir = /var/lib/eecall ; default\n"
        "\n[home]\nhost = 127.0.0.1\nuser = eedomus\nsecret = s3cret\n"
        "allow_from = 100|0240404040    ; comment\n");
  const auto c = loaded();
  EXPECT_FALSE(c.allow_url_credentials) << "was: 500 config_error on every request";
  EXPECT_EQ(c.general.at("state_dir").value, "/var/lib/eecall") << "was: the flood guard silently off";
  ASSERT_NE(c.profile("home"), nullptr);
  EXPECT_EQ(c.profile("home")->settings.at("allow_from").value, "100|0240404040")
      << "was: 0240404040 silently refused";
  EXPECT_EQ(c.profile("home")->settings.at("allow_from").origin, path + ":9");
}

TEST_F(ConfigFile, SemicolonOrHashAfterABlankStartsAComment) {
  write("[general] ; defaults\n"
        "timeout = 5 ;comment glued to its ';'\n"
        "ring = 20\t# comment after a tab\n"
        "context = from-internal #\n"
        "callerid = eeDomus alarm   ; a name may hold blanks\n"
        "voice = fr ; one ; two # three\n");
  const auto c = loaded();
  EXPECT_EQ(c.general.at("timeout").value, "5");
  EXPECT_EQ(c.general.at("ring").value, "20");
  EXPECT_EQ(c.general.at("context").value, "from-internal");
  EXPECT_EQ(c.general.at("callerid").value, "eeDomus alarm");
  EXPECT_EQ(c.general.at("voice").value, "fr");
}

TEST_F(ConfigFile, EscapedSemicolonOrHashIsPartOfTheValue) {
  write("[home]\nhost = 127.0.0.1\nuser = eedomus\n"
        "secret = ab\\;cd \\#ef#gh   ; a secret with ';' and '#'\n"
        "allow_from = 1\\d{2}\n"
        "notify_url = http://box/set?v={value}#top\n"
        "allow_to = [0-9*#]+\n");
  const auto c = loaded();
  ASSERT_NE(c.profile("home"), nullptr);
  const auto& home = *c.profile("home");
  EXPECT_EQ(home.credentials.at("secret").value, "ab;cd #ef#gh");
  EXPECT_EQ(home.settings.at("allow_from").value, "1\\d{2}") << "other backslashes stay";
  EXPECT_EQ(home.settings.at("notify_url").value, "http://box/set?v={value}#top") << "a glued '#' stays";
  EXPECT_EQ(home.settings.at("allow_to").value, "[0-9*#]+");
}

TEST_F(ConfigFile, KeysAndValuesAreTrimmed) {
  write("\t[general]  \r\n  timeout\t=\t 5 \t\r\n  callerid =   eeDomus   \r\n");
  const auto c = loaded();
  EXPECT_EQ(c.general.at("timeout").value, "5");
  EXPECT_EQ(c.general.at("callerid").value, "eeDomus");
  EXPECT_EQ(c.general.at("callerid").origin, path + ":3");
}

// What could be a comment or a value is refused, naming file:line and never quoting the value.
TEST_F(ConfigFile, AValueThatStillLooksLikeItCarriesACommentIsRefused) {
  const std::string profile = "[home]\nhost = 127.0.0.1\nuser = eedomus\n";
  write(profile + "secret = ab;cd\n");
  auto message = refusal();
  EXPECT_EQ(message.find(path + ":4: secret: a ';' right after a value: write \\; "), 0) << message;
  EXPECT_EQ(message.find("ab"), std::string::npos) << message;
  EXPECT_EQ(message.find("cd"), std::string::npos) << message;
  write("[general]\nallow_url_credentials = no;comment\n");
  EXPECT_EQ(refusal().find(path + ":2: allow_url_credentials: a ';' right after"), 0);
  write("[general]\ncallerid = Alarm #1\n");
  message = refusal();
  EXPECT_EQ(message.find(path + ":2: callerid: a '#' after a blank"), 0) << message;
  EXPECT_NE(message.find("\\#"), std::string::npos) << message;
  write(profile + "secret = s\nallow_from = 100|0240404040    what the box may ring\n");
  message = refusal();
  EXPECT_EQ(message, path + ":5: allow_from: a blank inside the value (a comment starts with ' ;' or ' #')");
  write("[general]\nnotify_url = http://box/set?v={value} see docs\n");
  EXPECT_EQ(refusal().find(path + ":2: notify_url: a blank"), 0);
  write("[home] the PBX\nhost = 127.0.0.1\n");
  EXPECT_EQ(refusal().find(path + ":1: text after the section's ']'"), 0);
}

TEST_F(ConfigFile, KeyOutsideASectionOrWithoutEqualsIsRefusedWithItsLine) {
  write("; top\ntimeout = 5\n[general]\n");
  EXPECT_EQ(refusal(), path + ":2: 'timeout' is outside any [section]");
  write("[general]\n\ntimeout 5\n");
  EXPECT_EQ(refusal().find(path + ":3: no '='"), 0);
  write("[general]\ntimeout = 5\n[general]\nring = 20\n");
  EXPECT_EQ(refusal().find(path + ":3: [general] appears twice"), 0);
}

TEST_F(ConfigFile, WorldReadableFileWithSecretsIsRefused) {
  write(home_profile, 0644);
  const auto message = refusal();
  EXPECT_NE(message.find("every user may read it"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos);
  write("[general]\ntimeout = 5\n", 0644);
  EXPECT_TRUE(load_config(path).ok()) << "no secret, nothing to protect";
}

TEST_F(ConfigFile, MissingFileIsAnErrorWhenNamed) {
  EXPECT_NE(refusal().find("cannot read configuration " + path), std::string::npos);
  const Environment env = {{"EECALL_CONFIG", path}};
  EXPECT_FALSE(load_config_for(env, std::nullopt).ok());
  EXPECT_FALSE(load_config_for({}, path).ok());
}

TEST_F(ConfigFile, EndlessOrHugeFileIsRefusedNotReadForever) {
  // /dev/zero never ends: refused after max_config_bytes, not read until memory runs out.
  auto endless = load_config("/dev/zero");
  ASSERT_FALSE(endless.ok());
  EXPECT_EQ(endless.failure().code, ErrorCode::config_error);
  EXPECT_NE(endless.failure().message.find("/dev/zero is larger than 1048576 bytes"), std::string::npos)
      << endless.failure().message;
  write("; comment\n" + std::string(max_config_bytes, ';'));
  EXPECT_NE(refusal().find("is larger than"), std::string::npos);
  write(std::string(max_config_bytes - 1, ';') + "\n");
  EXPECT_TRUE(load_config(path).ok()) << "exactly the limit is still read";
}

TEST_F(ConfigFile, UnreadableFileSaysSo) {
  write(home_profile, 0600);
  // Root reads everything: check as an unprivileged user, in a child process.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && ::setuid(65534) != 0) ::_exit(3);
    if (::geteuid() != 0) ::chmod(path.c_str(), 0);
    auto c = load_config(path);
    const bool said = !c && c.failure().message.find("cannot read configuration " + path) == 0 &&
                      c.failure().message.find("www-data") != std::string::npos;
    ::_exit(said ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "an unreadable configuration must be named, with the fix";
}

}  // namespace
}  // namespace eecall
