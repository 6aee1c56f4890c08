// The admin's policy on one request: token, profile choice, URL credentials, settings order,
// and which numbers may be dialled.
#include <gtest/gtest.h>

#include "eecall/admin/policy.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;

Config home_config() {
  Config c;
  c.path = "/etc/eecall/eecall.conf";
  Profile home;
  home.name = "home";
  home.credentials = {{"host", {"127.0.0.1", "f:2"}}, {"port", {"5039", "f:3"}},
                      {"user", {"eedomus", "f:4"}},   {"secret", {"s3cret", "f:5"}}};
  home.settings = {{"timeout", {"7", "f:6"}}};
  c.profiles.emplace("home", home);
  return c;
}

std::string value(const Params& params, const std::string& name) {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return "(absent)";
}

Incoming with_params(Params params) {
  Incoming in;
  in.params = std::move(params);
  return in;
}

TEST(Policy, ProfileSuppliesThePbxAndItsSettings) {
  const auto r = resolve(with_params({{"profile", "home"}, {"from", "100"}, {"to", "291"}}), home_config(), {});
  ASSERT_TRUE(r.ok()) << r.failure().message;
  EXPECT_EQ(r.value().profile, "home");
  EXPECT_EQ(value(r.value().params, "ip"), "127.0.0.1");
  EXPECT_EQ(value(r.value().params, "port"), "5039");
  EXPECT_EQ(value(r.value().params, "secret"), "s3cret");
  EXPECT_EQ(r.value().settings.client.total_timeout, 7000ms);
}

TEST(Policy, ProfileNamedWithUrlCredentialsIsRefused) {
  for (const char* key : {"ip", "port", "user", "secret"}) {
    const auto r = resolve(with_params({{"profile", "home"}, {key, "x"}, {"to", "291"}}), home_config(), {});
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.failure().code, ErrorCode::invalid_parameter);
    EXPECT_EQ(r.failure().subject, "profile");
  }
}

