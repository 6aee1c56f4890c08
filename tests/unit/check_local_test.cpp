// The judging of eecall's own side of `eecall --check` (check_local.cpp): each check's ✔, ✘ and ?
// from what stat said (configuration, state, jobs and audio directories, for the web server and
// for Asterisk), the speech module and the notify site.
#include "eecall/checkup/check.hpp"

#include <gtest/gtest.h>

namespace eecall {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Account user(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}) {
  return {"u" + std::to_string(uid), uid, gid, groups};
}

PathFacts dir(unsigned mode, uid_t owner = 33, gid_t group = 33, std::string path = "/var/lib/eecall/x") {
  PathFacts p;
  p.path = std::move(path);
  p.exists = true;
  p.directory = true;
  p.owner = owner;
  p.group = group;
  p.mode = mode;
  return p;
}

TEST(CheckAccess, ModeBitsForOwnerGroupOthersAndRoot) {
  const auto d = dir(02750, 33, 112);
  EXPECT_TRUE(may(user(33, 33), d, 7));
  EXPECT_TRUE(may(user(110, 112), d, 5));
  EXPECT_FALSE(may(user(110, 112), d, 2));
  EXPECT_TRUE(may(user(110, 110, {112}), d, 5)) << "a supplementary group";
  EXPECT_FALSE(may(user(1000, 1000), d, 1));
  EXPECT_TRUE(may(user(0, 0), d, 7));
  PathFacts missing;
  EXPECT_FALSE(may(user(0, 0), missing, 4));
}

TEST(CheckLocal, ConfigurationReadableByTheWebServer) {
  Config config;
  config.path = "/etc/eecall/eecall.conf";
  config.profiles["home"] = Profile{"home", {}, {}};
  PathFacts file = dir(0640, 0, 33, config.path);
  file.directory = false;
  auto c = judge_configuration(config, file, user(33, 33));
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_TRUE(contains(c.found, "profiles home")) << c.found;
  file.group = 0;
  c = judge_configuration(config, file, user(33, 33));
  EXPECT_EQ(c.status, CheckStatus::failed);
  EXPECT_TRUE(contains(c.fix, "chmod 0640")) << c.fix;
  EXPECT_EQ(c.error, ErrorCode::config_error);
  const auto none = judge_configuration(Config{}, std::nullopt, user(33, 33));
  EXPECT_EQ(none.status, CheckStatus::ok);
  EXPECT_FALSE(none.needed);
  EXPECT_EQ(judge_configuration_failure({ErrorCode::config_error, "x.conf:3: unknown key", "config"}).status,
            CheckStatus::failed);
}

TEST(CheckLocal, StateDirIsNeverNeeded) {
  auto s = judge_state_dir(dir(0755, 33, 33), user(33, 33));
  EXPECT_EQ(s.status, CheckStatus::ok);
  s = judge_state_dir(dir(0755, 0, 0), user(33, 33));
  EXPECT_EQ(s.status, CheckStatus::failed);
  EXPECT_FALSE(s.needed);
  EXPECT_TRUE(contains(s.found, "without max_actions_per_minute")) << s.found;
}

TEST(CheckLocal, JobsDirMustBeTheWebServersAlone) {
  const auto parent = dir(0755, 33, 33, "/var/lib/eecall");
  EXPECT_EQ(judge_jobs_dir(dir(0700), parent, user(33, 33), true).status, CheckStatus::ok);
  EXPECT_EQ(judge_jobs_dir(dir(0770), parent, user(33, 33), true).status, CheckStatus::failed);
  EXPECT_EQ(judge_jobs_dir(dir(0700, 0, 0), parent, user(33, 33), true).status, CheckStatus::failed);
  PathFacts absent;
  absent.path = "/var/lib/eecall/jobs";
  EXPECT_EQ(judge_jobs_dir(absent, parent, user(33, 33), false).status, CheckStatus::ok) << "created on first use";
  const auto not_creatable = judge_jobs_dir(absent, dir(0755, 0, 0, "/var/lib/eecall"), user(33, 33), false);
  EXPECT_EQ(not_creatable.status, CheckStatus::failed);
  EXPECT_FALSE(not_creatable.needed);
  EXPECT_TRUE(contains(not_creatable.fix, "install -d -o u33")) << not_creatable.fix;
}

