// `eecall --check callin=home` run as a user runs it: a configuration, an agi-bin and an
// Asterisk configuration directory in a ScratchDir (AST_AGI_DIR, AST_CONFIG_DIR), the box a
// recording HTTP server on 127.0.0.1. The report's lines and exit status are checked, and that
// the box received the read key's GET only, never the act key's.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "eecall/callin/check_callin.hpp"
#include "support/http_recorder.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

using namespace std::chrono_literals;
using test::HttpRecorder;
using test::run_process;
using test::ScratchDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CheckCallin : public ::testing::Test {
 protected:
  void SetUp() override {
    ::chmod(dir.path().c_str(), 0755);
    std::filesystem::create_directory(agi);
    std::filesystem::create_directory(etc);
    std::filesystem::create_symlink(EECALL_BINARY, agi + "/eecall");
    write_config(box.base_url());
    box.set_body(R"({"success":1,"body":{"last_value_text":"activ\u00e9e"}})");
  }
  void write_config(const std::string& read_box, const std::string& extra = {}) {
    std::ofstream(config) << "[general]\nstate_dir = " << dir.path() << "\n\n[callin home]\npin = 4711\n"
                          << "allow_callers = 0612345678\n"
                          << "key1 = act Armer | " << box.base_url() << "/set?value=100\n"
                          << "key3 = read Alarme | " << read_box << "/get | body.last_value_text\n"
                          << "key0 = acknowledge\n" << extra;
    ::chmod(config.c_str(), 0600);
  }
  test::ProcessResult check() {
    return run_process({EECALL_BINARY, "--check", "callin=home"},
                       {{"EECALL_CONFIG", config}, {"AST_AGI_DIR", agi}, {"AST_CONFIG_DIR", etc}}, {}, 30s);
  }
  // The configuration (0600, ours) is readable by Asterisk's user when that is us or root, or
  // when no Asterisk runs here and there is no account asterisk (then it is a ?).
  static bool asterisk_may_read_ours() {
    const auto asterisk = callin::asterisk_account();
    return !asterisk || asterisk->first.uid == 0 || asterisk->first.uid == ::geteuid();
  }
  ScratchDir dir{"check-callin"};
  std::string agi = dir.path() + "/agi-bin";
  std::string etc = dir.path() + "/etc";
  std::string config = dir.path() + "/eecall.conf";
  HttpRecorder box;
};

TEST_F(CheckCallin, EverythingInPlaceAndOnlyTheReadKeyAsked) {
  std::ofstream(etc + "/extensions_custom.conf") << "[from-internal-custom]\nexten => 4000,1,AGI(eecall,callin=home)\n";
  const auto result = check();
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x94 callin menu: [callin home]: 1 allowed callers, keys 1 act Armer, "
                                   "3 read Alarme, 0 acknowledge"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x94 agi program: " + agi + "/eecall is executable by")) << result.out;
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x94 dialplan: " + etc +
                                       "/extensions_custom.conf:2: exten => 4000,1,AGI(eecall,callin=home)"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x94 key1: key1 act Armer: its URL is not fetched")) << result.out;
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x94 key3: key3 read Alarme: HTTP 200, would say \"Alarme : activée\""))
      << result.out;
  EXPECT_FALSE(contains(result.out, "4711")) << "the PIN is never shown";
  EXPECT_EQ(box.requests(), std::vector<std::string>{"GET /get HTTP/1.1"}) << "never the act key's /set";
  if (asterisk_may_read_ours()) {
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  } else {
    EXPECT_EQ(result.exit_code, 6) << "the configuration is ours, 0600: " << result.out;
  }
}

TEST_F(CheckCallin, BoxDownAndNoDialplanLine) {
  std::ofstream(etc + "/extensions_custom.conf") << "[from-internal-custom]\nexten => 4000,1,AGI(eecall,callin=office)\n";
  HttpRecorder broken(200, HttpRecorder::Mode::close);  // the box accepts and closes: no HTTP answer
  write_config(broken.base_url(), "fetch_timeout = 1\n");
  std::filesystem::remove(agi + "/eecall");
  const auto result = check();
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x98 agi program: no eecall where Asterisk looks for AGI programs (" + agi +
                                       "/eecall)"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "fix: ln -s /usr/bin/eecall " + agi + "/eecall")) << result.out;
  EXPECT_TRUE(contains(result.out, "? dialplan: no line running AGI(eecall,callin=home) in " + etc)) << result.out;
  EXPECT_TRUE(contains(result.out, "exten => 4000,1,AGI(eecall,callin=home)")) << "the line to add: " << result.out;
  EXPECT_TRUE(contains(result.out, "\xE2\x9C\x98 key3: key3 read Alarme: no answer within 1000 ms")) << result.out;
  EXPECT_EQ(result.exit_code, 6) << "config_error, the AGI program's: " << result.out;
  EXPECT_TRUE(box.requests().empty()) << "never the act key's /set";
}

TEST_F(CheckCallin, RefusedOverHttp) {
  const auto result = run_process({EECALL_BINARY}, {{"EECALL_CONFIG", config}, {"GATEWAY_INTERFACE", "CGI/1.1"},
                                                   {"REQUEST_METHOD", "GET"}, {"QUERY_STRING", "check=1&callin=home"}},
                                  {}, 30s);
  EXPECT_TRUE(contains(result.out, "command line only")) << result.out;
  EXPECT_TRUE(box.requests().empty());
}

}  // namespace
}  // namespace eecall
