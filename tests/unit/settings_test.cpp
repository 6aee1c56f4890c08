// Admin settings from EECALL_* variables, and the checkers the command line shares.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/front/settings.hpp"

namespace eecall::front {
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
}  // namespace eecall::front
