// The background-job front end in-process: its parameters, a job's run (state written at each
// step the plan reports, the end, the notify sent once), a cancel that came before the start,
// and the answers about a job. The detached process itself is tested through the program
// (tests/integration/jobs_test.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "eecall/jobs/jobs.hpp"
#include "eecall/action/render.hpp"
#include "support/http_recorder.hpp"
#include "support/scratch_dir.hpp"

namespace eecall {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string id = "0123456789abcdef0123456789abcdef";

Params with(std::initializer_list<std::pair<const char*, const char*>> pairs) {
  Params p;
  for (const auto& [k, v] : pairs) p.emplace_back(k, v);
  return p;
}

TEST(JobParams, NoneMeansARequestToRunNow) {
  auto p = job_params(with({{"from", "100"}, {"background", ""}, {"cancel", "0"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.value().background);
  EXPECT_TRUE(p.value().job.empty());
}

TEST(JobParams, BackgroundJobAndCancel) {
  EXPECT_TRUE(job_params(with({{"background", "1"}})).value().background);
  auto p = job_params(with({{"job", id.c_str()}, {"cancel", "1"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().job, id);
  EXPECT_TRUE(p.value().cancel);
}

TEST(JobParams, JobsAsksForTheList) {
  EXPECT_TRUE(job_params(with({{"jobs", "1"}})).value().list);
  EXPECT_FALSE(job_params(with({{"jobs", "0"}})).value().list);
}

TEST(JobParams, EveryMisuseIsInvalidParameterNamingIt) {
  const std::pair<Params, const char*> cases[] = {
      {with({{"background", "yes"}}), "background"},
      {with({{"background", "1"}, {"background", "0"}}), "background"},
      {with({{"cancel", "1"}}), "cancel"},
      {with({{"job", "0123456789ABCDEF0123456789ABCDEF"}}), "job"},
      {with({{"job", "../../etc/passwd"}}), "job"},
      {with({{"job", id.c_str()}, {"background", "1"}}), "background"},
      {with({{"jobs", "2"}}), "jobs"},
      {with({{"jobs", "1"}, {"job", id.c_str()}}), "jobs"},
      {with({{"jobs", "1"}, {"background", "1"}}), "jobs"},
  };
  for (const auto& [params, subject] : cases) {
    auto p = job_params(params);
    ASSERT_FALSE(p.ok()) << subject;
    EXPECT_EQ(p.failure().code, ErrorCode::invalid_parameter);
    EXPECT_EQ(p.failure().subject, subject);
  }
}

class RunJob : public ::testing::Test {
 protected:
  void SetUp() override {
    prepared.start = std::chrono::steady_clock::now();
    prepared.settings.jobs.dir = root + "/jobs";
    prepared.settings.notify.module = EECALL_NOTIFY_MODULE;
    prepared.settings.notify.timeout = 1s;
    Request r;
    r.action = ActionKind::alert;
    r.host = "127.0.0.1";
    r.user = "eedomus";
    r.secret = "s3cret";
    r.from = "108,105";
    r.phones = {"108", "105"};
    prepared.request = r;
    auto created = JobStore(prepared.settings.jobs.dir).create(ActionKind::alert, 4);
    ASSERT_TRUE(created.ok()) << created.failure().message;
    record = created.value();
  }

  JobRecord stored() {
    auto r = JobStore(prepared.settings.jobs.dir).read(record.id);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : JobRecord{};
  }

  test::ScratchDir scratch{"run-job"};
  std::string root{scratch.path()};
  Prepared prepared;
  JobRecord record;
};

TEST_F(RunJob, EachReportedStepIsWrittenThenTheEnd) {
  std::vector<std::pair<JobState, std::string>> seen;
  const Executor executor = [&](const Request&, const ami::ClientSettings& settings) {
    using Step = ami::Progress::Step;
    const auto step = [&](Step s, const char* phone, std::optional<AttemptOutcome> o = std::nullopt) {
      settings.on_progress(ami::Progress{s, phone, "eecall-x-2", o});
      const auto now = stored();
      seen.emplace_back(now.state, now.detail);
    };
    step(Step::ringing, "108");
    step(Step::attempt_ended, "108", AttemptOutcome::busy);
    step(Step::ringing, "105");
    step(Step::answered, "105");
    EXPECT_GE(settings.cancel_fd, 0) << "the job's cancel reaches the session";
    Outcome o;
    o.action = ActionKind::alert;
    o.acknowledged_by = "105";
    o.message = "105 acknowledged with 1";
    return o;
  };
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  run_job(record, prepared, executor, pipe_fds[0]);
  const std::vector<std::pair<JobState, std::string>> expected = {{JobState::running, "ringing 108"},
                                                                  {JobState::running, "108: busy"},
                                                                  {JobState::running, "ringing 105"},
                                                                  {JobState::running, "105 answered"}};
  EXPECT_EQ(seen, expected);
  const auto end = stored();
  EXPECT_EQ(end.state, JobState::done);
  EXPECT_EQ(end.outcome.acknowledged_by, "105");
  EXPECT_EQ(end.process.pid, ::getpid());
  EXPECT_FALSE(end.notify) << "no notify_url, no notify";
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_F(RunJob, TheNotifyIsSentOnceWithTheOutcomeAndRecordedWithoutSecrets) {
  test::HttpRecorder box(200);
  prepared.settings.notify.url_template =
      box.base_url() + "/api/set?periph_id=123&value={value}&by={acknowledged_by}&job={job}&api_secret=S3cr3t";
  prepared.settings.notify.values["not_acknowledged"] = "2";
  const Executor nobody = [](const Request&, const ami::ClientSettings&) {
    Outcome o;
    o.action = ActionKind::alert;
    o.error = ErrorCode::not_acknowledged;
    o.message = "nobody acknowledged after 2 calls";
    return o;
  };
  run_job(record, prepared, nobody, -1);
  ASSERT_EQ(box.requests().size(), 1u);
  EXPECT_EQ(box.requests()[0], "GET /api/set?periph_id=123&value=2&by=&job=" + record.id + "&api_secret=S3cr3t HTTP/1.1");
  const auto end = stored();
  EXPECT_EQ(end.state, JobState::failed);
  EXPECT_EQ(end.outcome.error, ErrorCode::not_acknowledged);
  ASSERT_TRUE(end.notify);
  EXPECT_EQ(end.notify->state, "sent");
  EXPECT_EQ(end.notify->tries, 1);
}

TEST_F(RunJob, ACancelBeforeTheStartSendsNothing) {
  bool ran = false;
  const Executor executor = [&](const Request&, const ami::ClientSettings&) {
    ran = true;
    return Outcome{};
  };
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ASSERT_EQ(::write(pipe_fds[1], "x", 1), 1);
  run_job(record, prepared, executor, pipe_fds[0]);
  EXPECT_FALSE(ran);
  const auto end = stored();
  EXPECT_EQ(end.state, JobState::cancelled);
  EXPECT_EQ(end.outcome.error, ErrorCode::cancelled);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(JobAnswer, ARunningJobHasNoResultYetAndSaysWhatItDoes) {
  JobRecord r;
  r.id = id;
  r.state = JobState::running;
  r.action = ActionKind::alert;
  r.detail = "ringing 105";
  r.created = std::chrono::system_clock::now() - 3s;
  const auto a = job_answer(r);
  EXPECT_EQ(http_status(a.error, a.answer), 200);
  EXPECT_EQ(exit_status(a.error, a.answer), 0);
  const auto xml = render_xml(a);
  EXPECT_NE(xml.find("<result/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<job>" + id + "</job><state>running</state><detail>ringing 105</detail>"), std::string::npos) << xml;
  EXPECT_NE(render_json(a).find(R"("result":null)"), std::string::npos) << render_json(a);
  EXPECT_EQ(render_text(a).rfind("RUNNING alert job " + id + ": ringing 105 [", 0), 0u) << render_text(a);
}

TEST(JobAnswer, AnEndedJobGivesTheRequestsOwnAnswer) {
  JobRecord r;
  r.id = id;
  r.state = JobState::failed;
  r.action = ActionKind::alert;
  r.outcome.error = ErrorCode::not_acknowledged;
  r.outcome.message = "nobody acknowledged after 1 call";
  r.outcome.attempts = {{"107", AttemptOutcome::not_acknowledged, 14s, "answered, but 1 was not pressed", {}, {}}};
  r.notify = NotifyReport{"sent", 1, 200, "HTTP 200"};
  const auto a = job_answer(r);
  EXPECT_EQ(http_status(a.error, a.answer), 200) << "the status request itself succeeded";
  const auto json = render_json(a);
  for (const char* part : {R"("result":0)", R"("error":"not_acknowledged")", R"("state":"failed")",
                           R"("notify":{"state":"sent","tries":1,"http_status":200,"message":"HTTP 200"})",
                           R"("outcome":"not_acknowledged")"}) {
    EXPECT_NE(json.find(part), std::string::npos) << part << " in " << json;
  }
}

TEST(JobAnswer, DoneIsResultOne) {
  JobRecord r;
  r.id = id;
  r.state = JobState::done;
  r.outcome.message = "answered";
  EXPECT_NE(render_xml(job_answer(r)).find("<result>1</result>"), std::string::npos);
}

}  // namespace
}  // namespace eecall
