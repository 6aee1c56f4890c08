// notify_url: the admin's template (checked), its placeholders (percent-encoded), the {value}
// of each end, secrets redacted, and the GET through eecall-notify.so against a small HTTP
// server on 127.0.0.1: answered, refused, down, slow.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "eecall/notify/notify.hpp"
#include "eecall/admin/settings.hpp"
#include "support/http_recorder.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;
using test::HttpRecorder;

const std::string box = "http://192.168.0.42/api/set?action=periph.value&periph_id=123&value={value}"
                        "&api_user=U&api_secret=S3cr3t";

NotifySettings settings_for(std::string url) {
  NotifySettings s;
  s.url_template = std::move(url);
  s.module = EECALL_NOTIFY_MODULE;
  s.timeout = 1s;
  return s;
}

Outcome acknowledged_by(std::string phone) {
  Outcome o;
  o.action = ActionKind::alert;
  o.acknowledged_by = std::move(phone);
  return o;
}

Outcome failed_with(ErrorCode code) {
  Outcome o;
  o.action = ActionKind::alert;
  o.error = code;
  return o;
}

TEST(NotifyTemplate, TheEeDomusApiUrlIsAccepted) {
  EXPECT_TRUE(check_notify_template(box).ok());
  EXPECT_TRUE(check_notify_template("https://box.example/x/{job}/{state}?r={result}&e={error}&by={acknowledged_by}").ok());
}

TEST(NotifyTemplate, AnythingElseIsRefusedAndSaysWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"ftp://box/x", "http:// or https://"},
      {"file:///etc/passwd", "http:// or https://"},
      {"http:///path", "no host"},
      {"http://box/a b", "without blanks"},
      {"http://box/\x01", "without blanks"},
      {"http://box/?v={secret}", "unknown placeholder"},
      {"http://box/?v={value", "unknown placeholder"},
      {"http://box/?v=value}", "closes no placeholder"},
      {"http://{value}.example/", "only after the host"},
      {"http://user:{job}@box/", "only after the host"},
  };
  for (const auto& [url, why] : cases) {
    auto checked = check_notify_template(url);
    ASSERT_FALSE(checked.ok()) << url;
    EXPECT_EQ(checked.failure().code, ErrorCode::invalid_parameter);
    EXPECT_NE(checked.failure().message.find(why), std::string::npos) << url << ": " << checked.failure().message;
  }
  EXPECT_FALSE(check_notify_template("http://box/" + std::string(2000, 'a')).ok());
}

TEST(NotifyUrl, EveryPlaceholderIsReplacedPercentEncoded) {
  auto s = settings_for("http://box/n?job={job}&state={state}&result={result}&error={error}&by={acknowledged_by}&v={value}");
  s.values["failed"] = "nobody & no one";
  EXPECT_EQ(notify_url(s, "0123456789abcdef0123456789abcdef", JobState::done, acknowledged_by("105")),
            "http://box/n?job=0123456789abcdef0123456789abcdef&state=done&result=1&error=&by=105&v=1");
  EXPECT_EQ(notify_url(s, "0123456789abcdef0123456789abcdef", JobState::failed, failed_with(ErrorCode::busy)),
            "http://box/n?job=0123456789abcdef0123456789abcdef&state=failed&result=0&error=busy&by=&v=nobody%20%26%20no%20one");
  Outcome odd = acknowledged_by("#1+2");
  EXPECT_EQ(notify_url(settings_for("http://box/{acknowledged_by}"), "x", JobState::done, odd), "http://box/%231%2B2");
}

TEST(NotifyValue, DefaultsAreOneForDoneAndZeroOtherwise) {
  const auto s = settings_for(box);
  EXPECT_EQ(notify_value(s, JobState::done, acknowledged_by("105")), "1");
  EXPECT_EQ(notify_value(s, JobState::done, acknowledged_by("")), "1");
  EXPECT_EQ(notify_value(s, JobState::failed, failed_with(ErrorCode::not_acknowledged)), "0");
  EXPECT_EQ(notify_value(s, JobState::failed, failed_with(ErrorCode::busy)), "0");
  EXPECT_EQ(notify_value(s, JobState::cancelled, failed_with(ErrorCode::cancelled)), "0");
}

TEST(NotifyValue, EachEndHasItsKeyAndFallsBackToAWiderOne) {
  auto s = settings_for(box);
  s.values["answered"] = "10";
  s.values["failed"] = "20";
  EXPECT_EQ(notify_end_name(JobState::done, acknowledged_by("105")), "acknowledged");
  EXPECT_EQ(notify_value(s, JobState::done, acknowledged_by("105")), "10") << "acknowledged falls back to answered";
  EXPECT_EQ(notify_value(s, JobState::failed, failed_with(ErrorCode::not_acknowledged)), "20");
  EXPECT_EQ(notify_value(s, JobState::cancelled, failed_with(ErrorCode::cancelled)), "20");
  s.values["acknowledged"] = "11";
  s.values["not_acknowledged"] = "21";
  s.values["cancelled"] = "22";
  EXPECT_EQ(notify_value(s, JobState::done, acknowledged_by("105")), "11");
  EXPECT_EQ(notify_value(s, JobState::done, acknowledged_by("")), "10");
  EXPECT_EQ(notify_value(s, JobState::failed, failed_with(ErrorCode::not_acknowledged)), "21");
  EXPECT_EQ(notify_value(s, JobState::cancelled, failed_with(ErrorCode::cancelled)), "22");
  EXPECT_EQ(notify_value(s, JobState::failed, failed_with(ErrorCode::timeout)), "20");
}

