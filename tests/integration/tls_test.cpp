// TLS to AMI (issue 3, point 3): the simulator serves TLS with certificates made for this run
// by the `openssl` command in a temporary directory (a private CA, a server certificate for
// 127.0.0.1, one for another name, one for a host name, a self-signed one). The client must
// verify the chain and the name, say tls_failed with OpenSSL's reason otherwise, and never
// fall back to plain TCP.
#include <gtest/gtest.h>


#include <filesystem>
#include <fstream>

#include "eecall/ami/client.hpp"
#include "support/scratch_dir.hpp"
#include "support/sessions.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Every file the tests need, made once per test program.
class Certificates {
 public:
  Certificates() {
    // The private CA, and a second one nobody trusts.
    make_ca("ca", "eecall test CA");
    make_ca("other-ca", "eecall other CA");
    make_server("good", "ca", "IP:127.0.0.1");                      // the right one
    make_server("wrong-name", "ca", "IP:192.0.2.1,DNS:pbx.example");  // trusted, not for us
    make_server("host-name", "ca", "DNS:pbx.test");                  // for a host name
    make_server("other-ca-signed", "other-ca", "IP:127.0.0.1");     // right name, unknown CA
    // Self-signed, with the right name.
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
             "subjectAltName=IP:127.0.0.1", "-keyout", path("self-signed.key"), "-out",
             path("self-signed.pem")});
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

  /// Simulator options that serve TLS with certificate `name`.
  [[nodiscard]] std::vector<std::string> serve(const std::string& name) const {
    return {"--tls-cert", path(name + ".pem"), "--tls-key", path(name + ".key")};
  }

 private:
  void openssl(std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/openssl");
    const auto r = run_process(args, {}, {}, seconds(30));
    if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
  }

  void make_ca(const std::string& name, const std::string& cn) const {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "2", "-subj", "/CN=" + cn, "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", path(name + ".key"),
             "-out", path(name + ".pem")});
  }

  void make_server(const std::string& name, const std::string& ca, const std::string& san) const {
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-subj", "/CN=eecall test server", "-keyout", path(name + ".key"), "-out",
             path(name + ".csr")});
    std::ofstream(path(name + ".ext")) << "subjectAltName=" << san
                                       << "\nbasicConstraints=CA:FALSE\n"
                                          "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";
    openssl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path(ca + ".pem"), "-CAkey",
             path(ca + ".key"), "-CAcreateserial", "-days", "2", "-extfile", path(name + ".ext"),
             "-out", path(name + ".pem")});
  }

  ScratchDir scratch_{"tls"};
  fs::path dir_{scratch_.path()};
};

const Certificates& certificates() {
  static const Certificates made;
  return made;
}

ami::ClientSettings tls_settings(std::string ca_file) {
  ami::ClientSettings s;
  s.tls = true;
  s.ca_file = std::move(ca_file);
  s.tls_module = EECALL_TLS_MODULE;  // a test program does not sit next to the module
  s.total_timeout = seconds(5);
  return s;
}

// Resolves every name to 127.0.0.1 without any DNS query.
ami::Resolver loopback_resolver() {
  return [](const std::string&, milliseconds) {
    return Result<std::vector<std::string>>(std::vector<std::string>{"127.0.0.1"});
  };
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

// --- the client core, in-process -------------------------------------------------------------

TEST(TlsClient, TrustedCertificateForTheAddressWorksAndAmiRunsInsideTls) {
  Simulator sim(certificates().serve("good"));
  const auto outcome = ami::Client(tls_settings(certificates().path("ca.pem")))
                           .run(call_to("127.0.0.1", sim.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.message, "Originate successfully queued");
  // The simulator decrypted and logged the whole session: AMI really went through TLS.
  const auto got = sim.received();
  EXPECT_EQ(count(got, "Action: Originate\r\n"), 1u) << got;
  EXPECT_EQ(count(got, "Action: Logoff\r\n"), 1u) << got;
  // SNI carries host names only (RFC 6066): none for an IP address.
  EXPECT_NE(got.find("TLS, no server name (SNI)"), std::string::npos) << got;
}

// TLS lives in eecall-tls.so. Without it, TLS is refused as tls_failed, naming the file: never
// a plain-TCP session instead, and no AMI byte is sent.
TEST(TlsClient, MissingTlsModuleIsTlsFailedAndNothingIsSent) {
  Simulator sim(certificates().serve("good"));
  auto settings = tls_settings(certificates().path("ca.pem"));
  settings.tls_module = "/nonexistent/eecall-tls.so";
  const auto outcome = ami::Client(settings).run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::tls_failed) << outcome.message;
  EXPECT_EQ(outcome.subject, "tls");
  EXPECT_NE(outcome.message.find("/nonexistent/eecall-tls.so"), std::string::npos) << outcome.message;
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
}

TEST(TlsClient, HostNameIsVerifiedAgainstTheCertificatesDnsName) {
  Simulator sim(certificates().serve("host-name"));
  const auto ok = ami::Client(tls_settings(certificates().path("ca.pem")), ami::random_action_ids(),
                              loopback_resolver())
                      .run(call_to("pbx.test", sim.port()));
  EXPECT_TRUE(ok.ok()) << ok.message;
  // The name is also sent as SNI, which a server with several certificates needs.
  EXPECT_NE(sim.received().find("TLS, server name (SNI) pbx.test\n"), std::string::npos) << sim.received();
  // The same certificate, reached as "other.test": the name does not match.
  const auto wrong = ami::Client(tls_settings(certificates().path("ca.pem")), ami::random_action_ids(),
                                 loopback_resolver())
                         .run(call_to("other.test", sim.port()));
  EXPECT_EQ(wrong.error, ErrorCode::tls_failed);
  EXPECT_EQ(wrong.subject, "tls");
  EXPECT_NE(wrong.message.find("hostname mismatch"), std::string::npos) << wrong.message;
}

TEST(TlsClient, SelfSignedCertificateWithoutCaFileIsRefused) {
  Simulator sim(certificates().serve("self-signed"));
  const auto outcome = ami::Client(tls_settings("")).run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::tls_failed) << outcome.message;
  EXPECT_EQ(outcome.subject, "tls");
  EXPECT_NE(outcome.message.find("self-signed certificate"), std::string::npos) << outcome.message;
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos) << "nothing sent, not even Login";
}

