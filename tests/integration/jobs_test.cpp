// Background jobs through the CGI interface (and the command line), against the simulator:
// background=1 answers 202 at once while the call goes on detached; job=ID shows its progress
// and its end; the notify reaches a small HTTP server exactly once; a server down or slow;
// cancel hangs the call up (the simulator's log shows the Hangup with the call's ChannelId);
// max_jobs; a job killed mid-way.
//
// The simulator's phones answer an alert's Originate but never play or hang up (until the
// simulator learns the lab's alert phones), so alerts here end by cancel only; calls with
// wait= and --originate-outcome / --event-delay-ms carry the rest.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <fstream>
#include <regex>
#include <thread>

#include "support/answer.hpp"
#include "support/http_recorder.hpp"
#include "support/process.hpp"
#include "support/scratch_dir.hpp"

namespace eecall::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using json = nlohmann::json;

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    env = {{"EECALL_CONFIG", "/dev/null"},
           {"EECALL_JOBS_DIR", root + "/jobs"},
           {"EECALL_JOB_LOG", root + "/job.log"},
           {"EECALL_STATE_DIR", test_state_dir()}};  // never the machine's /var/lib/eecall
  }
  void TearDown() override {
    // No job of a test may outlive it: cancel what still runs.
    if (fs::exists(root + "/jobs")) {
      for (const auto& e : fs::directory_iterator(root + "/jobs")) {
        const auto name = e.path().filename().string();
        if (name.size() == 37 && name.ends_with(".json")) (void)cgi("job=" + name.substr(0, 32) + "&cancel=1");
      }
    }
  }

  CgiAnswer cgi(const std::string& query, ProcessResult* process = nullptr) const {
    Env e = {{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"}, {"QUERY_STRING", query}};
    for (const auto& [k, v] : env) e[k] = v;
    auto result = run_process({EECALL_BINARY}, e, {}, 30s);
    if (process != nullptr) *process = result;
    return parse_cgi_answer(result.out);
  }
  static std::string pbx(std::uint16_t port) {
    return "ip=127.0.0.1&port=" + std::to_string(port) + "&user=eedomus&secret=s3cret";
  }
  json state(const std::string& id, const std::string& extra = {}) const {
    const auto a = cgi("format=json&job=" + id + extra);
    EXPECT_EQ(a.status, 200) << a.body;
    return a.status == 200 ? json::parse(a.body) : json{};
  }
  // Reads with `read` until `done` holds, for at most `budget`.
  template <typename Read, typename Done>
  static json poll_until(const Read& read, const Done& done, std::chrono::milliseconds budget, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    json value = read();
    while (!done(value) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      value = read();
    }
    EXPECT_TRUE(done(value)) << "gave up waiting; last " << what << ": " << value.dump();
    return value;
  }
  // Polls the job's state (job=ID) until `done` holds, for at most `budget`.
  template <typename Done>
  json state_when(const std::string& id, const Done& done, std::chrono::milliseconds budget = 15s) const {
    return poll_until([&] { return state(id); }, done, budget, "state");
  }
  static bool ended(const json& s) { return s.value("state", "") != "queued" && s.value("state", "") != "running"; }
  std::string accepted_job(const std::string& query) const {
    ProcessResult p;
    const auto a = cgi(query + "&background=1", &p);
    EXPECT_EQ(a.status, 202) << a.body << p.err;
    EXPECT_EQ(a.xml("result"), "1") << a.body;
    const auto id = a.xml("job");
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << a.body;
    return id;
  }
  json file_of(const std::string& id) const {
    std::ifstream in(root + "/jobs/" + id + ".json");
    return json::parse(in);
  }
  // Polls the job file itself (never settling a dead job) until `done` holds.
  template <typename Done>
  json file_when(const std::string& id, const Done& done, std::chrono::milliseconds budget = 15s) const {
    return poll_until([&] { return file_of(id); }, done, budget, "job file");
  }
  std::string log() const {
    std::ifstream in(root + "/job.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }

  ScratchDir scratch{"jobs-it"};
  std::string root{scratch.path()};
  Env env;
};

TEST_F(Jobs, BackgroundAnswers202AtOnceWhileTheCallGoesOnThenEndsDone) {
  Simulator sim({"--event-delay-ms", "2500"});  // the phone answers after 2.5 s
  ProcessResult p;
  const auto a = cgi(pbx(sim.port()) + "&from=100&to=291&wait=10&background=1", &p);
  // run_process() returns once stdout and stderr are closed by every process holding them: the
  // job's process kept neither.
  EXPECT_LT(p.elapsed, 1000ms);
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_EQ(a.status, 202) << a.body << p.err;
  EXPECT_EQ(a.xml("result"), "1");
  EXPECT_EQ(a.xml("action"), "call");
  EXPECT_EQ(a.xml("state"), "queued");
  const auto id = a.xml("job");
  ASSERT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << a.body;
  EXPECT_NE(p.err.find("accepted as background job " + id), std::string::npos) << p.err;

  const auto running = state_when(id, [](const json& s) { return s.value("detail", "") == "ringing 100"; });
  EXPECT_EQ(running["result"], nullptr) << "no result while it runs";
  EXPECT_EQ(running["state"], "running");

  // The job's process: its own session, its standard descriptors on /dev/null.
  const auto pid = file_of(id)["pid"].get<pid_t>();
  ASSERT_GT(pid, 0);
  EXPECT_NE(::getsid(pid), ::getsid(0));
  for (const char* fd : {"0", "1", "2"}) {
    EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(pid) + "/fd/" + fd), "/dev/null") << fd;
  }

  const auto end = state_when(id, ended);
  EXPECT_EQ(end["state"], "done") << end.dump();
  EXPECT_EQ(end["result"], 1);
  EXPECT_EQ(end["reason"], 4);
  EXPECT_GE(end["elapsed_ms"].get<long long>(), 2400);
  const auto lines = log();
  EXPECT_NE(lines.find("job " + id + ": info: call from=100 to=291 wait=10s via eedomus@127.0.0.1"), std::string::npos)
      << lines;
  EXPECT_EQ(lines.find("s3cret"), std::string::npos);
}

TEST_F(Jobs, AnEndedJobAnswersTheSameEveryTime) {
  Simulator sim;
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291");
  const auto end = state_when(id, ended);
  EXPECT_EQ(end["state"], "done");
  EXPECT_EQ(end["message"], "Originate successfully queued");
  EXPECT_EQ(state(id), end);
  // XML and text too.
  const auto xml = cgi("job=" + id);
  EXPECT_EQ(xml.xml("result"), "1");
  EXPECT_EQ(xml.xml("state"), "done");
  const auto text = cgi("format=text&job=" + id);
  EXPECT_EQ(text.body.rfind("OK call job " + id + ": Originate successfully queued", 0), 0u) << text.body;
}

TEST_F(Jobs, TheNotifyReachesTheBoxExactlyOnceWithTheOutcome) {
  HttpRecorder box(200);
  env["EECALL_NOTIFY_URL"] =
      box.base_url() + "/api/set?action=periph.value&periph_id=123&value={value}&job={job}&state={state}"
                       "&api_user=U&api_secret=Xbox5ecret";
  Simulator sim({"--originate-outcome", "busy"});
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=5");
  const auto end = state_when(id, [](const json& s) { return ended(s) && s["notify"].value("state", "") != "sending"; });
  EXPECT_EQ(end["state"], "failed");
  EXPECT_EQ(end["error"], "busy");
  EXPECT_EQ(end["notify"]["state"], "sent") << end.dump();
  EXPECT_EQ(end["notify"]["http_status"], 200);
  ASSERT_EQ(box.requests().size(), 1u);
  EXPECT_EQ(box.requests()[0], "GET /api/set?action=periph.value&periph_id=123&value=0&job=" + id +
                                   "&state=failed&api_user=U&api_secret=Xbox5ecret HTTP/1.1");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(box.requests().size(), 1u) << "exactly one notify";
  const auto lines = log();
  EXPECT_NE(lines.find("notify sent: HTTP 200"), std::string::npos) << lines;
  EXPECT_NE(lines.find("api_secret=***"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("Xbox5ecret"), std::string::npos) << "the URL's secret never reaches the log";
  EXPECT_EQ(end.dump().find("Xbox5ecret"), std::string::npos);
  EXPECT_EQ(file_of(id).dump().find("Xbox5ecret"), std::string::npos);
}

TEST_F(Jobs, ANotifyServerThatIsDownOrSlowLeavesTheJobEnded) {
  HttpRecorder slow(200, HttpRecorder::Mode::stall);
  Simulator sim;
  for (const auto& url : {"http://127.0.0.1:" + std::to_string(closed_port()) + "/down?v={value}",
                          slow.base_url() + "/slow?v={value}"}) {
    env["EECALL_NOTIFY_URL"] = url;
    env["EECALL_NOTIFY_TIMEOUT"] = "1";
    const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291");
    const auto end = state_when(
        id, [](const json& s) { return ended(s) && s["notify"].value("state", "") != "sending"; }, 20s);
    EXPECT_EQ(end["state"], "done") << url;
    EXPECT_EQ(end["result"], 1);
    EXPECT_EQ(end["notify"]["state"], "failed") << end.dump();
    EXPECT_EQ(end["notify"]["tries"], 3);
  }
  EXPECT_EQ(slow.requests().size(), 3u);
}

// The ChannelId eecall gave its Originate (the simulator's log has every byte it received).
std::string channel_id_of_originate(const std::string& received) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(received, m, std::regex("Action: Originate\r\n(?:[^\r\n]+\r\n)*?ChannelId: ([^\r\n]+)")))
      << received;
  return m.size() > 1 ? m[1].str() : std::string();
}