TEST(RedactUrl, SecretLookingQueryValuesAndPasswordsBecomeStars) {
  EXPECT_EQ(redact_url("http://192.168.0.42/api/set?action=periph.value&periph_id=123&value=1&api_user=U&api_secret=S3cr3t"),
            "http://192.168.0.42/api/set?action=periph.value&periph_id=123&value=1&api_user=U&api_secret=***");
  EXPECT_EQ(redact_url("https://u:pw@box/x?token=t&Password=p&apikey=k&sig=s&auth=a&keep=1#frag"),
            "https://u:***@box/x?token=***&Password=***&apikey=***&sig=***&auth=***&keep=1#frag");
  EXPECT_EQ(redact_url("http://box/plain"), "http://box/plain");
}

TEST(SendNotify, OneGetAnsweredTwoHundredIsSent) {
  HttpRecorder box_server(200);
  const auto report = send_notify(box_server.base_url() + "/api/set?value=1&api_secret=S", settings_for("x"));
  EXPECT_EQ(report.state, "sent") << report.message;
  EXPECT_EQ(report.tries, 1);
  EXPECT_EQ(report.http_status, 200);
  EXPECT_EQ(box_server.requests(), std::vector<std::string>{"GET /api/set?value=1&api_secret=S HTTP/1.1"});
}

TEST(SendNotify, AServerErrorIsTriedThreeTimesThenFailed) {
  HttpRecorder box_server(503);
  const auto start = std::chrono::steady_clock::now();
  const auto report = send_notify(box_server.base_url() + "/x", settings_for("x"));
  EXPECT_EQ(report.state, "failed");
  EXPECT_EQ(report.tries, notify_tries);
  EXPECT_EQ(report.http_status, 503);
  EXPECT_EQ(box_server.requests().size(), 3u);
  EXPECT_NE(report.message.find("HTTP 503 (after 3 tries)"), std::string::npos) << report.message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 3s) << "1 s then 2 s between the tries";
}

TEST(SendNotify, AClientErrorIsNotTriedAgain) {
  HttpRecorder box_server(404);
  const auto report = send_notify(box_server.base_url() + "/x", settings_for("x"));
  EXPECT_EQ(report.state, "failed");
  EXPECT_EQ(report.tries, 1);
  EXPECT_EQ(box_server.requests().size(), 1u);
}

TEST(SendNotify, AServerThatIsDownIsTriedThreeTimes) {
  const auto report = send_notify("http://127.0.0.1:" + std::to_string(test::closed_port()) + "/x?api_secret=S",
                                  settings_for("x"));
  EXPECT_EQ(report.state, "failed");
  EXPECT_EQ(report.tries, 3);
  EXPECT_FALSE(report.http_status);
  EXPECT_EQ(report.message.find("api_secret"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("after 3 tries"), std::string::npos) << report.message;
}

TEST(SendNotify, ASlowServerTimesOutEachTry) {
  HttpRecorder box_server(200, HttpRecorder::Mode::stall);
  const auto start = std::chrono::steady_clock::now();
  const auto report = send_notify(box_server.base_url() + "/x", settings_for("x"));  // 1 s per try
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(report.state, "failed");
  EXPECT_EQ(report.tries, 3);
  EXPECT_EQ(box_server.requests().size(), 3u);
  EXPECT_GE(took, 5s);   // 3 × 1 s + 1 s + 2 s
  EXPECT_LT(took, 12s);  // bounded
}

// A real HTTPS server (openssl s_server -www answers any GET with 200) whose certificate no
// trusted CA signed: the notify must fail on the certificate, never reach the 200.
TEST(SendNotify, HttpsCertificatesAreVerified) {
  const test::ScratchDir scratch("notify-tls");
  const std::string& dir = scratch.path();
  const auto made = test::run_process(
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
       "-addext", "subjectAltName=IP:127.0.0.1"},
      {{"PATH", "/usr/bin:/bin"}});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto port = test::closed_port();
  {
    test::ChildProcess server({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                               "-cert", dir + "/cert.pem", "-key", dir + "/key.pem", "-www", "-quiet"});
    bool listening = false;
    for (int i = 0; i < 100 && !listening; ++i) {
      std::this_thread::sleep_for(50ms);
      listening = test::run_process({"/usr/bin/curl", "-ksS", "-o", "/dev/null", "https://127.0.0.1:" + std::to_string(port) + "/"},
                                    {{"PATH", "/usr/bin:/bin"}}).exit_code == 0;
    }
    ASSERT_TRUE(listening) << "openssl s_server did not start";
    const auto report = send_notify("https://127.0.0.1:" + std::to_string(port) + "/x", settings_for("x"));
    EXPECT_EQ(report.state, "failed");
    EXPECT_FALSE(report.http_status) << "an unverified server got the request";
    EXPECT_NE(report.message.find("certificate"), std::string::npos) << report.message;
  }
}

TEST(SendNotify, AMissingModuleIsAFailedNotifyNotACrash) {
  auto s = settings_for("x");
  s.module = "/nonexistent/eecall-notify.so";
  const auto report = send_notify("http://127.0.0.1:1/x", s);
  EXPECT_EQ(report.state, "failed");
  EXPECT_NE(report.message.find("cannot load"), std::string::npos) << report.message;
}

}  // namespace
}  // namespace eecall
