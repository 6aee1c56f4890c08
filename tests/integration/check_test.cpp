// `eecall --check` as a process against the simulator: the lab's users, its fault modes and
// the options that take something away (--unload, a user without read classes, --run-user):
// each failing check is ✘ and says its fix, and the check itself never rings a phone. Then
// check=1 through the CGI interface: only with the configuration's token, and never counted
// against max_actions_per_minute.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/answer.hpp"
#include "support/http_recorder.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

const std::string ok_mark = "\xE2\x9C\x94 ";    // ✔
const std::string fail_mark = "\xE2\x9C\x98 ";  // ✘
const std::string token = "0123456789abcdef-token";

struct Report {
  ProcessResult process;
  std::vector<std::string> lines;

  [[nodiscard]] bool has(const std::string& start) const {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(start, 0) == 0; });
  }
  // The "    fix: ..." line right under the check line that starts with `start`.
  [[nodiscard]] std::string fix_of(const std::string& start) const {
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
      if (lines[i].rfind(start, 0) == 0 && lines[i + 1].rfind("    ", 0) == 0) return lines[i + 1];
    }
    return {};
  }
  [[nodiscard]] std::string text() const { return process.out + process.err; }
};

// A port on 127.0.0.1 that sends nothing first (as a web server or a TLS server does): each
// connection gets `reply` once it sent something, then is held until the client closes it.
class SilentListener {
 public:
  explicit SilentListener(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(a);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), length) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SilentListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  // Every 50 ms the stop flag is looked at: the destructor waits at most that long.
  bool readable(int fd) const {
    pollfd p{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }
  void serve() {
    while (readable(fd_)) {
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      char buffer[512];
      bool replied = false;
      while (readable(client)) {
        const auto n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        if (!replied && !reply_.empty()) (void)::send(client, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        replied = true;
      }
      ::close(client);
    }
  }

  std::string reply_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class Check : public ::testing::Test {
 protected:
  ScratchDir dir{"check-integration"};

  Report check(const Simulator& sim, std::vector<std::string> args, Env extra = {}) {
    std::vector<std::string> argv = {EECALL_BINARY, "--check", "--ip",
                                     "127.0.0.1",   "--port",  std::to_string(sim.port())};
    argv.insert(argv.end(), args.begin(), args.end());
    Env env = {{"EECALL_CONFIG", "/dev/null"},
               {"EECALL_STATE_DIR", test_state_dir()},
               {"EECALL_JOBS_DIR", dir.path() + "/jobs"},
               {"EECALL_AUDIO_DIR", dir.path()}};
    for (auto& [k, v] : extra) env[k] = v;
    Report r;
    r.process = run_process(argv, env, {}, std::chrono::seconds(30));
    std::istringstream lines(r.process.out);
    for (std::string line; std::getline(lines, line);) r.lines.push_back(line);
    return r;
  }

  static std::vector<std::string> as(const std::string& user, const std::string& secret,
                                     std::initializer_list<std::string> more) {
    std::vector<std::string> args = {"--user", user, "--secret", secret};
    args.insert(args.end(), more);
    return args;
  }

  std::string config_for(const Simulator& sim, const std::string& general = {}) {
    const auto path = dir.path() + "/eecall.conf";
    std::ofstream(path) << "[general]\ntoken = " << token << "\n"
                        << general << "\n[sim]\nhost = 127.0.0.1\nport = " << sim.port()
                        << "\nuser = eedomus\nsecret = s3cret\n";
    ::chmod(path.c_str(), 0600);
    return path;
  }
};

TEST_F(Check, TheLabsEedomusUserPassesEveryNeededCheckAndNoPhoneRings) {
  Simulator sim;
  const auto r = check(sim, as("eedomus", "s3cret", {"--from", "100", "--to", "291", "--wait", "10"}));
  EXPECT_EQ(r.process.exit_code, 0) << r.text();
  for (const char* name :
       {"connection", "ami", "login", "rights", "events call", "dialplan 100", "dialplan 291", "phone 100"}) {
    EXPECT_TRUE(r.has(ok_mark + name + ":")) << name << "\n" << r.text();
  }
  EXPECT_TRUE(r.has("OK check: all ")) << r.text();
  const auto sent = sim.received();
  EXPECT_NE(sent.find("Channel: eecall-check/none\r\n"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("Channel: Local/"), std::string::npos) << "the check dials nothing: " << sent;
  EXPECT_EQ(sent.find("Channel: PJSIP/"), std::string::npos) << sent;
}

TEST_F(Check, PlainLoginWhenConfigured) {
  Simulator sim;
  const auto r = check(sim, as("eedomus", "s3cret", {"--auth", "plain"}));
  EXPECT_EQ(r.process.exit_code, 0) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "login: 'eedomus' logged in with a plain login (the secret crossed the network)"))
      << r.text();
  EXPECT_NE(sim.received().find("Secret: s3cret\r\n"), std::string::npos);
  EXPECT_EQ(sim.received().find("Action: Challenge"), std::string::npos);
}

TEST_F(Check, ReadonlyIsToldTheMissingWriteClass) {
  Simulator sim;
  const auto r = check(sim, as("readonly", "ro", {"--from", "100", "--to", "291"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "rights: 'readonly' may not send Originate: its write = line lacks originate"))
      << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "rights").find("fix: add originate to the write = line of [readonly] in manager.conf"),
            std::string::npos)
      << r.text();
  EXPECT_TRUE(r.has("? dialplan 291: cannot be asked")) << r.text();
}

