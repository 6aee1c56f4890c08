// The background jobs' state files: ids checked before any file is touched, atomic writes, the
// bounds of what is kept, max_jobs, and a job whose process died (a real child killed with
// SIGKILL) read as failed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "eecall/jobs/job_store.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class JobStoreTest : public ::testing::Test {
 protected:

  JobRecord created(int max_jobs = 4) {
    auto r = JobStore(dir).create(ActionKind::alert, max_jobs);
    if (!r) {
      ADD_FAILURE() << r.failure().message;
      return {};
    }
    return r.value();
  }
  nlohmann::json file_of(const std::string& id) const {
    std::ifstream in(dir + "/" + id + ".json");
    return nlohmann::json::parse(in);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    return out;
  }

  test::ScratchDir scratch{"jobs-test"};
  std::string root{scratch.path()};
  std::string dir = root + "/jobs";  // created by the store
};

TEST(JobId, Is128RandomBitsInLowerCaseHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = new_job_id();
    ASSERT_TRUE(id.ok());
    EXPECT_TRUE(is_job_id(id.value())) << id.value();
    seen.insert(id.value());
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(JobId, OnlyThirtyTwoLowerCaseHexDigits) {
  EXPECT_TRUE(is_job_id("0123456789abcdef0123456789abcdef"));
  for (const char* bad : {"", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
                          "0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcdeg",
                          "../../../../../../../../etc/passw", "0123456789abcdef/123456789abcdef",
                          "0123456789abcdef0123456789abcde\n"}) {
    EXPECT_FALSE(is_job_id(bad)) << bad;
  }
}

TEST_F(JobStoreTest, ABadIdIsRefusedBeforeAnyFileIsTouched) {
  // The directory does not even exist: a refusal that touched it would say unknown_job.
  auto r = JobStore(dir).read("../jobs-test/secret");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::invalid_parameter);
  EXPECT_EQ(r.failure().subject, "job");
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(JobStoreTest, AnUnknownIdIsUnknownJob) {
  created();
  auto r = JobStore(dir).read("0123456789abcdef0123456789abcdef");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::unknown_job);
}

TEST_F(JobStoreTest, CreateMakesThePrivateDirectoryAndAQueuedRecord) {
  const auto job = created();
  ASSERT_TRUE(is_job_id(job.id));
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir + "/" + job.id + ".json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = JobStore(dir).read(job.id);
  ASSERT_TRUE(read.ok()) << read.failure().message;
  EXPECT_EQ(read.value().state, JobState::queued);
  EXPECT_EQ(read.value().action, ActionKind::alert);
  EXPECT_EQ(read.value().process.pid, 0);
}

TEST_F(JobStoreTest, WritesReplaceTheFileWholeAndLeaveNoTemporaryFile) {
  auto job = created();
  job.state = JobState::done;
  job.process = current_process();
  job.outcome.error = ErrorCode::none;
  job.outcome.message = "105 acknowledged with 1";
  job.outcome.acknowledged_by = "105";
  job.outcome.reason = 4;
  job.outcome.elapsed = 2510ms;
  job.outcome.attempts = {{"108", AttemptOutcome::busy, 12ms, "busy", {}, {}},
                          {"109", AttemptOutcome::voicemail, 2600ms, "answering machine", "MACHINE", "MAXWORDS-3-2"},
                          {"105", AttemptOutcome::acknowledged, 2500ms, "answered and pressed 1", {}, {}}};
  job.notify = NotifyReport{"sent", 1, 200, "HTTP 200"};
  ASSERT_FALSE(JobStore(dir).write(job));
  EXPECT_EQ(names(), std::vector<std::string>{job.id + ".json"});

  auto read = JobStore(dir).read(job.id);
  ASSERT_TRUE(read.ok()) << read.failure().message;
  const auto& r = read.value();
  EXPECT_EQ(r.state, JobState::done);
  EXPECT_EQ(r.outcome.message, "105 acknowledged with 1");
  EXPECT_EQ(r.outcome.acknowledged_by, "105");
  EXPECT_EQ(r.outcome.reason, 4);
  EXPECT_EQ(r.outcome.elapsed, 2510ms);
  ASSERT_EQ(r.outcome.attempts.size(), 3u);
  EXPECT_EQ(r.outcome.attempts[0].outcome, AttemptOutcome::busy);
  EXPECT_TRUE(r.outcome.attempts[0].amd_status.empty());
  EXPECT_EQ(r.outcome.attempts[1].outcome, AttemptOutcome::voicemail);  // amd (issue 21): the verdict is kept
  EXPECT_EQ(r.outcome.attempts[1].amd_status, "MACHINE");
  EXPECT_EQ(r.outcome.attempts[1].amd_cause, "MAXWORDS-3-2");
  EXPECT_EQ(r.outcome.attempts[2].phone, "105");
  ASSERT_TRUE(r.notify);
  EXPECT_EQ(r.notify->state, "sent");
  EXPECT_EQ(r.notify->http_status, 200);
  EXPECT_EQ(r.process.pid, ::getpid());
}