TEST(TlsClient, CertificateFromAnotherCaIsRefused) {
  Simulator sim(certificates().serve("other-ca-signed"));
  for (const std::string& ca : {certificates().path("ca.pem"), std::string()}) {
    const auto outcome = ami::Client(tls_settings(ca)).run(call_to("127.0.0.1", sim.port()));
    EXPECT_EQ(outcome.error, ErrorCode::tls_failed) << ca << ": " << outcome.message;
    EXPECT_NE(outcome.message.find("unable to get local issuer certificate"), std::string::npos)
        << outcome.message;
  }
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
}

TEST(TlsClient, TrustedCertificateForAnotherNameIsRefused) {
  Simulator sim(certificates().serve("wrong-name"));
  const auto outcome = ami::Client(tls_settings(certificates().path("ca.pem")))
                           .run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::tls_failed) << outcome.message;
  EXPECT_NE(outcome.message.find("IP address mismatch"), std::string::npos) << outcome.message;
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos) << "the secret stays home";
}

TEST(TlsClient, MissingCaFileIsTlsFailedNamingTheFile) {
  Simulator sim(certificates().serve("good"));
  const auto outcome = ami::Client(tls_settings(certificates().path("no-such-ca.pem")))
                           .run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::tls_failed);
  EXPECT_NE(outcome.message.find("no-such-ca.pem"), std::string::npos) << outcome.message;
}

// A plain AMI server speaks first (its banner). The TLS client reads those bytes as a TLS
// record, which they are not: OpenSSL fails at once ("wrong version number"), so this is
// tls_failed right away, not a timeout, and the client never sends AMI in clear.
TEST(TlsClient, PlainServerIsTlsFailedAtOnceNotADowngrade) {
  Simulator plain;
  const auto outcome = ami::Client(tls_settings(certificates().path("ca.pem")))
                           .run(call_to("127.0.0.1", plain.port()));
  EXPECT_EQ(outcome.error, ErrorCode::tls_failed) << outcome.message;
  EXPECT_EQ(outcome.subject, "tls");
  EXPECT_LT(outcome.elapsed, seconds(2));
  EXPECT_EQ(plain.received().find("Action:"), std::string::npos) << plain.received();
}

// A plain server that says nothing leaves the TLS handshake waiting: a timeout at step "tls".
TEST(TlsClient, SilentServerIsTimeoutAtTheTlsStep) {
  Simulator mute({"--fault", "no-banner"});
  auto settings = tls_settings(certificates().path("ca.pem"));
  settings.total_timeout = milliseconds(800);
  const auto outcome = ami::Client(settings).run(call_to("127.0.0.1", mute.port()));
  EXPECT_EQ(outcome.error, ErrorCode::timeout) << outcome.message;
  EXPECT_EQ(outcome.subject, "tls");
  EXPECT_LT(outcome.elapsed, seconds(3));
}

// The TLS server waits for a ClientHello and the plain client for a banner: nobody speaks,
// so the plain client times out at the banner step (with a hint about TLS ports).
TEST(TlsClient, PlainClientAgainstTlsServerIsTimeoutAtTheBanner) {
  Simulator sim(certificates().serve("good"));
  ami::ClientSettings settings;
  settings.total_timeout = milliseconds(800);
  const auto outcome = ami::Client(settings).run(call_to("127.0.0.1", sim.port()));
  EXPECT_EQ(outcome.error, ErrorCode::timeout) << outcome.message;
  EXPECT_EQ(outcome.subject, "banner");
  // Says what a silent port may be, not "use tls": a web server is as silent (issue 19 item 9).
  EXPECT_NE(outcome.message.find("as a TLS port such as Asterisk's 5039 or a web server does"), std::string::npos)
      << outcome.message;
  EXPECT_LT(outcome.elapsed, seconds(3));
}