// The AMI user docs/freepbx.md recommends for alerts ([alertonly] write = originate,call) may not
// send ModuleCheck (write = system, which it must never be given): app_read and format_wav are
// "?". That is no failure (issue 19): exit 0, the summary names them to verify by hand, each ?
// line says how; --strict makes a ? fail as before.
TEST_F(Check, TheDocsAlertUserPassesAndNamesWhatItCouldNotKnow) {
  Simulator sim;
  const auto audio = dir.path() + "/audio";
  ::mkdir(audio.c_str(), 0777);
  ::chmod(audio.c_str(), 0777);  // whoever the web server's user is may write it
  const Env env = {{"EECALL_AUDIO_DIR", audio}};
  auto args = as("alertonly", "al3rt", {"--from", "100,105", "--say", "Fuite d'eau", "--ack", "1"});
  auto r = check(sim, args, env);
  EXPECT_EQ(r.process.exit_code, 0) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "rights: 'alertonly' may send Originate")) << r.text();
  EXPECT_TRUE(r.has("? module app_read: cannot be asked: ModuleCheck needs write = system")) << r.text();
  EXPECT_TRUE(r.has("? module format_wav: cannot be asked")) << r.text();
  EXPECT_NE(r.fix_of("? module app_read").find("to know: on the PBX: asterisk -rx 'module show like app_read'"),
            std::string::npos)
      << r.text();
  const auto summary =
      std::find_if(r.lines.begin(), r.lines.end(), [](const auto& l) { return l.starts_with("OK check: "); });
  ASSERT_NE(summary, r.lines.end()) << r.text();
  EXPECT_NE(summary->find("could not be known, verify by hand (see their ? lines): module app_read, module format_wav"),
            std::string::npos)
      << *summary;
  args.push_back("--strict");
  r = check(sim, args, env);
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has("FAILED check permission_denied (step module app_read): ")) << r.text();
}

// The same over CGI: check=1 answers result 1, and strict=1 result 0.
TEST_F(Check, TheDocsAlertUserOverHttpAndItsStrictParameter) {
  Simulator sim;
  const auto path = dir.path() + "/eecall.conf";
  std::ofstream(path) << "[general]\ntoken = " << token << "\n[alert]\nhost = 127.0.0.1\nport = " << sim.port()
                      << "\nuser = alertonly\nsecret = al3rt\n";
  ::chmod(path.c_str(), 0600);
  const Env env = {{"EECALL_CONFIG", path}, {"EECALL_JOBS_DIR", dir.path() + "/jobs"}};
  const auto query = "check=1&format=json&profile=alert&token=" + token + "&from=100,105&play=hello-world&ack=1";
  auto run = run_cgi_get(query, env);
  EXPECT_EQ(run.answer.status, 200) << run.process.out;
  auto j = nlohmann::json::parse(run.answer.body, nullptr, false);
  EXPECT_EQ(j.value("result", -1), 1) << run.answer.body;
  EXPECT_NE(j.value("message", "").find("1 could not be known, verify by hand (see its ? line): module app_read"),
            std::string::npos)
      << run.answer.body;
  run = run_cgi_get(query + "&strict=1", env);
  EXPECT_EQ(run.answer.status, 200) << run.process.out;
  j = nlohmann::json::parse(run.answer.body, nullptr, false);
  EXPECT_EQ(j.value("result", -1), 0) << run.answer.body;
  EXPECT_EQ(j.value("error", ""), "permission_denied") << run.answer.body;
}