TEST_F(JobStoreTest, AReaderNeverSeesAHalfWrittenFile) {
  auto job = created();
  job.state = JobState::running;
  job.process = current_process();
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    for (int i = 0; i < 2000; ++i) {
      job.detail = "ringing " + std::string(static_cast<std::size_t>(i % 300), 'x');
      (void)JobStore(dir).write(job);
    }
    ::_exit(0);
  }
  int complete = 0;
  for (int i = 0; i < 2000; ++i) {
    auto r = JobStore(dir).read(job.id);
    ASSERT_TRUE(r.ok()) << r.failure().message;  // a torn file would be "damaged"
    ++complete;
  }
  ::waitpid(writer, nullptr, 0);
  EXPECT_EQ(complete, 2000);
}

TEST_F(JobStoreTest, MaxJobsLiveJobsThenBusyJobs) {
  for (int i = 0; i < 3; ++i) created(3);  // queued, just created: live
  auto refused = JobStore(dir).create(ActionKind::call, 3);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().code, ErrorCode::busy_jobs);
  EXPECT_NE(refused.failure().message.find("max_jobs 3"), std::string::npos) << refused.failure().message;
  EXPECT_EQ(names().size(), 3u);
}

TEST_F(JobStoreTest, EndedJobsDoNotCountAgainstMaxJobs) {
  auto job = created(1);
  job.state = JobState::failed;
  ASSERT_FALSE(JobStore(dir).write(job));
  EXPECT_TRUE(JobStore(dir).create(ActionKind::call, 1).ok());
}

TEST_F(JobStoreTest, OldEndedJobsAreRemovedAndTheCountIsBounded) {
  const auto live = created();
  // 250 ended jobs: 50 older than a day, 200 recent.
  std::vector<std::string> old_ids, recent_ids;
  for (int i = 0; i < 250; ++i) {
    auto job = created(1000);
    job.state = JobState::done;
    ASSERT_FALSE(JobStore(dir).write(job));
    const auto path = dir + "/" + job.id + ".json";
    const auto age = i < 50 ? std::chrono::hours(25) + std::chrono::minutes(i) : std::chrono::minutes(250 - i);
    fs::last_write_time(path, fs::file_time_type::clock::now() - age);
    (i < 50 ? old_ids : recent_ids).push_back(job.id);
  }
  const auto newest = created();
  const auto kept = names();
  EXPECT_LE(kept.size(), job_keep_count);
  const std::set<std::string> files(kept.begin(), kept.end());
  for (const auto& id : old_ids) EXPECT_FALSE(files.count(id + ".json")) << "older than a day: " << id;
  EXPECT_TRUE(files.count(live.id + ".json")) << "a live job is never removed";
  EXPECT_TRUE(files.count(newest.id + ".json"));
  EXPECT_TRUE(files.count(recent_ids.back() + ".json")) << "the most recent ended jobs are kept";
  EXPECT_FALSE(files.count(recent_ids.front() + ".json")) << "the oldest go first beyond the count";
}

TEST_F(JobStoreTest, AJobWhoseProcessWasKilledReadsAsFailedAndTheFileSaysSo) {
  auto job = created();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  job.state = JobState::running;
  job.detail = "ringing 100";
  job.process = {child, 0};
  for (int i = 0; i < 100 && job.process.start_time == 0; ++i) {  // the child's own start time
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int n = 3; n < 22; ++n) fields >> field;
    fields >> job.process.start_time;
  }
  ASSERT_TRUE(is_running(job.process));
  ASSERT_FALSE(JobStore(dir).write(job));
  auto before = JobStore(dir).read(job.id);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before.value().state, JobState::running);

  ASSERT_EQ(::kill(child, SIGKILL), 0);
  for (int i = 0; i < 200 && is_running(job.process); ++i) ::usleep(10000);  // a zombie is not running
  EXPECT_FALSE(is_running(job.process));
  auto after = JobStore(dir).read(job.id);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(after.ok()) << after.failure().message;
  EXPECT_EQ(after.value().state, JobState::failed);
  EXPECT_EQ(after.value().outcome.error, ErrorCode::internal_error);
  EXPECT_NE(after.value().outcome.message.find("ended without finishing"), std::string::npos);
  EXPECT_NE(after.value().outcome.message.find("ringing 100"), std::string::npos);
  const auto file = file_of(job.id);
  EXPECT_EQ(file["state"], "failed") << "the file is rewritten, not only the answer";
  EXPECT_EQ(file["outcome"]["error"], "internal_error");
}

