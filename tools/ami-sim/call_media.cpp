// What happens on the answered channel: the phone's keys (DTMF events), the application
// (apps/app_read.c with main/app.c ast_app_getdata_terminator() and main/channel.c
// ast_readstring(); apps/app_playback.c) or the extension, and the final hangups.
#include <algorithm>

#include "app_args.hpp"
#include "call.hpp"
#include "eecall/util/text.hpp"
#include "sounds.hpp"

namespace eecall::sim {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds rfc2833_end_after{140};  // DTMFEnd 140 ms after DTMFBegin (h3b)
constexpr milliseconds info_local_end_after{160};  // through Local, INFO's 160 ms (h4c)
constexpr milliseconds between_keys{500};      // when a phone presses several keys
constexpr auto longest_call = std::chrono::hours(1);  // a bridged Exten-form call ends then

// ast_readstring() / ast_app_getdata() results (enum ast_getdata_result).
constexpr int getdata_failed = -1;
constexpr int getdata_complete = 0;
constexpr int getdata_timeout = 1;
constexpr int getdata_empty_end_terminated = 3;

// Without a pbx (an Originate'd application) Asterisk waits 6 s for a first digit and 2 s
// between digits (ast_app_getdata_terminator(): rtimeoutms / dtimeoutms defaults).
constexpr milliseconds default_first_digit{6000};
constexpr milliseconds default_next_digit{2000};
constexpr milliseconds between_prompts{50};

}  // namespace

// --- time and the phone's keys -----------------------------------------------------------

awaitable<Call::Wake> Call::wait_for(milliseconds delay, bool digits) {
  co_return co_await wait_until(Clock::now() + delay, digits);
}

awaitable<Call::Wake> Call::wait_until(Clock::time_point deadline, bool digits) {
  for (;;) {
    if (wake_on_agi_ && (redirected_ || !agi_queue_.empty()) && !hangup_) co_return Wake{Wake::Kind::agi};
    if (hangup_) {
      // The far side went down (Local ;2 or the phone's leg): both go at once, then the
      // application notices (checked on the lab: Hangup ;2, PJSIP, then the app's VarSets).
      if (outcome_.value_or(false) && hangup_->target != &*app_) {
        if (half_) hangup(*half_, 16);
        if (leg_) hangup(*leg_, 16);
      }
      co_return Wake{Wake::Kind::hangup};
    }
    const auto now = Clock::now();
    auto next = deadline;
    if (!keys_.empty()) next = std::min(next, keys_.front().at);
    if (far_end_hangup_) next = std::min(next, *far_end_hangup_);
    if (next > now) {
      timer_.expires_at(next);
      boost::system::error_code cancelled;  // by a Hangup action: looked at above
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
      continue;
    }
    if (far_end_hangup_ && *far_end_hangup_ <= now) {
      far_end_hangup_.reset();
      far_end_hangs_up();
      continue;
    }
    if (!keys_.empty() && keys_.front().at <= now) {
      const KeyStep step = keys_.front();
      keys_.pop_front();
      if (key_step(step) && digits) co_return Wake{Wake::Kind::digit, step.digit};
      continue;
    }
    co_return Wake{Wake::Kind::deadline};
  }
}

// Local/291-293: the announcement on ;2 is over; its Hangup() takes the call down (lab).
void Call::far_end_hangs_up() {
  if (!half_ || half_->gone || hangup_) return;
  varset(*half_, "PLAYBACKSTATUS", "SUCCESS");
  newexten(*half_, "Hangup", "");
  hangup_ = HangupRequest{&*half_, 16};
}

void Call::schedule_keys() {
  const auto first = Clock::now() + world_.options.key_delay;
  const bool info = plan_.phone.dtmf == DtmfMode::info;
  for (std::size_t i = 0; i < plan_.phone.keys.size(); ++i) {
    const auto at = first + between_keys * static_cast<long>(i);
    const char digit = plan_.phone.keys[i];
    using Kind = KeyStep::Kind;
    if (!info) {
      keys_.push_back({at, digit, Kind::begin, false});
      keys_.push_back({at + rfc2833_end_after, digit, Kind::end, true});
    } else if (!leg_) {
      keys_.push_back({at, digit, Kind::end, true});  // INFO: no DTMFBegin at all (h4a)
    } else {
      keys_.push_back({at, digit, Kind::info_end_then_begin, false});
      keys_.push_back({at + info_local_end_after, digit, Kind::end, true});
    }
  }
}