TEST_F(Check, WrongSecretNamesSecretAndPermit) {
  Simulator sim;
  const auto r = check(sim, as("eedomus", "wrong", {}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "login: Asterisk refused 'eedomus' (Authentication failed after 1.")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "login").find("permit = 127.0.0.1/255.255.255.255"), std::string::npos) << r.text();
  EXPECT_FALSE(r.has(ok_mark + "rights")) << "nothing is asked after a failed login";
  EXPECT_EQ(sim.received().find("Action: ListCommands"), std::string::npos);
}

TEST_F(Check, NothingListeningIsTheConnection) {
  const auto port = closed_port();
  const auto r = run_process({EECALL_BINARY, "--check", "--ip", "127.0.0.1", "--port", std::to_string(port), "--user",
                              "eedomus", "--secret", "s3cret"},
                             {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_STATE_DIR", test_state_dir()}});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find(fail_mark + "connection: cannot connect to 127.0.0.1 port " + std::to_string(port)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    fix: nothing listens on 127.0.0.1:" + std::to_string(port) + ": is " + std::to_string(port) +
                       " the PBX's AMI port?"),
            std::string::npos)
      << r.out;
}

// Issue 19 item 9: port 80 (a web server) timed out on the banner and the fix said tls = yes.
TEST_F(Check, ASilentPortIsAskedWhatItIsAndOnlyTlsGetsTlsAdvice) {
  const auto silent_check = [&](const SilentListener& port) {
    return run_process({EECALL_BINARY, "--check", "--ip", "127.0.0.1", "--port", std::to_string(port.port()),
                        "--user", "eedomus", "--secret", "s3cret", "--timeout", "1"},
                       {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_STATE_DIR", test_state_dir()}}, {},
                       std::chrono::seconds(20));
  };
  const auto fix_of_ami = [](const std::string& out) {
    const auto at = out.find(fail_mark + "ami: ");
    const auto fix = out.find("    fix: ", at);
    return at == std::string::npos || fix == std::string::npos ? std::string() : out.substr(fix, out.find('\n', fix) - fix);
  };
  {
    const SilentListener web("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    const auto r = silent_check(web);
    EXPECT_EQ(r.exit_code, 4) << r.out;
    const auto fix = fix_of_ami(r.out);
    EXPECT_NE(fix.find("is not AMI (it answered HTTP"), std::string::npos) << r.out;
    EXPECT_EQ(fix.find("tls = yes"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("400 Bad Request"), std::string::npos) << "only the kind of answer is reported";
  }
  {
    const SilentListener tls(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));  // a TLS alert: handshake_failure
    const auto r = silent_check(tls);
    EXPECT_EQ(r.exit_code, 4) << r.out;
    EXPECT_NE(fix_of_ami(r.out).find("speaks TLS (it answered a TLS hello)"), std::string::npos) << r.out;
    EXPECT_NE(fix_of_ami(r.out).find("set tls = yes"), std::string::npos) << r.out;
  }
  {
    const SilentListener mute("");
    const auto r = silent_check(mute);
    EXPECT_EQ(r.exit_code, 4) << r.out;
    EXPECT_NE(fix_of_ami(r.out).find("answered no TLS hello either"), std::string::npos) << r.out;
    EXPECT_EQ(fix_of_ami(r.out).find("tls = yes"), std::string::npos) << r.out;
  }
}

TEST_F(Check, FaultModesOfTheBannerAndTheLogin) {
  {
    Simulator sim({"--fault", "no-banner"});
    const auto r = check(sim, as("eedomus", "s3cret", {}), {{"EECALL_TIMEOUT", "1.5"}});
    EXPECT_EQ(r.process.exit_code, 4) << r.text();
    EXPECT_TRUE(r.has(fail_mark + "ami: ")) << r.text();
    // Silent, and no answer to a TLS hello either: nothing says it is TLS (issue 19 item 9).
    EXPECT_NE(r.fix_of(fail_mark + "ami").find("answered no TLS hello either"), std::string::npos) << r.text();
  }
  {
    Simulator sim({"--banner", "SSH-2.0-OpenSSH_9.2"});
    const auto r = check(sim, as("eedomus", "s3cret", {}));
    EXPECT_EQ(r.process.exit_code, 3) << r.text();
    EXPECT_TRUE(r.has(fail_mark + "ami: the server at that address is not an Asterisk Manager Interface")) << r.text();
    EXPECT_EQ(r.process.out.find("SSH-2.0"), std::string::npos) << "the report never quotes a stranger's banner";
  }
  {
    Simulator sim({"--fault", "close-after-banner"});
    const auto r = check(sim, as("eedomus", "s3cret", {}));
    EXPECT_EQ(r.process.exit_code, 3) << r.text();
    EXPECT_TRUE(r.has(fail_mark + "login: ")) << r.text();
    EXPECT_FALSE(r.fix_of(fail_mark + "login").empty()) << r.text();
  }
}

TEST_F(Check, UserWithoutReadClassesNeverHearsBack) {
  Simulator sim({"--user", "noevents:n0ev:originate,call:"});
  const auto r = check(sim, as("noevents", "n0ev", {"--from", "105", "--play", "hello-world", "--ack", "1"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "rights")) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "events call: no OriginateResponse event (class call) within 2.0 s")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "events call").find("add call to the read = line of [noevents]"), std::string::npos)
      << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "events dialplan").find("add dialplan to the read = line of [noevents]"),
            std::string::npos)
      << r.text();
}