TEST_F(JobStoreTest, AReusedPidIsNotTheJobsProcess) {
  auto job = created();
  job.state = JobState::running;
  job.process = current_process();  // this very process, alive...
  ASSERT_TRUE(is_running(job.process));
  job.process.start_time += 1;  // ...but started at another time: another process
  ASSERT_FALSE(JobStore(dir).write(job));
  auto r = JobStore(dir).read(job.id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state, JobState::failed);
}

TEST_F(JobStoreTest, AQueuedJobWhoseProcessNeverStartedEndsAfterTheGrace) {
  auto job = created();
  job.created = std::chrono::system_clock::now() - job_start_grace - 1s;
  ASSERT_FALSE(JobStore(dir).write(job));
  auto r = JobStore(dir).read(job.id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().state, JobState::failed);
  EXPECT_NE(r.value().outcome.message.find("never started"), std::string::npos);
}

TEST_F(JobStoreTest, ADirectoryOthersMayWriteIsRefused) {
  created();
  ASSERT_EQ(::chmod(dir.c_str(), 0770), 0);
  auto r = JobStore(dir).create(ActionKind::call, 4);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::config_error);
  EXPECT_NE(r.failure().message.find("chmod 0700"), std::string::npos);
}

TEST_F(JobStoreTest, BytesFromAPbxThatAreNotUtf8AreStoredNotThrown) {
  auto record = created();
  record.state = JobState::failed;
  record.outcome.error = ErrorCode::action_failed;
  record.outcome.message = "Message failed \xff\xfe to send";  // a fake AMI after login
  record.outcome.channel = "PJSIP/\xe9-1";
  ASSERT_EQ(JobStore(dir).write(record), std::nullopt);
  const auto back = JobStore(dir).read(record.id);
  ASSERT_TRUE(back.ok()) << back.failure().message;
  EXPECT_EQ(back.value().state, JobState::failed);
  EXPECT_EQ(back.value().outcome.message, "Message failed \xef\xbf\xbd\xef\xbf\xbd to send");
}

TEST_F(JobStoreTest, ADamagedFileIsAnInternalErrorNotACrash) {
  const auto job = created();
  std::ofstream(dir + "/" + job.id + ".json") << "{\"job\": \"" << job.id << "\", \"state\": ";
  auto r = JobStore(dir).read(job.id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().code, ErrorCode::internal_error);
  EXPECT_NE(r.failure().message.find("damaged"), std::string::npos);
}

// fuzz/job_file_fuzz.cpp found these: a number past what its field can hold overflowed on
// its way to the clock (created_ms in nanoseconds) or to an int (a float reason).
TEST_F(JobStoreTest, ANumberOutOfItsFieldsRangeIsDamagedNotOverflowed) {
  const auto job = created();
  for (const std::string field : {"\"created_ms\": 17650000000100", "\"pid\": 1e300", "\"pid\": -1",
                                  "\"start_time\": -5", "\"created_ms\": 1.5"}) {
    std::ofstream(dir + "/" + job.id + ".json") << "{\"job\": \"" << job.id << "\", \"state\": \"queued\", " << field << "}";
    auto r = JobStore(dir).read(job.id);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.failure().code, ErrorCode::internal_error) << field;
    EXPECT_NE(r.failure().message.find("is not a whole number"), std::string::npos) << r.failure().message;
  }
}

// Issue 19 item 7: `sudo eecall --background` wrote root:root 0600 files in the web server's
// jobs_dir, and job=ID over HTTP (as that user) answered 500. Root only: the test gives the
// directory to `nobody` and reads the job as `nobody` in a child process.
TEST_F(JobStoreTest, AsRootTheFilesGoToTheDirectorysOwnerWhoCanReadThem) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (to write as root into another user's directory)";
  const passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(::chown(dir.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
  const auto job = created();
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/" + job.id + ".json").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, nobody->pw_uid);
  EXPECT_EQ(st.st_gid, nobody->pw_gid);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  const pid_t reader = ::fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    if (::setgid(nobody->pw_gid) != 0 || ::setuid(nobody->pw_uid) != 0) ::_exit(3);
    ::_exit(JobStore(dir).read(job.id).ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(reader, &status, 0), reader);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the directory's owner could not read the job root wrote";
}

}  // namespace
}  // namespace eecall
