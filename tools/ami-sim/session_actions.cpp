// The actions Session runs itself: Login, Challenge, Ping, Events, MessageSend, Originate,
// Hangup (manager.c action_login() & co; Originate's checks are in originate.cpp, the call
// itself in call.cpp).
#include <array>
#include <cstdio>
#include <regex.h>

#include "call.hpp"
#include "eecall/util/text.hpp"
#include "message_send.hpp"
#include "originate.hpp"
#include "replies.hpp"
#include "session.hpp"

namespace eecall::sim {

namespace {

std::string seconds_since(std::chrono::steady_clock::time_point t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t).count());
}

}  // namespace

bool Session::authenticate(const ami::Message& request) {
  const auto username = request.get_or("Username");
  if (username.empty()) return false;
  const User* user = nullptr;
  for (const auto& u : world_.options.users) {
    if (text::iequals(u.name, username)) {  // get_manager_by_name_locked(): strcasecmp
      user = &u;
      break;
    }
  }
  if (user == nullptr) return false;
  bool ok = false;
  if (text::iequals(request.get_or("AuthType"), "MD5")) {
    const auto key = request.get_or("Key");
    ok = !key.empty() && !challenge_.empty() && text::md5_hex(challenge_ + user->secret) == key;
  } else {
    ok = request.get_or("Secret") == user->secret;
  }
  if (!ok) return false;
  user_ = user;
  if (const auto mask = strings_to_mask(request.get_or("Events")); mask >= 0) {
    send_events_ = static_cast<ClassMask>(mask);
  }
  return true;
}

awaitable<bool> Session::login(const ami::Message& request) {
  if (authenticated_) {
    send(reply(request, "Success", "Already authenticated"));
    co_return true;
  }
  if (!authenticate(request)) {
    co_await sleep_for(world_.options.auth_delay);  // action_login(): sleep(1)
    send(reply(request, "Error", "Authentication failed"));
    co_return false;
  }
  authenticated_ = true;
  send(reply(request, "Success", "Authentication accepted"));
  if ((send_events_ & flag::system) != 0 && (user_->read & flag::system) != 0) {
    auto booted = start_event("FullyBooted", authority_to_str(flag::system));
    booted.add("Uptime", seconds_since(world_.started));
    booted.add("LastReload", seconds_since(world_.started));
    booted.add("Status", "Fully Booted");
    send(booted);
  }
  co_return true;
}

void Session::challenge(const ami::Message& request) {
  if (!text::iequals(request.get_or("AuthType"), "MD5")) {
    send(reply(request, "Error", "Must specify AuthType"));
    return;
  }
  if (challenge_.empty()) {
    // snprintf("%ld", ast_random()) into char[10]: at most 9 digits survive.
    challenge_ = std::to_string(std::uniform_int_distribution<long>(0, 2147483647L)(world_.rng));
    if (challenge_.size() > 9) challenge_.resize(9);
  }
  auto out = start_reply(request, "Success");
  out.add("Challenge", challenge_);
  send(out);
}

void Session::ping(const ami::Message& request) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto sec = std::chrono::duration_cast<std::chrono::seconds>(now);
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now - sec);
  std::array<char, 48> stamp{};
  std::snprintf(stamp.data(), stamp.size(), "%lld.%06lld", static_cast<long long>(sec.count()),
                static_cast<long long>(usec.count()));
  auto out = start_reply(request, "Success");
  out.add("Ping", "Pong");
  out.add("Timestamp", stamp.data());
  send(out);
}

void Session::events(const ami::Message& request) {
  const auto mask = strings_to_mask(request.get_or("EventMask"));
  if (mask < 0) {
    send(reply(request, "Error", "Invalid event mask"));
    return;
  }
  send_events_ = static_cast<ClassMask>(mask);
  auto out = start_reply(request, "Success");
  out.add("Events", mask > 0 ? "On" : "Off");
  send(out);
}

void Session::message_send(const ami::Message& request) {
  const auto result = sim::message_send(request);
  send(reply(request, result.sent ? "Success" : "Error", result.text));
}

awaitable<void> Session::originate(const ami::Message& request) {
  OriginatePlan plan = plan_originate(request, user_->write, world_.options);
  if (!plan.call) {
    send(plan.reply);
    co_return;
  }
  const bool async = plan.call->async;
  const bool never = plan.call->never_settles();
  const auto call = std::make_shared<Call>(world_, std::move(*plan.call), weak_from_this(),
                                           connection_.executor());
  if (async) {
    send(plan.reply);
    Call::start(call);
    co_return;
  }
  Call::start(call);
  if (never) {
    stalled_ = true;  // Asterisk's session thread would sit in the dial forever
    co_return;
  }
  const bool answered = co_await call->settled();
  send(answered ? reply(request, "Success", "Originate successfully queued")
                : reply(request, "Error", "Originate failed"));
}