TEST_F(Jobs, CancelHangsUpTheRingingCallByItsChannelId) {
  Simulator sim({"--originate-outcome", "none"});  // rings until hung up
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=60");
  state_when(id, [](const json& s) { return s.value("detail", "") == "ringing 100"; });
  const auto start = std::chrono::steady_clock::now();
  const auto end = state(id, "&cancel=1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(end["state"], "cancelled") << end.dump();
  EXPECT_EQ(end["result"], 0);
  EXPECT_EQ(end["error"], "cancelled");
  const auto received = sim.received();
  const auto channel_id = channel_id_of_originate(received);
  ASSERT_FALSE(channel_id.empty());
  EXPECT_NE(received.find("Action: Hangup\r\nChannel: " + channel_id + "\r\n"), std::string::npos) << received;
  EXPECT_NE(received.find("Action: Logoff"), std::string::npos) << "the job logs off after hanging up";
}

TEST_F(Jobs, CancelHangsUpAnAnsweredAlert) {
  Simulator sim;  // 107 answers and never presses a key: Read would keep it 5 x (1.3 + 30) s
  env["EECALL_ACK_TIMEOUT"] = "30";
  const auto id = accepted_job(pbx(sim.port()) + "&from=107&play=hello-world&ack=1&repeat=5");
  state_when(id, [](const json& s) { return s.value("detail", "") == "107 answered"; });
  const auto end = state(id, "&cancel=1");
  EXPECT_EQ(end["state"], "cancelled") << end.dump();
  ASSERT_EQ(end["attempts"].size(), 1u) << end.dump();
  EXPECT_EQ(end["attempts"][0]["outcome"], "cancelled");
  const auto received = sim.received();
  EXPECT_NE(received.find("Action: Hangup\r\nChannel: " + channel_id_of_originate(received) + "\r\n"),
            std::string::npos)
      << received;
}

TEST_F(Jobs, CancellingAnEndedJobChangesNothing) {
  Simulator sim;
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291");
  const auto done = state_when(id, ended);
  EXPECT_EQ(state(id, "&cancel=1"), done);
}

TEST_F(Jobs, MaxJobsRunAtOnceTheNextIs503BusyJobs) {
  Simulator sim({"--originate-outcome", "none"});
  env["EECALL_MAX_JOBS"] = "4";
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=60"));
  const auto refused = cgi(pbx(sim.port()) + "&from=100&to=291&wait=60&background=1");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.xml("error"), "busy_jobs");
  EXPECT_EQ(refused.xml("result"), "0");
  EXPECT_EQ(state(ids[0], "&cancel=1")["state"], "cancelled");
  accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=60");  // a slot is free again
}

