// Admin settings from EECALL_* variables, and the checkers the command line shares.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/admin/settings.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;

ami::ClientSettings accepted(const Environment& env) {
  auto settings = settings_from_environment(env);
  if (!settings.ok()) {
    ADD_FAILURE() << "refused: " << settings.failure().message;
    return {};
  }
  return settings.value();
}

void expect_refused(const std::string& variable, const std::string& value) {
  SCOPED_TRACE(variable + "=" + ::testing::PrintToString(value));
  auto settings = settings_from_environment({{variable, value}});
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.failure().code, ErrorCode::config_error);
  EXPECT_EQ(settings.failure().subject, variable);
  EXPECT_NE(settings.failure().message.find(variable), std::string::npos)
      << settings.failure().message;
}

TEST(Settings, DefaultsWithoutVariables) {
  const auto s = accepted({{"PATH", "/usr/bin"}, {"QUERY_STRING", "x=1"}});
  EXPECT_EQ(s.total_timeout, 10000ms);
  EXPECT_LE(s.step_timeout, s.total_timeout);
  EXPECT_GT(s.step_timeout, 0ms);
  EXPECT_EQ(s.call.context, "from-internal");
  EXPECT_EQ(s.call.channel_template, "Local/{from}@{context}");
  EXPECT_EQ(s.call.ring_timeout_ms, 30000);
  EXPECT_EQ(s.auth, ami::AuthMethod::md5) << "the secret never crosses the network by default";
  EXPECT_FALSE(s.tls);
}

TEST(Settings, Timeout) {
  EXPECT_EQ(accepted({{"EECALL_TIMEOUT", "10"}}).total_timeout, 10000ms);
  EXPECT_EQ(accepted({{"EECALL_TIMEOUT", "2.5"}}).total_timeout, 2500ms);
  EXPECT_EQ(accepted({{"EECALL_TIMEOUT", "0.1"}}).total_timeout, 100ms);
  EXPECT_EQ(accepted({{"EECALL_TIMEOUT", "120"}}).total_timeout, 120000ms);
  EXPECT_EQ(accepted({{"EECALL_TIMEOUT", "25"}}).total_timeout, 25000ms);
}

TEST(Settings, ShortTimeoutCapsTheStepTimeout) {
  const auto s = accepted({{"EECALL_TIMEOUT", "1.5"}});
  EXPECT_EQ(s.total_timeout, 1500ms);
  EXPECT_LE(s.step_timeout, 1500ms);
}

TEST(Settings, BadTimeoutIsRefused) {
  for (const char* value : {"", "0", "0.05", "-5", "120.5", "121", "1e9", "abc", "10s", "10 s",
                            "nan", "inf", "1,5"}) {
    expect_refused("EECALL_TIMEOUT", value);
  }
}

TEST(Settings, Context) {
  EXPECT_EQ(accepted({{"EECALL_CONTEXT", "eedomus-calls_2"}}).call.context, "eedomus-calls_2");
  EXPECT_EQ(accepted({{"EECALL_CONTEXT", "default"}}).call.context, "default");
  EXPECT_EQ(accepted({{"EECALL_CONTEXT", std::string(79, 'c')}}).call.context, std::string(79, 'c'));
}

TEST(Settings, BadContextIsRefused) {
  for (const std::string& value :
       std::vector<std::string>{"", "from internal", "ctx,1", "ctx;x", "ctx@x", "ctx/x",
                                "ctx\r\nAction: Command", "ctx\n", "ctx\t", "c\xc3\xa9",
                                "{context}", std::string(80, 'c')}) {
    expect_refused("EECALL_CONTEXT", value);
  }
}

TEST(Settings, ChannelTemplate) {
  EXPECT_EQ(accepted({{"EECALL_CHANNEL", "PJSIP/{from}"}}).call.channel_template, "PJSIP/{from}");
  EXPECT_EQ(accepted({{"EECALL_CHANNEL", "Local/{from}@{context}/n"}}).call.channel_template,
            "Local/{from}@{context}/n");
}

TEST(Settings, BadChannelTemplateIsRefused) {
  for (const std::string value : {"", "Local/100@from-internal", "{from}", "Local/{from} @x",
                                  "Local/{from}\r\nAction: Command", "PJSIP/{from}\t",
                                  "Local/{frm}@{context}"}) {
    expect_refused("EECALL_CHANNEL", value);
  }
}

TEST(Settings, ContextAndChannelReachTheOriginate) {
  const auto s = accepted({{"EECALL_CONTEXT", "eedomus"}, {"EECALL_CHANNEL", "SIP/{from}"}});
  Request r;
  r.from = "100";
  r.to = "291";
  const auto m = ami::make_originate(r, s.call, "x1");
  EXPECT_EQ(m.get_or("Channel"), "SIP/100");
  EXPECT_EQ(m.get_or("Context"), "eedomus");
}

