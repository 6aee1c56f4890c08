// An alert's answered call with answering-machine detection (issue 21), driven over AsyncAGI:
// EXEC AMD, read AMDSTATUS/AMDCAUSE, then by the verdict: a machine is left (hang up, or the
// prompt once after its greeting), a person (or NOTSURE) hears the prompt as without amd (Read
// for the key, or Playback), then HANGUP. A waited call's person is instead sent to `to` (AMI
// Redirect, u10) and stays up. A channel in AsyncAGI stays up until told (u8): every other way
// out of this file ends the call.
#include <spdlog/spdlog.h>

#include "eecall/ami/async_agi.hpp"
#include "eecall/ami/call_watch.hpp"
#include "plans.hpp"

namespace eecall::ami {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool uses_amd(const Request& request, const ClientSettings& settings) {
  // A call: only when asked (amd=1 with wait); the admin's `amd` default is the alerts'.
  if (request.action == ActionKind::call) return request.wait.count() > 0 && request.alert.amd.value_or(false);
  return request.action == ActionKind::alert && request.alert.amd.value_or(settings.alert.amd.enabled);
}

namespace {

// The longest a machine's greeting may go on after AMD's verdict before the prompt is left.
constexpr seconds greeting_end_timeout{20};
constexpr milliseconds greeting_end_silence{1000};

// One command's answer, or nullopt when the call ended before it came.
using CommandReply = Result<std::optional<AgiReply>>;

class AmdCall {
 public:
  AmdCall(Session& session, const Request& request, const ClientSettings& settings, CallWatch& call, AgiWatch& agi,
          const std::string& phone, const std::string& channel_id, Clock::time_point deadline)
      : session_(session), request_(request), settings_(settings), call_(call), agi_(agi), phone_(phone),
        channel_id_(channel_id), deadline_(deadline) {}

  AmdOutcome run() {
    if (started() && detect()) act_on_verdict();
    if (!connected_) end_call();
    return out_;
  }

 private:
  // AsyncAGIStart may come before or after the OriginateResponse (u1, u6): wait for it briefly.
  bool started() {
    auto failed = wait_for([&] { return agi_.started() || gone(); }, "asyncagi", session_.step_deadline());
    if (failed) {
      if (failed->code == ErrorCode::timeout) {
        failed->message = "the call to " + phone_ +
                          " was answered but never entered AsyncAGI: amd needs Asterisk's res_agi module and "
                          "an AMI user with read = agi (eecall --check tells which)";
        failed->code = ErrorCode::call_failed;
      }
      return stop(std::move(*failed));
    }
    if (gone()) return hung_up("hung up as soon as it answered");
    return true;
  }

  // EXEC AMD, then its verdict and cause.
  bool detect() {
    const auto limit = std::min(Clock::now() + settings_.alert.amd.total_time + seconds(5), deadline_);
    auto done = command(agi_amd_command(settings_.alert.amd), "amd", limit);
    if (!done) return stop(done.failure());
    if (!done.value()) return hung_up("hung up during answering-machine detection");
    auto status = variable("AMDSTATUS");
    if (!status) return false;
    auto cause = variable("AMDCAUSE");
    if (!cause) return false;
    out_.amd_status = *status;
    out_.amd_cause = *cause;
    return true;
  }

  void act_on_verdict() {
    const auto verdict = " (AMD: " + out_.amd_status + (out_.amd_cause.empty() ? "" : ", " + out_.amd_cause) + ")";
    if (out_.amd_status == "HANGUP") {
      hung_up("hung up during answering-machine detection" + verdict);
    } else if (out_.amd_status == "MACHINE") {
      voicemail(verdict);
    } else if (request_.action == ActionKind::call) {
      connect(verdict);  // a waited call: the person is connected to `to`, as without amd
    } else {
      prompt(verdict);  // HUMAN, NOTSURE (or a status this version does not know): a person may listen
    }
  }

  // A machine: not reached. skip: hang up now; leave: the prompt once after its greeting.
  void voicemail(const std::string& verdict) {
    out_.outcome = AttemptOutcome::voicemail;
    // not reached: an alert moves on; a waited call answers no_answer, step amd, and says why.
    out_.error = ErrorCode::no_answer;
    out_.detail = "answering machine" + verdict;
    if (request_.alert.voicemail == VoicemailAction::skip) {
      out_.detail += "; eecall hung up";
      return;
    }
    const auto greeting_limit = std::min(Clock::now() + greeting_end_timeout + seconds(5), deadline_);
    auto waited = command(agi_wait_for_silence_command(greeting_end_silence, greeting_end_timeout), "greeting",
                          greeting_limit);
    if (!waited) return (void)stop(waited.failure());
    if (!waited.value()) return (void)(out_.detail += "; it hung up before the prompt was left");
    auto played = command(agi_playback_command(request_, 1), "prompt", prompt_deadline());
    if (!played) return (void)stop(played.failure());
    out_.detail += played.value() ? "; the prompt was left once after its greeting"
                                  : "; it hung up while the prompt was being left";
  }