TEST(CheckLocal, JobLogMustBeWritableByTheWebServer) {
  // Issue 19 item 5: the shipped example's /var/log/eecall/jobs.log in a directory nobody made.
  PathFacts absent;
  absent.path = "/var/log/eecall/jobs.log";
  PathFacts no_dir;
  no_dir.path = "/var/log/eecall";
  const auto missing = judge_job_log(absent, no_dir, user(33, 33));
  EXPECT_EQ(missing.status, CheckStatus::failed);
  EXPECT_FALSE(missing.needed) << "jobs still run, logging to syslog";
  EXPECT_TRUE(contains(missing.found, "/var/log/eecall does not exist")) << missing.found;
  EXPECT_TRUE(contains(missing.found, "syslog")) << missing.found;
  EXPECT_TRUE(contains(missing.fix, "install -d -o u33 -m 0750 /var/log/eecall")) << missing.fix;
  EXPECT_EQ(judge_job_log(absent, dir(0750, 33, 33, "/var/log/eecall"), user(33, 33)).status, CheckStatus::ok)
      << "created by the first job";
  EXPECT_EQ(judge_job_log(absent, dir(0755, 0, 0, "/var/log/eecall"), user(33, 33)).status, CheckStatus::failed);
  auto file = dir(0644, 0, 0, "/var/log/eecall/jobs.log");
  file.directory = false;
  const auto roots = judge_job_log(file, dir(0755, 0, 0, "/var/log/eecall"), user(33, 33));
  EXPECT_EQ(roots.status, CheckStatus::failed);
  EXPECT_TRUE(contains(roots.fix, "chown u33 /var/log/eecall/jobs.log")) << roots.fix;
  file.owner = 33;
  EXPECT_EQ(judge_job_log(file, dir(0755, 0, 0, "/var/log/eecall"), user(33, 33)).status, CheckStatus::ok);
}

TEST(CheckLocal, AudioDirForEecallAndForAsterisk) {
  const auto d = dir(02750, 33, 112, "/var/lib/eecall/audio");
  EXPECT_EQ(judge_audio_dir(d, user(33, 33)).status, CheckStatus::ok);
  EXPECT_EQ(judge_audio_dir(d, user(1000, 1000)).status, CheckStatus::failed);
  EXPECT_EQ(judge_audio_dir(PathFacts{"/nope", false, false, 0, 0, 0, {}}, user(33, 33)).status, CheckStatus::failed);

  EXPECT_EQ(judge_audio_for_asterisk(d, true, "127.0.0.1", user(110, 112), "how").status, CheckStatus::ok);
  const auto other = judge_audio_for_asterisk(d, true, "127.0.0.1", user(110, 110), "how");
  EXPECT_EQ(other.status, CheckStatus::failed);
  EXPECT_TRUE(contains(other.fix, "chmod 2750")) << other.fix;
  const auto remote = judge_audio_for_asterisk(d, false, "192.0.2.10", user(110, 112), "how");
  EXPECT_EQ(remote.status, CheckStatus::failed);
  EXPECT_TRUE(contains(remote.fix, "on the PBX host")) << remote.fix;
  const auto unknown = judge_audio_for_asterisk(d, true, "127.0.0.1", std::nullopt, "how");
  EXPECT_EQ(unknown.status, CheckStatus::unknown);
  EXPECT_TRUE(contains(unknown.fix, "sudo -u asterisk ls /var/lib/eecall/audio")) << unknown.fix;
}

TEST(CheckLocal, SpeechModuleAndNotify) {
  EXPECT_EQ(judge_speech_module(std::string("/usr/lib/eecall/eecall-speech.so")).status, CheckStatus::ok);
  EXPECT_EQ(
      judge_speech_module(Failure{ErrorCode::speech_failed, "speech synthesis is not available: ...", "speech"}).status,
      CheckStatus::failed);
  EXPECT_EQ(judge_notify(false, {}, Failure{}).status, CheckStatus::failed);
  EXPECT_EQ(judge_notify(true, "http://box/", 200L).status, CheckStatus::ok);
  EXPECT_EQ(judge_notify(true, "http://box/", 404L).status, CheckStatus::ok) << "any HTTP answer: the site answers";
  const auto down = judge_notify(true, "http://box/", Failure{ErrorCode::config_error, "Connection refused", "notify"});
  EXPECT_EQ(down.status, CheckStatus::failed);
  EXPECT_TRUE(contains(down.found, "Connection refused")) << down.found;
}

}  // namespace
}  // namespace eecall