TEST_F(Check, ModuleNotLoaded) {
  Simulator sim({"--unload", "app_read"});
  const auto r = check(sim, as("eedomus", "s3cret", {"--from", "105", "--play", "hello-world", "--ack", "1"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "events dialplan")) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "module app_read: not loaded")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "module app_read").find("asterisk -rx 'module load app_read.so'"), std::string::npos)
      << r.text();
}

TEST_F(Check, WithoutResPjsipThereAreNoEndpoints) {
  Simulator sim({"--unload", "res_pjsip"});
  const auto r = check(sim, as("eedomus", "s3cret", {"--to", "100", "--drv", "pjsip"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "phone 100: res_pjsip is not loaded")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "phone 100").find("module load res_pjsip.so"), std::string::npos) << r.text();
}

TEST_F(Check, TargetOutsideTheDialplan) {
  Simulator sim;
  const auto r = check(sim, as("eedomus", "s3cret", {"--from", "100", "--to", "999"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "dialplan 100")) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "dialplan 999: '999' in context from-internal: Extension does not exist.")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "dialplan 999").find("context = to the context your phones use"), std::string::npos)
      << r.text();
  EXPECT_TRUE(r.has("FAILED check action_failed (step dialplan 999)")) << r.text();
}

TEST_F(Check, PhonesThatCannotTakeAMessage) {
  Simulator sim;
  auto r = check(sim, as("eedomus", "s3cret", {"--to", "101,102,103,999", "--drv", "pjsip"}));
  EXPECT_EQ(r.process.exit_code, 3) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "module res_pjsip_messaging")) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "phone 101")) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "phone 102: PJSIP endpoint 102 (Unavailable): its contact sip:102@127.0.0.1:5072 is "
                                "unreachable"))
      << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "phone 103").find("register the phone"), std::string::npos) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "phone 999").find("create it"), std::string::npos) << r.text();
  r = check(sim, as("eedomus", "s3cret", {"--to", "100,999", "--drv", "sip"}));
  EXPECT_TRUE(r.has(ok_mark + "phone 100: chan_sip peer 100 at 127.0.0.1:5070")) << r.text();
  EXPECT_NE(r.fix_of(fail_mark + "phone 999").find("drv=pjsip"), std::string::npos) << r.text();
}