namespace {

// ast_manager_hangup_helper(): a Cause that is not 0-127 is ignored (logged by Asterisk).
int hangup_cause(std::string_view value) {
  if (value.empty()) return 0;
  int cause = 0;
  for (const char c : value) {
    if (c < '0' || c > '9' || cause > 127) return 0;
    cause = cause * 10 + (c - '0');
  }
  return cause <= 127 ? cause : 0;
}

}  // namespace

// Hangup (write system or call): a channel by name or Uniqueid, case-insensitive, or every
// channel whose name matches "/regex/" (h7a, h7b).
void Session::hangup(const ami::Message& request) {
  const auto name = request.get_or("Channel");
  if (name.empty()) {
    send(reply(request, "Error", "No channel specified"));
    return;
  }
  const int cause = hangup_cause(request.get_or("Cause"));
  if (name.front() == '/') {
    hangup_matching(request, name, cause);
    return;
  }
  for (const auto& weak : world_.calls) {
    const auto call = weak.lock();
    if (!call) continue;
    if (const Channel* channel = call->find(name)) {
      call->hang_up(channel, cause);
      send(reply(request, "Success", "Channel Hungup"));
      return;
    }
  }
  send(reply(request, "Error", "No such channel"));
}

void Session::hangup_matching(const ami::Message& request, std::string_view regex, int cause) {
  // ast_regex_string_to_regex_pattern(): "/regex/" -> "regex"; regcomp(REG_EXTENDED).
  if (regex.size() < 2 || regex.back() != '/') {
    send(reply(request, "Error", "Regex format invalid, Channel param should be /regex/"));
    return;
  }
  // POSIX regcomp() as Asterisk calls it (glibc reads "\/" as "/", which std::regex refuses).
  struct Compiled {
    regex_t re{};
    bool ok = false;
    ~Compiled() {
      if (ok) regfree(&re);
    }
  } pattern;
  pattern.ok = regcomp(&pattern.re, std::string(regex.substr(1, regex.size() - 2)).c_str(),
                       REG_EXTENDED | REG_NOSUB) == 0;
  if (!pattern.ok) {
    send(reply(request, "Error", "Regex compile failed on: " + std::string(regex)));
    return;
  }
  auto ack = start_reply(request, "Success");
  ack.add("EventList", "start");
  ack.add("Message", "Channels hung up will follow");
  send(ack);
  int matched = 0;
  for (const auto& weak : world_.calls) {
    const auto call = weak.lock();
    if (!call) continue;
    for (const Channel* channel : call->channels()) {
      if (regexec(&pattern.re, channel->name.c_str(), 0, nullptr, 0) != 0) continue;
      call->hang_up(channel, cause);
      ++matched;
      ami::Message hungup{{"Event", "ChannelHungup"}, {"Channel", channel->name}};
      if (const auto id = request.get_or("ActionID"); !id.empty()) hungup.add("ActionID", std::string(id));
      send(hungup);
    }
  }
  ami::Message complete{{"Event", "ChannelsHungupListComplete"}};
  if (const auto id = request.get_or("ActionID"); !id.empty()) complete.add("ActionID", std::string(id));
  complete.add("EventList", "Complete");
  complete.add("ListItems", std::to_string(matched));
  send(complete);
}

// AGI (write agi, res_agi's action_add_agi_cmd()): a command for a channel in AsyncAGI, by
// name or Uniqueid (u1-u3, u6-u8).
void Session::agi(const ami::Message& request) {
  const auto name = request.get_or("Channel");
  const auto command = request.get_or("Command");
  if (name.empty() || command.empty()) {
    send(reply(request, "Error", "Both, Channel and Command are *required*"));
    return;
  }
  for (const auto& weak : world_.calls) {
    const auto call = weak.lock();
    if (!call || call->find(name) == nullptr) continue;
    if (call->queue_agi(std::string(command), std::string(request.get_or("CommandID")))) {
      send(reply(request, "Success", "Added AGI command to queue"));
    } else {
      send(reply(request, "Error", "Failed to add AGI command to queue"));
    }
    return;
  }
  send(reply(request, "Error", "Channel " + std::string(name) + " does not exist."));
}

// Redirect (write call): a channel by name or Uniqueid sent to Context,Exten,1. Simulated for a
// call in AsyncAGI only (a waited call with amd, u10): it leaves the AGI for the extension.
void Session::redirect(const ami::Message& request) {
  const auto name = request.get_or("Channel");
  if (name.empty()) {
    send(reply(request, "Error", "Channel not specified"));
    return;
  }
  for (const auto& weak : world_.calls) {
    const auto call = weak.lock();
    if (!call || call->find(name) == nullptr) continue;
    if (call->redirect(std::string(request.get_or("Context")), std::string(request.get_or("Exten")))) {
      send(reply(request, "Success", "Redirect successful"));
    } else {
      send(reply(request, "Error", "Redirect failed"));
    }
    return;
  }
  send(reply(request, "Error", "Channel not existent"));
}

}  // namespace eecall::sim