TEST(Settings, Auth) {
  EXPECT_EQ(accepted({{"EECALL_AUTH", "plain"}}).auth, ami::AuthMethod::plain);
  EXPECT_EQ(accepted({{"EECALL_AUTH", "md5"}}).auth, ami::AuthMethod::md5);
  EXPECT_EQ(accepted({{"EECALL_AUTH", "MD5"}}).auth, ami::AuthMethod::md5);
}

TEST(Settings, BadAuthIsRefused) {
  for (const char* value : {"", "sha1", "md5 ", "digest", "none"}) expect_refused("EECALL_AUTH", value);
}

TEST(Settings, OneBadVariableRefusesTheWhole) {
  auto s = settings_from_environment({{"EECALL_TIMEOUT", "5"}, {"EECALL_AUTH", "kerberos"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.failure().subject, "EECALL_AUTH");
}

// Spoken alerts (issue 11): the voice, where the audio is cached and how large that may grow.
EffectiveSettings effective(const Environment& env) {
  EffectiveSettings settings;
  if (auto failed = apply_settings(settings, environment_values(env))) ADD_FAILURE() << failed->message;
  return settings;
}

TEST(Settings, SpeechDefaults) {
  const auto s = effective({});
  EXPECT_EQ(s.voice, "fr");
  EXPECT_EQ(s.speech.audio_dir, "/var/lib/eecall/audio");
  EXPECT_EQ(s.speech.max_bytes, 64ull << 20);
}

TEST(Settings, Speech) {
  const auto s = effective({{"EECALL_VOICE", "en-US"},
                            {"EECALL_AUDIO_DIR", "/srv/eecall/audio/"},
                            {"EECALL_AUDIO_MAX_MB", "5"}});
  EXPECT_EQ(s.voice, "en-us");
  EXPECT_EQ(s.speech.audio_dir, "/srv/eecall/audio");
  EXPECT_EQ(s.speech.max_bytes, 5ull << 20);
  EXPECT_EQ(effective({{"EECALL_AUDIO_MAX_MB", "65536"}}).speech.max_bytes, 65536ull << 20);
}

TEST(Settings, BadSpeechSettingsAreRefused) {
  for (const char* value : {"", "fr/../x", "fr fr", "fr,en"}) expect_refused("EECALL_VOICE", value);
  for (const char* value : {"", "audio", "/var/lib/eecall/FILE", "/srv/DB", "/srv/a,b", "/srv/../x"}) {
    expect_refused("EECALL_AUDIO_DIR", value);
  }
  for (const char* value : {"", "0", "-1", "65537", "1.5", "64M", "99999999999999999999"}) {
    expect_refused("EECALL_AUDIO_MAX_MB", value);
  }
}

// --- The checkers on their own (the command line uses them for its options) -------------------

TEST(Settings, AntiFloodDefaults) {
  const EffectiveSettings s;
  EXPECT_EQ(s.flood.max_actions_per_minute, 30);
  EXPECT_EQ(s.flood.repeat_window, 0s);
  EXPECT_EQ(s.flood.state_dir, "/var/lib/eecall");
  EXPECT_FALSE(s.flood.off());
  EXPECT_TRUE(s.policy.allow_hosts.empty());
}

TEST(Settings, AntiFloodAndAllowHostsFromVariables) {
  EffectiveSettings s;
  ASSERT_FALSE(apply_settings(s, environment_values({{"EECALL_MAX_ACTIONS_PER_MINUTE", "0"},
                                                      {"EECALL_REPEAT_WINDOW", "3600"},
                                                      {"EECALL_STATE_DIR", "/run/eecall"},
                                                      {"EECALL_ALLOW_HOSTS", "127.0.0.1 ::1,pbx.lan"}})));
  EXPECT_EQ(s.flood.max_actions_per_minute, 0);
  EXPECT_EQ(s.flood.repeat_window, 3600s);
  EXPECT_EQ(s.flood.state_dir, "/run/eecall");
  EXPECT_TRUE(s.policy.allow_hosts.allows("pbx.lan"));
  EXPECT_FALSE(s.policy.allow_hosts.allows("192.168.0.10"));
  ASSERT_FALSE(apply_settings(s, environment_values({{"EECALL_REPEAT_WINDOW", "0"}})));
  EXPECT_TRUE(s.flood.off()) << "no limit and no window: the state file is not even opened";
}

TEST(Settings, BadAntiFloodValuesAreRefused) {
  for (const char* v : {"-1", "1001", "ten", "1.5", "", " 5", "0x10"}) expect_refused("EECALL_MAX_ACTIONS_PER_MINUTE", v);
  for (const char* v : {"-1", "3601", "1m", ""}) expect_refused("EECALL_REPEAT_WINDOW", v);
  for (const char* v : {"", "var/lib/eecall"}) expect_refused("EECALL_STATE_DIR", v);
  for (const char* v : {"10.0.0.0/40", "http://pbx", "*"}) expect_refused("EECALL_ALLOW_HOSTS", v);
}

TEST(SettingsCheckers, ParseTimeout) {
  ASSERT_TRUE(parse_timeout("3").ok());
  EXPECT_EQ(parse_timeout("3").value(), 3000ms);
  EXPECT_EQ(parse_timeout("0.25").value(), 250ms);
  const auto bad = parse_timeout("0");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.failure().code, ErrorCode::invalid_parameter);
  EXPECT_FALSE(parse_timeout("121").ok());
  EXPECT_FALSE(parse_timeout("three").ok());
}

TEST(SettingsCheckers, CheckContext) {
  EXPECT_EQ(check_context("from-internal").value(), "from-internal");
  EXPECT_FALSE(check_context("from internal").ok());
}

TEST(SettingsCheckers, CheckChannelTemplate) {
  EXPECT_EQ(check_channel_template("PJSIP/{from}").value(), "PJSIP/{from}");
  EXPECT_FALSE(check_channel_template("PJSIP/100").ok());
}

TEST(SettingsCheckers, ParseAuth) {
  EXPECT_EQ(parse_auth("Md5").value(), ami::AuthMethod::md5);
  EXPECT_FALSE(parse_auth("sha256").ok());
}

}  // namespace
}  // namespace eecall