bool Call::key_step(const KeyStep& step) {
  const bool info = plan_.phone.dtmf == DtmfMode::info;
  const std::string digit(1, step.digit);
  const auto dtmf = [&](std::string_view name, const std::optional<Channel>& channel, std::string_view direction) {
    if (!channel || channel->gone) return;
    auto event = channel_event(name, flag::dtmf, *channel);
    event.add("Digit", digit);
    if (name == "DTMFEnd") event.add("DurationMs", info ? "160" : "280");
    event.add("Direction", std::string(direction));
    emit(event, flag::dtmf);
  };
  // Through Local each key shows on the phone's channel, on ;2 (Sent) and on ;1 (h3d, h4c).
  switch (step.kind) {
    case KeyStep::Kind::begin:
      dtmf("DTMFBegin", leg_ ? leg_ : app_, "Received");
      if (leg_) {
        dtmf("DTMFBegin", half_, "Sent");
        dtmf("DTMFBegin", app_, "Received");
      }
      break;
    case KeyStep::Kind::end:
      if (!leg_) {
        dtmf("DTMFEnd", app_, "Received");
        break;
      }
      if (!info) dtmf("DTMFEnd", leg_, "Received");
      dtmf("DTMFEnd", half_, "Sent");
      dtmf("DTMFEnd", app_, "Received");
      break;
    case KeyStep::Kind::info_end_then_begin:
      dtmf("DTMFEnd", leg_, "Received");
      dtmf("DTMFBegin", half_, "Sent");
      dtmf("DTMFBegin", app_, "Received");
      break;
  }
  return step.delivers && !app_->gone;
}

// --- applications and extensions ---------------------------------------------------------

awaitable<int> Call::run_application() {
  if (text::iequals(plan_.application, "Read")) {
    co_await read();
  } else if (text::iequals(plan_.application, "Playback")) {
    co_await playback();
  } else if (text::iequals(plan_.application, "AGI") && text::iequals(plan_.app_data, "agi:async")) {
    co_await async_agi();
    if (redirected_ && !hangup_) co_return co_await run_extension();  // a waited call's person, to `to`
  }
  // Any other application: the lab's Asterisk answered, logged "No such application" and
  // hung up at once (Cause 0); the simulator knows no other application.
  if (!hangup_) co_return 0;
  co_return hangup_->target == &*app_ ? hangup_->cause : 16;
}

awaitable<int> Call::run_extension() {
  const Extension* extension = find_extension(plan_.context, plan_.exten);
  if (extension != nullptr && extension->dial.empty()) {  // 291-293 (b2, b5)
    newexten(*app_, "Answer", "");
    newexten(*app_, "Playback", extension->sounds);
    for (const auto& name : split_prompts(extension->sounds)) {
      const auto wake = co_await wait_for(find_prompt(name, world_.options.sounds).duration, false);
      if (wake.kind == Wake::Kind::hangup) break;
    }
    varset(*app_, "PLAYBACKSTATUS", "SUCCESS");
    if (!hangup_) {
      newexten(*app_, "Hangup", "");
      co_return 16;
    }
  } else {
    // An extension that dials another phone: the simulator does not place that second call;
    // the channel stays up until a Hangup action (or an hour has passed).
    co_await wait_for(std::chrono::duration_cast<milliseconds>(longest_call), false);
    if (!hangup_) co_return 16;
  }
  co_return hangup_->target == &*app_ ? hangup_->cause : 16;
}

void Call::hang_up_all(int app_cause) {
  hangup(*app_, app_cause);
  if (half_) hangup(*half_, 16);
  if (leg_) hangup(*leg_, 16);
}