TEST_F(Check, AudioDirectoryThatAsterisksUserCannotSearch) {
  ::chmod(dir.path().c_str(), 0700);  // the test's own user alone
  Simulator sim({"--run-user", "nobody"});
  const auto path = config_for(sim);
  Env env = {{"EECALL_CONFIG", path}, {"EECALL_AUDIO_DIR", dir.path()}, {"EECALL_JOBS_DIR", dir.path() + "/jobs"}};
  const auto run = run_cgi_get("check=1&format=text&profile=sim&token=" + token + "&from=105&say=Fuite&ack=1", env);
  EXPECT_EQ(run.answer.status, 200) << run.process.out;
  const auto& body = run.answer.body;
  EXPECT_NE(body.find(ok_mark + "audio_dir: " + dir.path()), std::string::npos) << body;
  EXPECT_NE(body.find(fail_mark + "audio for asterisk: " + dir.path() + " ("), std::string::npos) << body;
  EXPECT_NE(body.find("cannot be searched by nobody, the user Asterisk runs as (CoreSettings: CoreRunUser nobody)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(" " + dir.path() + " && chmod 2750 " + dir.path() + "\n"), std::string::npos) << body;
}

TEST_F(Check, AsterisksRunGroupMayBeTheDirectorysGroup) {
  ::chmod(dir.path().c_str(), 02750);
  if (::chown(dir.path().c_str(), ::geteuid(), 0) != 0) GTEST_SKIP() << "cannot give the directory group root";
  Simulator sim({"--run-user", "nobody:root"});
  const auto path = config_for(sim);
  Env env = {{"EECALL_CONFIG", path}, {"EECALL_AUDIO_DIR", dir.path()}, {"EECALL_JOBS_DIR", dir.path() + "/jobs"}};
  const auto run = run_cgi_get("check=1&format=text&profile=sim&token=" + token + "&from=105&say=Fuite&ack=1", env);
  EXPECT_NE(run.answer.body.find(ok_mark + "audio for asterisk: " + dir.path() +
                                 " is readable by nobody, the user Asterisk runs as (CoreSettings: CoreRunUser nobody, "
                                 "CoreRunGroup root)"),
            std::string::npos)
      << run.answer.body;
}

TEST_F(Check, OverHttpWithTheTokenAndNeverCountedAsAnAction) {
  Simulator sim;
  const auto path = config_for(sim, "max_actions_per_minute = 1");
  Env env = {{"EECALL_CONFIG", path}, {"EECALL_JOBS_DIR", dir.path() + "/jobs"}};
  EXPECT_EQ(run_cgi_get("check=1&profile=sim", env).answer.status, 403) << "no token";
  for (int i = 0; i < 3; ++i) {
    const auto run = run_cgi_get("check=1&format=json&profile=sim&token=" + token + "&from=100&to=291", env);
    EXPECT_EQ(run.answer.status, 200) << run.process.out;
    const auto j = nlohmann::json::parse(run.answer.body, nullptr, false);
    EXPECT_EQ(j.value("result", -1), 1) << run.process.out;
    EXPECT_EQ(j.value("action", ""), "check") << run.process.out;
  }
  // The one action of this minute is still there, and it is the only one.
  EXPECT_EQ(run_cgi_get("profile=sim&token=" + token + "&from=100&to=291", env).answer.status, 200);
  EXPECT_EQ(run_cgi_get("profile=sim&token=" + token + "&from=100&to=292", env).answer.status, 429);
}

TEST_F(Check, NotifyAsksTheBoxsSiteNeverTheUrl) {
  Simulator sim;
  HttpRecorder box(200);
  const Env env = {{"EECALL_NOTIFY_URL", box.base_url() + "/api/set?periph_id=1&value={value}&api_secret=S"},
                   {"EECALL_NOTIFY_TIMEOUT", "2"}};
  auto r = check(sim, as("eedomus", "s3cret", {"--check-notify"}), env);
  EXPECT_EQ(r.process.exit_code, 0) << r.text();
  EXPECT_TRUE(r.has(ok_mark + "notify: " + box.base_url() + "/ answers (HTTP 200)")) << r.text();
  EXPECT_EQ(box.requests(), std::vector<std::string>{"GET / HTTP/1.1"}) << "only the site: the URL would set the device";
  // Asked, but nothing to ask: a cross; not asked: no line at all.
  r = check(sim, as("eedomus", "s3cret", {"--check-notify"}));
  EXPECT_EQ(r.process.exit_code, 6) << r.text();
  EXPECT_TRUE(r.has(fail_mark + "notify: --check-notify, but no notify_url applies")) << r.text();
  r = check(sim, as("eedomus", "s3cret", {}), env);
  EXPECT_FALSE(r.has(ok_mark + "notify")) << r.text();
  EXPECT_EQ(box.requests().size(), 1u);
}

}  // namespace
}  // namespace eecall::test