namespace eecall {
namespace {

using namespace std::chrono_literals;

EffectiveSettings effective(const SettingValues& values) {
  EffectiveSettings s;
  if (auto failed = apply_settings(s, values)) ADD_FAILURE() << failed->message;
  return s;
}

std::optional<Failure> refusal_of(const std::string& key, const std::string& value) {
  EffectiveSettings s;
  return apply_settings(s, {{key, {value, "test"}}});
}

TEST(JobSettings, DefaultsAndVariables) {
  const EffectiveSettings defaults;
  EXPECT_EQ(defaults.jobs.dir, "/var/lib/eecall/jobs");
  EXPECT_EQ(defaults.jobs.max_jobs, 4);
  EXPECT_TRUE(defaults.jobs.log_file.empty()) << "syslog";
  EXPECT_TRUE(defaults.notify.url_template.empty());
  EXPECT_EQ(defaults.notify.timeout, 5000ms);
  const auto s = effective(environment_values({{"EECALL_JOBS_DIR", "/srv/jobs"},
                                               {"EECALL_MAX_JOBS", "10"},
                                               {"EECALL_JOB_LOG", "/var/log/eecall-jobs.log"},
                                               {"EECALL_NOTIFY_URL", "http://box/set?v={value}"},
                                               {"EECALL_NOTIFY_TIMEOUT", "2"},
                                               {"EECALL_NOTIFY_VALUE_ACKNOWLEDGED", "on"},
                                               {"EECALL_NOTIFY_VALUE_FAILED", "off"}}));
  EXPECT_EQ(s.jobs.dir, "/srv/jobs");
  EXPECT_EQ(s.jobs.max_jobs, 10);
  EXPECT_EQ(s.jobs.log_file, "/var/log/eecall-jobs.log");
  EXPECT_EQ(s.notify.url_template, "http://box/set?v={value}");
  EXPECT_EQ(s.notify.timeout, 2000ms);
  EXPECT_EQ(s.notify.values.at("acknowledged"), "on");
  EXPECT_EQ(s.notify.values.at("failed"), "off");
}

TEST(JobSettings, BadValuesAreRefused) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"jobs_dir", "relative/jobs"}, {"max_jobs", "0"}, {"max_jobs", "101"}, {"max_jobs", "4x"},
           {"job_log", "jobs.log"}, {"notify_url", "ftp://box/"}, {"notify_url", "http://box/{secret}"},
           {"notify_timeout", "0"}, {"notify_timeout", "31"}, {"notify_value_failed", std::string(65, 'x')},
           {"notify_value_failed", "a\nb"}}) {
    const auto failed = refusal_of(key, value);
    ASSERT_TRUE(failed) << key << "=" << value;
    EXPECT_EQ(failed->code, ErrorCode::config_error);
  }
  EXPECT_TRUE(refusal_of("notify_value_other", "1")) << "only the documented ends";
}

}  // namespace
}  // namespace eecall