// SIGKILL is asynchronous: the process is gone (a zombie, or reaped) a moment later, longer when
// it must first release an inotify instance (an alert's offer to the call-in). Waits at most 5 s.
void kill_and_wait_dead(pid_t pid) {
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  const auto dead = [pid] {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto end = stat.rfind(')');
    return end == std::string::npos || end + 2 >= stat.size() || stat[end + 2] == 'Z';
  };
  while (!dead() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(dead()) << "process " << pid << " still alive 5 s after SIGKILL";
}

TEST_F(Jobs, AJobKilledMidWayReadsAsFailed) {
  Simulator sim({"--originate-outcome", "none"});
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=60");
  state_when(id, [](const json& s) { return s.value("detail", "") == "ringing 100"; });
  const auto pid = file_of(id)["pid"].get<pid_t>();
  ASSERT_GT(pid, 0);
  kill_and_wait_dead(pid);
  const auto end = state_when(id, ended, 5s);
  EXPECT_EQ(end["state"], "failed");
  EXPECT_EQ(end["error"], "internal_error");
  EXPECT_NE(end["message"].get<std::string>().find("ended without finishing"), std::string::npos) << end.dump();
  EXPECT_EQ(file_of(id)["state"], "failed");
}

// Issue 19 item 12: a job killed by the OOM killer, a reboot or kill -9 read `failed` but told
// the box nothing. Two status requests at once find it dead: one settles it and sends its
// failure notify, the other sees that; the box gets exactly one.
TEST_F(Jobs, AJobKilledIsSettledOnceAndItsFailureNotifiedOnce) {
  HttpRecorder box(200);
  env["EECALL_NOTIFY_URL"] = box.base_url() + "/api/set?periph_id=123&value={value}&job={job}&state={state}";
  env["EECALL_ACK_TIMEOUT"] = "30";
  Simulator sim;  // 107 answers and never presses a key
  const auto id = accepted_job(pbx(sim.port()) + "&from=107&play=hello-world&ack=1&repeat=5");
  state_when(id, [](const json& s) { return s.value("detail", "") == "107 answered"; });
  const auto pid = file_of(id)["pid"].get<pid_t>();
  ASSERT_GT(pid, 0);
  kill_and_wait_dead(pid);

  auto first = std::async(std::launch::async, [&] { return cgi("format=json&job=" + id); });
  auto second = std::async(std::launch::async, [&] { return cgi("format=json&job=" + id); });
  for (auto* answer : {&first, &second}) {
    const auto a = answer->get();
    ASSERT_EQ(a.status, 200) << a.body;
    const auto s = json::parse(a.body);
    EXPECT_EQ(s["state"], "failed") << a.body;
    EXPECT_EQ(s["error"], "internal_error") << a.body;
    EXPECT_NE(s["message"].get<std::string>().find("ended without finishing (killed or crashed) while: 107 answered"),
              std::string::npos)
        << a.body;
  }
  // The settling request sent the notify before it answered: it is there already.
  ASSERT_EQ(box.requests().size(), 1u);
  EXPECT_EQ(box.requests()[0], "GET /api/set?periph_id=123&value=0&job=" + id + "&state=failed HTTP/1.1");
  const auto later = state(id);
  EXPECT_EQ(later["notify"]["state"], "sent") << later.dump();
  EXPECT_EQ(later["notify"]["http_status"], 200) << later.dump();
  EXPECT_EQ(state(id)["notify"], later["notify"]) << "settled once: read again, nothing changes";
  EXPECT_EQ(box.requests().size(), 1u) << "exactly one notify";
}

// A job that died unseen is settled (and its failure told) by the next job's process too.
TEST_F(Jobs, TheNextJobSettlesAJobThatDiedUnseen) {
  HttpRecorder box(200);
  env["EECALL_NOTIFY_URL"] = box.base_url() + "/set?value={value}&job={job}";
  Simulator sim({"--originate-outcome", "none"});
  const auto dead = accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=60");
  state_when(dead, [](const json& s) { return s.value("detail", "") == "ringing 100"; });
  kill_and_wait_dead(file_of(dead)["pid"].get<pid_t>());
  Simulator quick;
  const auto next = accepted_job(pbx(quick.port()) + "&from=100&to=291");  // never reads `dead`
  const auto requests = box.requests_when(2, 15s);
  ASSERT_EQ(requests.size(), 2u) << "the next job's own notify, then the dead one's";
  EXPECT_EQ(std::count(requests.begin(), requests.end(), "GET /set?value=0&job=" + dead + " HTTP/1.1"), 1)
      << requests[0] << " | " << requests[1];
  // The box has the request before the settling process has written its answer down: the
  // file is read (never through job=ID, which would settle it) until the notify has ended.
  const auto settled = file_when(dead, [](const json& f) { return f["notify"].value("state", "") != "sending"; });
  EXPECT_EQ(settled["state"], "failed");
  EXPECT_EQ(settled["notify"]["state"], "sent") << settled.dump();
}

// Issue 19 item 13: the box never sees a background request's 202, so the id was only in the
// web server's log: jobs=1 lists the recent jobs, newest first, without a secret.
TEST_F(Jobs, JobsListsTheRecentJobsNewestFirstWithoutSecrets) {
  Simulator sim({"--originate-outcome", "none"});
  Simulator quick;
  const auto done = accepted_job(pbx(quick.port()) + "&from=100&to=291");
  state_when(done, ended);
  const auto running = accepted_job(pbx(sim.port()) + "&from=101&to=292&wait=60");
  state_when(running, [](const json& s) { return s.value("detail", "") == "ringing 101"; });

  const auto a = cgi("format=json&jobs=1");
  ASSERT_EQ(a.status, 200) << a.body;
  const auto list = json::parse(a.body);
  EXPECT_EQ(list["result"], 1);
  ASSERT_EQ(list["jobs"].size(), 2u) << a.body;
  EXPECT_EQ(list["jobs"][0]["id"], running) << "newest first";
  EXPECT_EQ(list["jobs"][0]["state"], "running");
  EXPECT_EQ(list["jobs"][0]["result"], nullptr);
  EXPECT_EQ(list["jobs"][0]["to"], "292");
  EXPECT_EQ(list["jobs"][1]["id"], done);
  EXPECT_EQ(list["jobs"][1]["state"], "done");
  EXPECT_EQ(list["jobs"][1]["action"], "call");
  EXPECT_EQ(list["jobs"][1]["result"], 1);
  EXPECT_TRUE(std::regex_match(list["jobs"][1]["started"].get<std::string>(),
                               std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")))
      << a.body;
  EXPECT_EQ(a.body.find("s3cret"), std::string::npos);
  const auto xml = cgi("jobs=1");
  EXPECT_NE(xml.body.find("<jobs><job><id>" + running + "</id><state>running</state><action>call</action>"),
            std::string::npos)
      << xml.body;

  Env e = env;
  const auto text = run_process({EECALL_BINARY, "--jobs"}, e);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind(running + " ", 0), 0u) << text.out;
  EXPECT_NE(text.out.find(" call to 291 done "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("OK: 2 jobs, newest first"), std::string::npos) << text.out;

  const auto config = root + "/eecall.conf";
  std::ofstream(config) << "[general]\ntoken = a-token-of-twenty-chars\n";
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);
  env["EECALL_CONFIG"] = config;
  EXPECT_EQ(cgi("jobs=1").status, 403) << "guarded like job=ID";
  EXPECT_EQ(cgi("jobs=1&token=a-token-of-twenty-chars").status, 200);
}

TEST_F(Jobs, AJobObeysTheRequestsDeadline) {
  Simulator sim({"--originate-outcome", "none"});
  env["EECALL_TIMEOUT"] = "2";
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291&wait=2");
  const auto end = state_when(id, ended, 10s);
  EXPECT_EQ(end["error"], "timeout") << end.dump();
  EXPECT_LT(end["elapsed_ms"].get<long long>(), 5000);
}

TEST_F(Jobs, ARefusedBackgroundRequestIsAnsweredLikeAnyOtherAndStartsNothing) {
  const auto a = cgi("ip=127.0.0.1&user=eedomus&secret=s3cret&from=SIP/x&to=291&background=1");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.xml("parameter"), "from");
  EXPECT_TRUE(!fs::exists(root + "/jobs") || fs::is_empty(root + "/jobs"));
}

TEST_F(Jobs, UnknownAndMalformedIds) {
  Simulator sim;
  accepted_job(pbx(sim.port()) + "&from=100&to=291");  // the directory exists
  const auto unknown = cgi("job=0123456789abcdef0123456789abcdef");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.xml("error"), "unknown_job");
  const auto bad = cgi("job=../../etc/passwd");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.xml("error"), "invalid_parameter");
  EXPECT_EQ(bad.xml("parameter"), "job");
}