  // A waited call's person (or not sure): to `to` in the dialplan context a call without amd
  // starts in. AGI's Goto would not do: the Originate's application channel hangs up when its
  // AGI ends (tests/data/README.md, u10); the Redirect ends the AGI and the call goes on.
  void connect(const std::string& verdict) {
    auto moved = session_.request(
        make_redirect(channel_id_, settings_.call.context, request_.to, session_.next_id("redirect")), "connect");
    if (!moved) {
      auto failure = moved.failure();
      if (failure.code == ErrorCode::permission_denied) {
        failure.message = "Asterisk refused the Redirect to " + request_.to +
                          " (Permission denied): a waited call with amd needs an AMI user with write = call; "
                          "eecall hung the call up";
      }
      failure.subject = "amd";
      return (void)stop(std::move(failure));
    }
    connected_ = true;
    out_.outcome = AttemptOutcome::answered;
    out_.error = ErrorCode::none;
    out_.detail = "answered" + verdict + "; connected to " + request_.to;
  }

  // A person (or not sure): the prompt as without amd; with ack, Read and the key.
  void prompt(const std::string& verdict) {
    out_.outcome = AttemptOutcome::answered;
    out_.error = ErrorCode::none;
    const auto& a = request_.alert;
    if (!a.ack) {
      auto played = command(agi_playback_command(request_, a.repeat), "prompt", prompt_deadline());
      if (!played) return (void)stop(played.failure());
      if (played.value() && variable_or_gone("PLAYBACKSTATUS") == "FAILED") return playback_failed();
      out_.detail = "answered; the prompt was played" + verdict;
      return;
    }
    auto read = command(agi_read_command(request_, settings_.alert), "prompt", prompt_deadline());
    if (!read) return (void)stop(read.failure());
    const auto key = read.value() ? variable_or_gone(std::string(ack_variable)) : std::string();
    const auto wanted = std::string(1, *a.ack);
    if (!key.empty() && key == wanted) {
      out_.outcome = AttemptOutcome::acknowledged;
      out_.detail = "answered and pressed " + wanted + verdict;
      return;
    }
    if (read.value() && variable_or_gone("READSTATUS") == "ERROR") return playback_failed();
    out_.outcome = AttemptOutcome::not_acknowledged;
    out_.error = ErrorCode::not_acknowledged;
    if (!key.empty()) {
      out_.detail = "answered and pressed " + key + ", not " + wanted + verdict;
    } else if (!read.value()) {
      out_.detail = "answered, then hung up before pressing " + wanted + verdict;
    } else {
      out_.detail = "answered, but " + wanted + " was not pressed" + verdict;
    }
  }

  void playback_failed() {
    out_.outcome = AttemptOutcome::playback_failed;
    out_.fatal = Failure{ErrorCode::playback_failed,
                         "the phone answered, but Asterisk could not play '" + request_.alert.prompt +
                             "' (see Asterisk's log: a missing file, or a format or rate it cannot play)",
                         "prompt"};
    out_.detail = out_.fatal->message;
  }

  // Sends one AGI command and waits for its AsyncAGIExec (nullopt: the call ended first). The
  // events read meanwhile go to the watches: none is dropped while the Response is awaited.
  CommandReply command(const std::string& text, std::string_view step, Clock::time_point deadline) {
    const auto command_id = "c" + std::to_string(++commands_);
    const auto action_id = session_.next_id("agi");
    if (auto failed = session_.send(make_agi(channel_id_, text, command_id, action_id), step)) return *failed;
    std::optional<Message> response;
    auto got = wait_for(
        [&] { return response.has_value(); }, step, std::min(session_.step_deadline(), deadline),
        [&](const Message& m) {
          if (m.is_response() && m.get_or("ActionID") == action_id) response = m;
        });
    if (got) return *got;
    if (response->get_or("Response") != "Success") {
      if (gone() || agi_.ended()) return std::optional<AgiReply>();  // "Channel ... does not exist." (u6, u7)
      return refused(action_error(*response, step));
    }
    auto ended = wait_for([&] { return agi_.reply(command_id).has_value() || gone(); }, step, deadline);
    if (ended) return *ended;
    return agi_.reply(command_id);
  }