TEST(Policy, UnknownProfileIsInvalid) {
  const auto r = resolve(with_params({{"profile", "office"}, {"to", "291"}}), home_config(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::invalid_parameter);
}

TEST(Policy, DefaultProfileIsUsedWhenTheUrlHasNoCredentials) {
  auto config = home_config();
  auto def = config.profiles.at("home");
  def.name = "default";
  config.profiles.emplace("default", def);
  const auto r = resolve(with_params({{"from", "100"}, {"to", "291"}}), config, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().profile, "default");
  const auto old_style = resolve(with_params({{"ip", "192.0.2.1"}, {"user", "u"}, {"secret", "s"}}), config, {});
  ASSERT_TRUE(old_style.ok());
  EXPECT_EQ(old_style.value().profile, "") << "URL credentials, when allowed, never mix with a profile";
  EXPECT_EQ(value(old_style.value().params, "ip"), "192.0.2.1");
}

TEST(Policy, UrlCredentialsCanBeForbidden) {
  auto config = home_config();
  config.allow_url_credentials = false;
  const auto r = resolve(with_params({{"ip", "192.0.2.1"}, {"user", "u"}, {"secret", "s"}}), config, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::forbidden);
  EXPECT_TRUE(resolve(with_params({{"profile", "home"}}), config, {}).ok());
}

TEST(Policy, CommandLineCredentialsAreNotUrlCredentials) {
  auto config = home_config();
  config.allow_url_credentials = false;
  auto cli = with_params({{"ip", "192.0.2.1"}, {"user", "u"}, {"secret", "s"}});
  cli.command_line = true;
  const auto r = resolve(cli, config, {});
  ASSERT_TRUE(r.ok()) << r.failure().message;
  EXPECT_EQ(r.value().profile, "");
  EXPECT_EQ(value(r.value().params, "ip"), "192.0.2.1");
  auto cgi = with_params({{"ip", "192.0.2.1"}, {"user", "u"}, {"secret", "s"}});
  cgi.over_http = true;
  EXPECT_EQ(resolve(cgi, config, {}).failure().code, ErrorCode::forbidden);
}

TEST(Policy, TokenIsRequiredByParameterOrBearer) {
  auto config = home_config();
  config.token = "0123456789abcdef-token";
  EXPECT_EQ(resolve(with_params({{"profile", "home"}}), config, {}).failure().code, ErrorCode::forbidden);
  EXPECT_EQ(resolve(with_params({{"profile", "home"}, {"token", "0123456789abcdef-tokeN"}}), config, {})
                .failure()
                .code,
            ErrorCode::forbidden);
  EXPECT_TRUE(resolve(with_params({{"profile", "home"}, {"token", "0123456789abcdef-token"}}), config, {}).ok());
  auto bearer = with_params({{"profile", "home"}});
  bearer.bearer_token = "0123456789abcdef-token";
  EXPECT_TRUE(resolve(bearer, config, {}).ok());
}

TEST(Policy, TokenComparison) {
  EXPECT_TRUE(token_matches("secret-token-value", "secret-token-value"));
  EXPECT_FALSE(token_matches("secret-token-value", "secret-token-valu"));
  EXPECT_FALSE(token_matches("secret-token-value", ""));
  EXPECT_FALSE(token_matches("secret-token-value", "secret-token-value "));
}

TEST(Policy, SettingsApplyInOrderEnvironmentGeneralProfileCommandLine) {
  auto config = home_config();
  config.general = {{"timeout", {"3", "f:1"}}, {"context", {"ctx-general", "f:1"}},
                    {"ring", {"40", "f:1"}}};
  const SettingValues environment = {{"timeout", {"2", "EECALL_TIMEOUT"}},
                                     {"context", {"ctx-env", "EECALL_CONTEXT"}},
                                     {"callerid", {"Env", "EECALL_CALLERID"}}};
  auto in = with_params({{"profile", "home"}});
  in.overrides = {{"ring", {"50", "--ring"}}};
  const auto r = resolve(in, config, environment);
  ASSERT_TRUE(r.ok()) << r.failure().message;
  const auto& c = r.value().settings.client;
  EXPECT_EQ(c.total_timeout, 7000ms) << "profile over general over environment";
  EXPECT_EQ(c.call.context, "ctx-general") << "general over environment";
  EXPECT_EQ(c.call.caller_id_name, "Env");
  EXPECT_EQ(c.call.ring_timeout_ms, 50000) << "command line over all";
}

TEST(Policy, BadEnvironmentValueIsAConfigurationError) {
  const auto r = resolve(with_params({}), Config{}, {{"timeout", {"forever", "EECALL_TIMEOUT"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::config_error);
  EXPECT_NE(r.failure().message.find("EECALL_TIMEOUT"), std::string::npos);
}

Request call(std::string from, std::string to) {
  Request r;
  r.from = std::move(from);
  r.to = std::move(to);
  return r;
}

TEST(Policy, AllowListsDefaultToDigitsOnly) {
  const Policy defaults;
  EXPECT_FALSE(check_allowed(call("100", "291"), defaults));
  EXPECT_FALSE(check_allowed(call("0240404040", "291"), defaults));
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"*97", "291"}, {"100", "#31#"}, {"+33899", "291"}, {"eedomus", "100"}}) {
    const auto denied = check_allowed(call(from, to), defaults);
    ASSERT_TRUE(denied.has_value()) << from << " -> " << to;
    EXPECT_EQ(denied->code, ErrorCode::forbidden);
  }
}

// The default "[0-9]+" is checked without std::regex; the same rule written so that it goes
// through std::regex must give the same verdict on every value.
TEST(Policy, DefaultPatternAgreesWithTheRegex) {
  Policy through_regex;
  through_regex.allow_from = "(?:[0-9]+)";
  through_regex.allow_to = "[0-9]{1,}";
  for (const std::string value : {"100", "0", "0240404040", "", "1a", "a1", "1 2", " 1", "1\n",
                                  "*97", "#", "+33", "\xd9\xa1", "9x"}) {
    const auto fast = check_allowed(call(value, value), Policy{});
    const auto slow = check_allowed(call(value, value), through_regex);
    EXPECT_EQ(fast.has_value(), slow.has_value()) << "'" << value << "'";
    if (fast && slow) {
      EXPECT_EQ(fast->subject, slow->subject) << "'" << value << "'";
    }
  }
}

TEST(Policy, AllowListsMatchTheWholeValue) {
  Policy internal_only;
  internal_only.allow_from = "1[0-9]{2}";
  internal_only.allow_to = "291|1[0-9]{2}";
  EXPECT_FALSE(check_allowed(call("100", "291"), internal_only));
  EXPECT_EQ(check_allowed(call("0899123456", "291"), internal_only)->subject, "from");
  EXPECT_EQ(check_allowed(call("1000", "291"), internal_only)->subject, "from") << "no partial match";
  EXPECT_EQ(check_allowed(call("100", "2910"), internal_only)->subject, "to");
}

TEST(Policy, MessageSenderIsNotADialledNumber) {
  auto m = call("eedomus", "100");
  m.action = ActionKind::message;
  EXPECT_FALSE(check_allowed(m, Policy{}));
}

}  // namespace
}  // namespace eecall
