// allow_hosts: an `ip` outside the list is 403 forbidden before any DNS query or connection —
// the simulator sees nothing, and a name that would not even resolve is refused as forbidden,
// not as resolve_failed. A profile's host is the admin's choice and is not checked. The same
// through the command line's --ip.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/scratch_dir.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

std::string pbx(const std::string& ip, std::uint16_t port) {
  return "ip=" + ip + "&port=" + std::to_string(port) + "&user=eedomus&secret=s3cret&from=100&to=291";
}

void expect_forbidden_ip(const CgiRun& run) {
  EXPECT_EQ(run.answer.status, 403) << run.process.out << run.process.err;
  EXPECT_EQ(run.answer.xml("error"), "forbidden");
  EXPECT_EQ(run.answer.xml("step"), "ip");
  EXPECT_NE(run.answer.xml("message").find("allow_hosts"), std::string::npos);
}

TEST(AllowHosts, AnIpOutsideTheListNeverReachesAnything) {
  Simulator sim;
  const Env only_loopback = {{"EECALL_ALLOW_HOSTS", "127.0.0.1, ::1"}};
  for (const char* ip : {"127.0.0.2", "10.0.0.1", "[::2]", "::ffff:10.0.0.1", "localhost",
                         // Names that would never resolve: a lookup would answer resolve_failed.
                         "pbx.invalid", "scanme.example.invalid"}) {
    SCOPED_TRACE(ip);
    const auto run = run_cgi_get(pbx(ip, sim.port()), only_loopback);
    expect_forbidden_ip(run);
    EXPECT_LT(run.process.elapsed, std::chrono::seconds(5));
  }
  EXPECT_EQ(sim.received(), "") << "no connection at all";
  const auto allowed = run_cgi_get(pbx("127.0.0.1", sim.port()), only_loopback);
  EXPECT_EQ(allowed.answer.status, 200) << allowed.process.out << allowed.process.err;
  const auto mapped = run_cgi_get(pbx("::ffff:127.0.0.1", sim.port()), only_loopback);
  EXPECT_NE(mapped.answer.status, 403) << "::ffff:127.0.0.1 is 127.0.0.1";
}

TEST(AllowHosts, ListedNamesMatchAsNamesCaseInsensitively) {
  Simulator sim;
  // localhost comes from /etc/hosts: the name listed lets it through, nothing leaves the machine.
  const auto run = run_cgi_get(pbx("LocalHost", sim.port()), {{"EECALL_ALLOW_HOSTS", "localhost"}});
  EXPECT_EQ(run.answer.status, 200) << run.process.out << run.process.err;
  expect_forbidden_ip(run_cgi_get(pbx("127.0.0.1", sim.port()), {{"EECALL_ALLOW_HOSTS", "localhost"}}));
}

TEST(AllowHosts, CidrRanges) {
  Simulator sim;
  EXPECT_EQ(run_cgi_get(pbx("127.0.0.1", sim.port()), {{"EECALL_ALLOW_HOSTS", "127.0.0.0/8"}}).answer.status, 200);
  expect_forbidden_ip(run_cgi_get(pbx("127.0.0.1", sim.port()), {{"EECALL_ALLOW_HOSTS", "192.168.0.0/16 fd00::/8"}}));
}

TEST(AllowHosts, AProfilesHostIsTheAdminsChoiceAndNotChecked) {
  Simulator sim;
  const ScratchDir dir("allow-hosts");
  const auto config = dir.path() + "/eecall.conf";
  std::ofstream(config) << "[general]\nallow_hosts = 192.0.2.1\n[home]\nhost = 127.0.0.1\nport = " << sim.port()
                        << "\nuser = eedomus\nsecret = s3cret\n";
  ::chmod(config.c_str(), 0640);
  const Env env = {{"EECALL_CONFIG", config}};
  EXPECT_EQ(run_cgi_get("profile=home&from=100&to=291", env).answer.status, 200);
  expect_forbidden_ip(run_cgi_get(pbx("127.0.0.1", sim.port()), env));
}

TEST(AllowHosts, CommandLineIpIsCheckedToo) {
  Simulator sim;
  const auto r = run_process({EECALL_BINARY, "--ip", "127.0.0.2", "--port", std::to_string(sim.port()), "--user",
                              "eedomus", "--from", "100", "--to", "291"},
                             {{"EECALL_CONFIG", "/dev/null"}, {"EECALL_SECRET", "s3cret"},
                              {"EECALL_STATE_DIR", test_state_dir()}, {"EECALL_ALLOW_HOSTS", "127.0.0.1"}},
                             {}, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_EQ(xml_field(r.out, "error"), "forbidden");
  EXPECT_EQ(sim.received(), "");
}

}  // namespace
}  // namespace eecall::test