  // GET VARIABLE: `200 result=1 (VALUE)`, `200 result=0` when unset. A call gone: stop.
  std::optional<std::string> variable(const std::string& name) {
    auto got = command("GET VARIABLE " + name, "amd", std::min(session_.step_deadline(), deadline_));
    if (!got) {
      stop(got.failure());
      return std::nullopt;
    }
    if (!got.value()) {
      hung_up("hung up during answering-machine detection");
      return std::nullopt;
    }
    return got.value()->data;
  }

  // A variable read after the prompt: empty when the call is gone or it cannot be read.
  std::string variable_or_gone(const std::string& name) {
    auto got = command("GET VARIABLE " + name, "prompt", std::min(session_.step_deadline(), deadline_));
    return got && got.value() ? got.value()->data : std::string();
  }

  // The AGI action was refused: the user's rights (Permission denied: the write class agi),
  // or res_agi missing (no AGI action at all).
  Failure refused(Failure failure) {
    if (failure.code == ErrorCode::permission_denied) {
      failure.message = "Asterisk refused the AGI action (Permission denied): amd needs an AMI user with "
                        "write = agi (besides originate, call and system); eecall hung the call up";
    } else {
      failure.message = "Asterisk refused the AGI action: " + failure.message +
                        " (amd needs the res_agi module; eecall hung the call up)";
    }
    failure.subject = "amd";
    return failure;
  }

  template <typename Done>
  Status wait_for(const Done& done, std::string_view step, Clock::time_point deadline,
                  const std::function<void(const Message&)>& also = {}) {
    if (done()) return std::nullopt;
    auto got = session_.await(
        [&](const Message& m) {
          call_.feed(m);
          agi_.feed(m);
          if (also) also(m);
          return done();
        },
        step, deadline);
    if (!got) return got.failure();
    return std::nullopt;
  }

  [[nodiscard]] bool gone() const { return call_.ended() || agi_.ended(); }

  [[nodiscard]] Clock::time_point prompt_deadline() const {
    return std::min(Clock::now() + alert_prompt_time(request_, settings_), deadline_);
  }

  bool hung_up(const std::string& detail) {
    out_.outcome = AttemptOutcome::hangup;
    out_.error = ErrorCode::hangup;
    if (out_.amd_status.empty()) out_.amd_status = "HANGUP";
    out_.detail = detail;
    return false;
  }

  // A wait or an action failed: the alert stops; a cancel is also the attempt's outcome.
  bool stop(Failure failure) {
    if (failure.code == ErrorCode::cancelled) {
      out_.outcome = AttemptOutcome::cancelled;
      failure.message = "cancelled while " + phone_ + " was on the line; eecall hung the call up";
    } else if (failure.code == ErrorCode::timeout) {
      failure.message = "the call to " + phone_ + " was answered but its " + std::string(failure.subject) +
                        " step had not ended by its deadline; eecall hung it up";
    }
    out_.detail = failure.message;
    out_.fatal = std::move(failure);
    return false;
  }

  // Always: AGI HANGUP while the call is in AsyncAGI and nothing failed; else (or if it does
  // not end within a second) an AMI Hangup by the ChannelId, which works even after a cancel.
  void end_call() {
    if (!gone() && !out_.fatal && !session_.cancelled()) {
      const auto grace = std::min(Clock::now() + seconds(1), session_.total_deadline());
      auto hung = command("HANGUP", "hangup", grace);
      if (hung && !gone()) (void)wait_for([&] { return gone(); }, "hangup", grace);
    }
    if (gone()) return;
    auto reply = session_.request(make_hangup(channel_id_, session_.next_id("hangup")), "hangup");
    if (!reply) spdlog::debug("hangup {}: {}", channel_id_, reply.failure().message);
  }

  Session& session_;
  const Request& request_;
  const ClientSettings& settings_;
  CallWatch& call_;
  AgiWatch& agi_;
  const std::string& phone_;
  const std::string& channel_id_;
  Clock::time_point deadline_;
  int commands_ = 0;
  bool connected_ = false;  // a waited call went on to `to`: it is no longer eecall's to end
  AmdOutcome out_;
};

}  // namespace

AmdOutcome run_amd_call(Session& session, const Request& request, const ClientSettings& settings, CallWatch& call,
                        AgiWatch& agi, const std::string& phone, const std::string& channel_id,
                        Clock::time_point deadline) {
  return AmdCall(session, request, settings, call, agi, phone, channel_id, deadline).run();
}

}  // namespace eecall::ami
