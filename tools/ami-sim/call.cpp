// The call's life and its dial (fast_originate() and the channel drivers, as recorded):
// h1/h3*/h4*/h5* (PJSIP), h2/h3d/h3e/h4c/h4d/h5c (Local), h6* (busy), c1-c5 (failures),
// exp. on the lab for the hangup of a ringing call.
#include "call.hpp"

#include <algorithm>

#include "app_args.hpp"
#include "eecall/util/text.hpp"
#include "replies.hpp"
#include "session.hpp"
#include "sounds.hpp"

namespace eecall::sim {

namespace {

std::string or_unknown(const std::string& value) { return value.empty() ? "<unknown>" : value; }

// dialplan substitution of the lab's NoOp texts
std::string substitute(std::string_view text, const CallerId& cid, std::string_view exten) {
  std::string out(text);
  const auto replace = [&out](std::string_view what, const std::string& with) {
    if (const auto at = out.find(what); at != std::string::npos) out.replace(at, what.size(), with);
  };
  std::string all = cid.name.empty() ? "" : "\"" + cid.name + "\" ";
  all += "<" + cid.number + ">";
  replace("${CALLERID(all)}", all);
  replace("${EXTEN}", std::string(exten));
  return out;
}

}  // namespace

Call::Call(World& world, CallPlan plan, std::weak_ptr<Session> origin,
           const asio::any_io_executor& executor)
    : world_(world),
      plan_(std::move(plan)),
      origin_(std::move(origin)),
      timer_(executor),
      settled_(executor) {}

void Call::start(const std::shared_ptr<Call>& call) {
  auto& calls = call->world_.calls;
  std::erase_if(calls, [](const auto& w) { return w.expired(); });
  calls.push_back(call);
  asio::co_spawn(call->timer_.get_executor(), main(call), asio::detached);
}

awaitable<void> Call::main(std::shared_ptr<Call> self) { co_await self->run(); }

awaitable<bool> Call::settled() {
  while (!outcome_) {
    settled_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await settled_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return *outcome_;
}

const Channel* Call::find(std::string_view name_or_id) const {
  for (const auto* channel : {&app_, &half_, &leg_}) {
    if (*channel && !(*channel)->gone &&
        (text::iequals((*channel)->name, name_or_id) || text::iequals((*channel)->uniqueid, name_or_id))) {
      return &**channel;
    }
  }
  return nullptr;
}

std::vector<const Channel*> Call::channels() const {
  std::vector<const Channel*> out;
  for (const auto* channel : {&app_, &half_, &leg_}) {
    if (*channel && !(*channel)->gone) out.push_back(&**channel);
  }
  return out;
}

void Call::hang_up(const Channel* channel, int cause) {
  if (hangup_ || channel == nullptr) return;  // already going down
  // find() handed out a pointer to one of this call's own channels.
  Channel* target = nullptr;
  for (auto* c : {&app_, &half_, &leg_}) {
    if (*c && &**c == channel) target = &**c;
  }
  if (target == nullptr) return;
  hangup_ = HangupRequest{target, cause};
  timer_.cancel();
}

awaitable<void> Call::run() {
  const bool up = plan_.tech == Tech::local ? co_await dial_local() : co_await dial_direct();
  if (!up) co_return;
  // In AsyncAGI the keys come once a Read runs (110 presses after AMD and the prompt's start).
  if (!text::iequals(plan_.application, "AGI")) schedule_keys();
  if (plan_.application.empty()) {  // the Context/Exten form: the channel now runs that extension
    app_->context = plan_.context;
    app_->exten = plan_.exten;
  }
  const int cause = plan_.application.empty() ? co_await run_extension() : co_await run_application();
  hang_up_all(cause);
}

std::chrono::milliseconds Call::ring_time() const {
  if (plan_.phone.outcome == Outcome::none) return plan_.ring_timeout;
  switch (plan_.phone.when) {
    case Phone::When::after_answer_delay: return world_.options.answer_delay;
    case Phone::When::at_once: return std::chrono::milliseconds(0);
    case Phone::When::at_timeout: return plan_.ring_timeout;
  }
  return world_.options.answer_delay;
}

bool Call::uniqueid_in_use(std::string_view id) const {
  if (id.empty()) return false;
  for (const auto& weak : world_.calls) {
    const auto call = weak.lock();
    if (call && call.get() != this && call->find(id) != nullptr) return true;
  }
  return false;
}

// --- the dial ----------------------------------------------------------------------------

awaitable<bool> Call::dial_direct() {
  const Phone& phone = plan_.phone;
  // A ChannelId already in use makes the channel allocation fail (channel.c does_id_conflict).
  if (phone.outcome == Outcome::failed || uniqueid_in_use(plan_.channel_id)) {
    respond(false, 0);
    co_return false;
  }
  app_.emplace();
  app_->name = world_.namer.channel_name(plan_.tech, plan_.data);
  app_->uniqueid = plan_.channel_id.empty() ? world_.namer.next_uniqueid() : plan_.channel_id;
  app_->linkedid = app_->uniqueid;
  new_channel(*app_);
  app_->caller = app_->connected = Party{plan_.caller_id.number, plan_.caller_id.name};
  newexten(*app_, "AppDial2", "(Outgoing Line)");
  auto begin = dial_event("DialBegin", nullptr, *app_);
  begin.add("DialString", plan_.data);
  emit(begin, flag::call);
  if (phone.rings) {
    state(*app_, ChannelState::ringing);
    dial_status("DialState", nullptr, *app_, "RINGING");
  }
  co_return co_await ring_until_settled();
}

awaitable<bool> Call::dial_local() {
  const std::string one = plan_.channel_id.empty() ? world_.namer.next_uniqueid() : plan_.channel_id;
  std::string two = plan_.other_channel_id;
  if (two.empty()) two = plan_.channel_id.empty() ? world_.namer.next_uniqueid() : plan_.channel_id + ";2";
  if (uniqueid_in_use(plan_.channel_id) || uniqueid_in_use(plan_.other_channel_id)) {
    respond(false, 0);
    co_return false;
  }
  app_.emplace();
  app_->name = world_.namer.channel_name(Tech::local, plan_.data);
  app_->uniqueid = one;
  app_->linkedid = one;
  app_->context = plan_.local_context;
  app_->exten = plan_.local_exten;
  half_ = app_;
  half_->name.back() = '2';
  half_->uniqueid = two;
  half_->state = ChannelState::ring;
  new_channel(*app_);
  new_channel(*half_);
  const Extension* extension = plan_.local_extension;
  if (extension == nullptr) {
    local_without_extension();
    co_return false;
  }
  const Party cid{plan_.caller_id.number, plan_.caller_id.name};
  app_->caller = app_->connected = half_->caller = half_->connected = cid;
  newexten(*app_, "AppDial2", "(Outgoing Line)");
  auto begin = dial_event("DialBegin", nullptr, *app_);
  begin.add("DialString", plan_.local_exten + "@" + plan_.local_context);

  if (extension->dial.empty()) {  // 291-293 answer at once, play, then hang up (lab)
    newexten(*half_, "Answer", "");
    state(*half_, ChannelState::up);
    emit(begin, flag::call);
    state(*app_, ChannelState::up);
    dial_status("DialEnd", nullptr, *app_, "ANSWER");
    respond(true, 4);
    newexten(*half_, "Playback", extension->sounds);
    std::chrono::milliseconds length{0};
    for (const auto& name : split_prompts(extension->sounds)) {
      length += find_prompt(name, world_.options.sounds).duration;
    }
    far_end_hangup_ = Clock::now() + length;
    co_return true;
  }

  emit(begin, flag::call);
  if (!extension->noop.empty()) {
    newexten(*half_, "NoOp", substitute(extension->noop, plan_.caller_id, plan_.local_exten));
  }

  const std::string_view dial = extension->dial;
  newexten(*half_, "Dial", std::string(dial) + ",30");
  const Phone& phone = plan_.phone;
  if (phone.outcome == Outcome::failed) {  // 102, 103: CHANUNAVAIL at once
    respond(false, 0);
    hangup(*half_, 3);
    dial_status("DialEnd", nullptr, *app_, "CHANUNAVAIL");
    hangup(*app_, 3);
    co_return false;
  }
  const auto slash = dial.find('/');
  leg_.emplace();
  leg_->name = world_.namer.channel_name(tech_of(dial.substr(0, slash)), dial.substr(slash + 1));
  leg_->uniqueid = world_.namer.next_uniqueid();
  leg_->linkedid = one;
  new_channel(*leg_);
  const Party dialled{phone.number, plan_.caller_id.name};
  leg_->caller = dialled;
  leg_->connected = cid;
  leg_->exten = plan_.local_exten;
  newexten(*leg_, "AppDial", "(Outgoing Line)");
  auto inner = dial_event("DialBegin", &*half_, *leg_);
  inner.add("DialString", std::string(dial.substr(slash + 1)));
  emit(inner, flag::call);
  if (phone.rings) {
    state(*leg_, ChannelState::ringing);
    app_->caller = dialled;
    state(*app_, ChannelState::ringing);
    half_->connected = dialled;
    dial_status("DialState", &*half_, *leg_, "RINGING");
    dial_status("DialState", nullptr, *app_, "RINGING");
  }
  co_return co_await ring_until_settled();
}

// The phone rings, then answers or fails as it does (answer: the OriginateResponse is sent).
awaitable<bool> Call::ring_until_settled() {
  const Wake wake = co_await wait_for(ring_time(), false);
  if (wake.kind == Wake::Kind::hangup) {
    hung_up_while_ringing(hangup_->cause);
    co_return false;
  }
  const Phone& phone = plan_.phone;
  switch (phone.outcome) {
    case Outcome::answered:
      answered();
      co_return true;
    case Outcome::no_answer:  // c5: no DialEnd of Originate's own dial
      respond(false, phone.reason);
      if (leg_) dial_status("DialEnd", &*half_, *leg_, "CANCEL");
      hangup(*app_, 19);
      if (leg_) hangup(*leg_, 19);
      if (half_) hangup(*half_, 19);
      break;
    case Outcome::busy:
      failed_dial(phone.reason, "BUSY", 17, 486);
      break;
    case Outcome::congestion:
      failed_dial(phone.reason, "CONGESTION", 34, 0);
      break;
    case Outcome::hangup:
      failed_dial(phone.reason, "CANCEL", 16, 0);
      break;
    case Outcome::failed:
    case Outcome::none:  // rang until the Timeout; no event ever says so
      for (auto* channel : {&app_, &half_, &leg_}) {
        if (*channel) (*channel)->gone = true;
      }
      break;
  }
  co_return false;
}

// c2: Local/999@from-internal: the ;2 half finds nothing to run.
void Call::local_without_extension() {
  hangup(*half_, 0);
  respond(false, 0);
  hangup(*app_, 0);
}

void Call::answered() {
  if (leg_) {
    state(*leg_, ChannelState::up);
    dial_status("DialEnd", &*half_, *leg_, "ANSWER");
    state(*half_, ChannelState::up);
  }
  state(*app_, ChannelState::up);
  dial_status("DialEnd", nullptr, *app_, "ANSWER");
  respond(true, 4);
  if (leg_) {
    leg_->exten.clear();  // bridged: out of the dialplan
    newexten(*leg_, "AppDial", "(Outgoing Line)");
  }
}

// Busy and the other --originate-outcome failures (h6a: PJSIP; h6b: through Local).
void Call::failed_dial(int reason, std::string_view status, int cause, int tech_cause) {
  if (leg_) {
    dial_status("DialEnd", &*half_, *leg_, status);
    hangup(*leg_, cause, tech_cause);
    hangup(*half_, cause);
  }
  dial_status("DialEnd", nullptr, *app_, status);
  respond(false, reason);
  hangup(*app_, cause, leg_ ? 0 : tech_cause);
}

// The Hangup action while it rings: NOANSWER, Reason 0 (checked on the lab).
void Call::hung_up_while_ringing(int cause) {
  dial_status("DialEnd", nullptr, *app_, "NOANSWER");
  respond(false, 0);
  hangup(*app_, cause);
  if (leg_) {
    dial_status("DialEnd", &*half_, *leg_, "CANCEL");
    hangup(*leg_, 16);
  }
  if (half_) hangup(*half_, 0);
}

// fast_originate(): OriginateResponse, for an asynchronous Originate only.
void Call::respond(bool success, int reason) {
  if (plan_.async) {
    auto event = start_event("OriginateResponse", "call,all");
    if (!plan_.action_id.empty()) event.add("ActionID", plan_.action_id);
    event.add("Response", success ? "Success" : "Failure");
    event.add("Channel", success ? app_->name : plan_.dial_string);
    if (!plan_.application.empty()) {
      event.add("Application", plan_.application);
      event.add("Data", plan_.app_data);
    } else {
      event.add("Context", plan_.context);
      event.add("Exten", plan_.exten);
    }
    event.add("Reason", std::to_string(reason));
    event.add("Uniqueid", success ? app_->uniqueid : or_unknown(plan_.channel_id));
    event.add("CallerIDNum", or_unknown(plan_.caller_id.number));
    event.add("CallerIDName", or_unknown(plan_.caller_id.name));
    emit(event, flag::call);
  }
  outcome_ = success;
  settled_.cancel();
}

// --- events ------------------------------------------------------------------------------

void Call::emit(const ami::Message& event, ClassMask category) { deliver(world_, origin_, event, category); }

void Call::dial_status(std::string_view name, const Channel* caller, const Channel& dest,
                       std::string_view status) {
  auto event = dial_event(name, caller, dest);
  event.add("DialStatus", std::string(status));
  emit(event, flag::call);
}

void Call::new_channel(const Channel& channel) {
  Channel fresh = channel;  // before the caller ID is set: "<unknown>" (h1, h3e)
  fresh.caller = fresh.connected = Party{};
  emit(channel_event("Newchannel", flag::call, fresh), flag::call);
}

void Call::state(Channel& channel, ChannelState state) {
  channel.state = state;
  emit(channel_event("Newstate", flag::call, channel), flag::call);
}

void Call::newexten(const Channel& channel, std::string_view app, std::string_view data) {
  auto event = channel_event("Newexten", flag::dialplan, channel);
  event.add("Extension", channel.exten);
  event.add("Application", std::string(app));
  event.add("AppData", std::string(data));
  emit(event, flag::dialplan);
}

void Call::varset(const Channel& channel, std::string_view variable, std::string_view value) {
  if (app_ && &channel == &*app_) variables_.insert_or_assign(std::string(variable), std::string(value));
  auto event = channel_event("VarSet", flag::dialplan, channel);
  event.add("Variable", std::string(variable));
  event.add("Value", std::string(value));
  emit(event, flag::dialplan);
}

void Call::hangup(Channel& channel, int cause, int tech_cause) {
  if (channel.gone) return;
  channel.gone = true;
  emit(hangup_event(channel, cause, tech_cause), flag::call);
}

}  // namespace eecall::sim