TEST_F(Jobs, AStatusRequestNeedsTheTokenLikeAnyRequest) {
  Simulator sim;
  const auto id = accepted_job(pbx(sim.port()) + "&from=100&to=291");
  const auto config = root + "/eecall.conf";
  std::ofstream(config) << "[general]\ntoken = a-token-of-twenty-chars\n";
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);
  env["EECALL_CONFIG"] = config;
  EXPECT_EQ(cgi("job=" + id).status, 403);
  EXPECT_EQ(cgi("job=" + id + "&token=a-token-of-twenty-chars").status, 200);
}

TEST_F(Jobs, CommandLineBackgroundJobAndCancel) {
  Simulator sim({"--originate-outcome", "none"});
  Env e = env;
  e["EECALL_SECRET"] = "s3cret";
  const std::vector<std::string> call = {EECALL_BINARY, "--format", "json", "--ip", "127.0.0.1", "--port",
                                         std::to_string(sim.port()), "--user", "eedomus", "--from", "100",
                                         "--to", "291", "--wait", "60", "--background"};
  const auto started = run_process(call, e, {}, 10s);
  EXPECT_EQ(started.exit_code, 0) << started.err;
  EXPECT_LT(started.elapsed, 1000ms);
  const auto accepted = json::parse(started.out);
  EXPECT_EQ(accepted["result"], 1);
  const auto id = accepted["job"].get<std::string>();
  state_when(id, [](const json& s) { return s.value("detail", "") == "ringing 100"; });
  const auto asked = run_process({EECALL_BINARY, "--format", "text", "--job", id}, e);
  EXPECT_EQ(asked.exit_code, 0);
  EXPECT_EQ(asked.out.rfind("RUNNING call job " + id + ": ringing 100", 0), 0u) << asked.out;
  const auto cancelled = run_process({EECALL_BINARY, "--format", "json", "--job", id, "--cancel"}, e);
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_EQ(json::parse(cancelled.out)["state"], "cancelled") << cancelled.out;
  EXPECT_EQ(run_process({EECALL_BINARY, "--job", "0123456789abcdef0123456789abcdef"}, e).exit_code, 2);
}

}  // namespace
}  // namespace eecall::test
