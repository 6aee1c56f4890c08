// No banner grabbing: whatever a server that is not (yet) a logged-in Asterisk says — its
// banner, its reply to the MD5 challenge or to the login, what it says instead of TLS — never
// reaches an answer, in XML, JSON or text, through the CGI interface or the command line. The
// log line may show it (sanitised): that is where the admin looks.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/scratch_dir.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

struct Banner {
  std::string text;
  std::string marker;  // a word of it that eecall never writes on its own
};

const Banner banners[] = {
    {"SSH-2.0-OpenSSH_9.2p1 Debian-2", "OpenSSH"},
    {"220 mail.example.com ESMTP Postfix (Debian/GNU)", "Postfix"},
    {"+OK Dovecot (Debian) ready.", "Dovecot"},
    {"HTTP/1.1 400 Bad Request", "Bad Request"},
    {"* OK [CAPABILITY IMAP4rev1 SASL-IR] Cyrus ready <b>&amp;</b>", "Cyrus"},
    {"RFB 003.008", "RFB 003"},
};

std::string query(std::uint16_t port, const std::string& format) {
  return call_query(port) + "&format=" + format;
}

TEST(NoBannerGrabbing, ForeignBannersNeverReachTheAnswerButReachTheLog) {
  for (const auto& banner : banners) {
    Simulator stranger({"--banner", banner.text});
    for (const char* format : {"xml", "json", "text"}) {
      SCOPED_TRACE(banner.text + " as " + format);
      const auto run = run_cgi_get(query(stranger.port(), format));
      EXPECT_EQ(run.answer.status, 502) << run.process.out;
      EXPECT_NE(run.answer.body.find("not_asterisk"), std::string::npos) << run.answer.body;
      EXPECT_EQ(run.process.out.find(banner.marker), std::string::npos) << run.process.out;
      EXPECT_NE(run.process.err.find(banner.marker), std::string::npos) << "the admin's log shows it: "
                                                                        << run.process.err;
    }
    EXPECT_EQ(stranger.received().find("Action:"), std::string::npos) << "nothing is sent to a stranger";
  }
}

TEST(NoBannerGrabbing, TheLogShowsTheBannerSanitised) {
  Simulator stranger({"--banner", "evil\x1b[31mred\x7f\xc3\xa9"});
  const auto run = run_cgi_get(call_query(stranger.port()));
  EXPECT_EQ(run.answer.status, 502);
  EXPECT_NE(run.process.err.find("evil?[31mred???"), std::string::npos) << run.process.err;
  EXPECT_EQ(run.process.err.find('\x1b'), std::string::npos);
}

TEST(NoBannerGrabbing, CommandLineAnswerHasNoBannerEither) {
  Simulator stranger({"--banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2"});
  for (const char* format : {"xml", "json", "text"}) {
    const auto r = run_process({EECALL_BINARY, "--ip", "127.0.0.1", "--port", std::to_string(stranger.port()),
                                "--user", "eedomus", "--from", "100", "--to", "291", "--format", format},
                               {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_SECRET", "s3cret"},
                                {"EECALL_STATE_DIR", test_state_dir()}},
                               {}, std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("not_asterisk"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("OpenSSH"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("OpenSSH"), std::string::npos) << r.err;
  }
}

TEST(NoBannerGrabbing, WhatAServerSaysInsteadOfTlsIsNotQuotedEither) {
  Simulator stranger({"--banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2"});
  const auto run = run_cgi_get(call_query(stranger.port()), {{"EECALL_TLS", "yes"}, {"EECALL_TIMEOUT", "3"}});
  EXPECT_NE(run.answer.status, 200) << run.process.out;
  EXPECT_FALSE(run.answer.xml("error").empty()) << run.process.out << run.process.err;
  EXPECT_EQ(run.process.out.find("OpenSSH"), std::string::npos) << run.process.out;
}

// A loopback server that speaks the first steps of AMI with chosen words: the Asterisk banner,
// then for each action received the next scripted reply (with the action's ActionID).
class ScriptedAmi {
 public:
  explicit ScriptedAmi(std::vector<std::string> replies) : replies_(std::move(replies)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 4) != 0) {
      throw std::runtime_error("cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedAmi() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  ScriptedAmi(const ScriptedAmi&) = delete;
  ScriptedAmi& operator=(const ScriptedAmi&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  bool readable(int fd) const {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    if (!readable(listener_)) return;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    const std::string banner = "Asterisk Call Manager/9.0.0\r\n";
    (void)!::write(fd, banner.data(), banner.size());
    std::string got;
    for (const auto& reply : replies_) {
      std::size_t end = 0;
      while ((end = got.find("\r\n\r\n")) == std::string::npos) {
        char buf[1024];
        if (!readable(fd)) break;
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
      if (end == std::string::npos) break;
      const auto action = got.substr(0, end + 2);
      got.erase(0, end + 4);
      const auto id_at = action.find("ActionID: ");
      const auto id = id_at == std::string::npos ? std::string()
                                                 : action.substr(id_at + 10, action.find("\r\n", id_at) - id_at - 10);
      const auto bytes = reply + "\r\nActionID: " + id + "\r\n\r\n";
      (void)!::write(fd, bytes.data(), bytes.size());
    }
    ::close(fd);
  }

  std::vector<std::string> replies_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(NoBannerGrabbing, RepliesBeforeASuccessfulLoginNeverReachTheAnswer) {
  const std::string marker = "SECRET-BANNER-7f3a";
  const struct {
    const char* name;
    std::vector<std::string> replies;
    const char* auth;
    const char* code;
  } cases[] = {
      {"challenge refused", {"Response: Error\r\nMessage: " + marker}, "md5", "auth_failed"},
      {"odd challenge reply", {"Response: " + marker}, "md5", "protocol_error"},
      {"login refused", {"Response: Success\r\nChallenge: 123456", "Response: Error\r\nMessage: " + marker}, "md5",
       "auth_failed"},
      {"plain login refused", {"Response: Error\r\nMessage: " + marker}, "plain", "auth_failed"},
      {"odd login reply", {"Response: " + marker + "\r\nMessage: " + marker}, "plain", "protocol_error"},
  };
  for (const auto& c : cases) {
    for (const char* format : {"xml", "json", "text"}) {
      SCOPED_TRACE(std::string(c.name) + " as " + format);
      const ScriptedAmi server(c.replies);
      const auto run = run_cgi_get(query(server.port(), format), {{"EECALL_AUTH", c.auth}});
      EXPECT_EQ(run.answer.status, 502) << run.process.out << run.process.err;
      EXPECT_NE(run.answer.body.find(c.code), std::string::npos) << run.answer.body;
      EXPECT_EQ(run.process.out.find(marker), std::string::npos) << run.process.out;
      EXPECT_NE(run.process.err.find(marker), std::string::npos) << run.process.err;
    }
  }
}

TEST(NoBannerGrabbing, AsterisksOwnTextsAfterTheLoginStayInTheAnswer) {
  Simulator sim;
  const auto run = run_cgi_get("ip=127.0.0.1&port=" + std::to_string(sim.port()) +
                               "&user=eedomus&secret=s3cret&to=999&drv=pjsip&msg=test");
  EXPECT_EQ(run.answer.xml("error"), "action_failed");
  EXPECT_EQ(run.answer.xml("message"), "Message failed to send.");
}

}  // namespace
}  // namespace eecall::test