// app_read.c read_exec() without the indication-tone option.
awaitable<void> Call::read() {
  varset(*app_, "READSTATUS", "ERROR");
  if (plan_.app_data.empty()) co_return;  // "Read requires an argument (variable)"
  const ReadArgs args = parse_read(plan_.app_data);
  if (args.variable.empty()) co_return;
  std::string status = "ERROR";
  int tries = args.attempts;
  bool disconnected = false;
  while (tries > 0 && !disconnected) {
    std::string digits;
    const int res = co_await get_data(args.filenames, digits, args.maxdigits, args.timeout, args.terminators);
    if (res == getdata_complete) {
      status = "OK";
    } else if (res == getdata_empty_end_terminated) {
      if (args.terminator_as_digit) digits = args.terminators;  // option e
      status = "OK";
    } else if (res == getdata_timeout) {
      status = "TIMEOUT";
    }
    varset(*app_, args.variable, digits);
    if (res == getdata_failed) {
      disconnected = true;  // "User disconnected" (or no prompt could be played)
    } else if (!digits.empty()) {
      tries = 0;
    } else {
      --tries;
    }
  }
  if (hangup_) status = "HANGUP";
  varset(*app_, "READSTATUS", status);
}

awaitable<int> Call::get_data(const std::string& filenames, std::string& digits, int max,
                              milliseconds timeout, const std::string& terminators) {
  const auto prompts = split_prompts(filenames);
  int res = getdata_complete;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const std::string& name = prompts[i];
    std::optional<milliseconds> sound;
    if (!name.empty()) {
      const Prompt prompt = find_prompt(name, world_.options.sounds);
      if (!prompt.playable) {  // ast_streamfile() failed: this prompt is skipped
        res = getdata_failed;
        continue;
      }
      sound = prompt.duration;
    }
    milliseconds first = between_prompts;
    milliseconds next = default_next_digit;
    if (i + 1 == prompts.size()) {
      first = timeout.count() > 0 ? timeout : default_first_digit;
      next = timeout.count() > 0 ? timeout : default_next_digit;
    }
    res = co_await read_digits(sound, digits, max, first, next, terminators);
    if (res == getdata_empty_end_terminated || !digits.empty()) co_return res;
  }
  co_return res;
}

awaitable<int> Call::read_digits(std::optional<milliseconds> sound, std::string& digits, int max,
                                 milliseconds first, milliseconds next, const std::string& terminators) {
  if (hangup_) co_return getdata_failed;
  milliseconds wait = first;
  for (;;) {
    Wake wake;
    if (sound) {  // a key interrupts the prompt
      wake = co_await wait_for(*sound, true);
      sound.reset();
      if (wake.kind == Wake::Kind::deadline) wake = co_await wait_for(wait, true);
    } else {
      wake = co_await wait_for(wait, true);
    }
    if (wake.kind == Wake::Kind::hangup) co_return getdata_failed;
    if (wake.kind == Wake::Kind::deadline) co_return getdata_timeout;
    const bool ender = terminators.find(wake.digit) != std::string::npos;
    if (ender && digits.empty()) co_return getdata_empty_end_terminated;
    if (!ender) digits.push_back(wake.digit);
    if (ender || static_cast<int>(digits.size()) >= max) co_return getdata_complete;
    wait = next;
  }
}

// app_playback.c playback_exec(): a file that cannot be played is skipped and makes the
// status FAILED; a hangup stops the list (and, as on the lab, leaves SUCCESS).
awaitable<void> Call::playback() {
  if (plan_.app_data.empty()) co_return;  // "Playback requires an argument (filename)"
  const auto args = separate_args(plan_.app_data, ',', 2);
  bool failed = false;
  for (const auto& name : split_prompts(args.front())) {
    const Prompt prompt = find_prompt(name, world_.options.sounds);
    if (!prompt.playable) {
      failed = true;
      continue;
    }
    if ((co_await wait_for(prompt.duration, false)).kind == Wake::Kind::hangup) break;
  }
  varset(*app_, "PLAYBACKSTATUS", failed ? "FAILED" : "SUCCESS");
}

}  // namespace eecall::sim