// --- the eecall program: CGI with EECALL_TLS / EECALL_CA_FILE, command line --tls / --ca-file --

CgiAnswer run_cgi(std::uint16_t port, const Env& extra) {
  const auto run = run_cgi_get(call_query(port), extra);
  if (run.answer.status == 0) ADD_FAILURE() << run.process.out << run.process.err;
  return run.answer;
}

TEST(TlsProgram, CgiWithEecallTlsAndCaFileCallsThroughTls) {
  Simulator sim(certificates().serve("good"));
  const auto ok = run_cgi(sim.port(), {{"EECALL_TLS", "yes"}, {"EECALL_CA_FILE", certificates().path("ca.pem")}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.xml("result"), "1");
  EXPECT_EQ(count(sim.received(), "Action: Originate\r\n"), 1u);
}

TEST(TlsProgram, CgiRefusesAnUntrustedCertificateWith502TlsFailed) {
  Simulator sim(certificates().serve("self-signed"));
  const auto bad = run_cgi(sim.port(), {{"EECALL_TLS", "yes"}, {"EECALL_CA_FILE", certificates().path("ca.pem")}});
  EXPECT_EQ(bad.status, 502) << bad.body;
  EXPECT_EQ(bad.xml("error"), "tls_failed");
  EXPECT_EQ(bad.xml("step"), "tls");
  EXPECT_NE(bad.xml("message").find("self-signed certificate"), std::string::npos) << bad.body;
  // EECALL_TLS=no is plain TCP: against the TLS port that is a banner timeout, never a success.
  const auto plain = run_cgi(sim.port(), {{"EECALL_TLS", "no"}, {"EECALL_TIMEOUT", "1"}});
  EXPECT_EQ(plain.status, 504) << plain.body;
  EXPECT_EQ(plain.xml("step"), "banner");
  EXPECT_EQ(sim.received().find("Action:"), std::string::npos);
}

// The reason for the module: a plain session never loads OpenSSL (the dynamic loader's own
// trace, LD_DEBUG=files, lists every library the process opens); a TLS session opens the
// module found next to the program, and OpenSSL with it.
TEST(TlsProgram, OnlyATlsSessionLoadsOpenSsl) {
  Simulator plain_sim;
  const auto plain = run_cgi_get(call_query(plain_sim.port()), {{"LD_DEBUG", "files"}});
  EXPECT_EQ(plain.answer.xml("result"), "1") << plain.answer.body;
  EXPECT_NE(plain.process.err.find("libc.so"), std::string::npos) << "no loader trace: " << plain.process.err;
  EXPECT_EQ(plain.process.err.find("libssl"), std::string::npos) << plain.process.err;
  EXPECT_EQ(plain.process.err.find("libcrypto"), std::string::npos) << plain.process.err;
  EXPECT_EQ(plain.process.err.find("eecall-tls.so"), std::string::npos) << plain.process.err;

  Simulator tls_sim(certificates().serve("good"));
  const auto tls = run_cgi_get(call_query(tls_sim.port()), {{"LD_DEBUG", "files"},
                                                            {"EECALL_TLS", "yes"},
                                                            {"EECALL_CA_FILE", certificates().path("ca.pem")}});
  EXPECT_EQ(tls.answer.xml("result"), "1") << tls.answer.body;
  const auto module_dir = fs::path(EECALL_BINARY).parent_path().string();
  EXPECT_NE(tls.process.err.find(module_dir + "/eecall-tls.so"), std::string::npos) << tls.process.err;
  EXPECT_NE(tls.process.err.find("libssl.so"), std::string::npos) << tls.process.err;
}

TEST(TlsProgram, CommandLineTlsAndCaFileOptions) {
  Simulator sim(certificates().serve("good"));
  const std::vector<std::string> base = {EECALL_BINARY, "--ip", "127.0.0.1", "--port",
                                         std::to_string(sim.port()), "--user", "eedomus",
                                         "--from", "100", "--to", "291", "--format", "text"};
  auto with = [&](std::vector<std::string> extra) {
    auto argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, {{"EECALL_SECRET", "s3cret"}, {"EECALL_STATE_DIR", test_state_dir()}}, {},
                       seconds(30));
  };
  const auto ok = with({"--tls", "--ca-file", certificates().path("ca.pem")});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_TRUE(ok.out.starts_with("OK call")) << ok.out;

  const auto system_store = with({"--tls"});  // our private CA is not in the system store
  EXPECT_EQ(system_store.exit_code, 3) << system_store.out << system_store.err;
  EXPECT_NE(system_store.out.find("tls_failed"), std::string::npos) << system_store.out;
  EXPECT_NE(system_store.out.find("unable to get local issuer certificate"), std::string::npos)
      << system_store.out;
  EXPECT_EQ(count(sim.received(), "Action: Originate\r\n"), 1u) << "only the verified session";
}

}  // namespace
}  // namespace eecall::test
