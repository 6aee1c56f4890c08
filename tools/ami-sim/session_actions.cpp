// The actions Session runs itself: Login, Challenge, Ping, Events, MessageSend, Originate
// (manager.c action_login() & co; Originate's checks are in originate.cpp).
#include <array>
#include <cstdio>

#include "eecall/text.hpp"
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
  if ((send_events_ & flag::system) != 0) {
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
  OriginatePlan plan = plan_originate(request, user_->write, world_.options, world_.namer);
  const bool async = ast_true(request.get_or("Async"));
  if (async) {
    send(plan.reply);
    for (const auto& e : plan.call_events) publish(e);
    if (plan.response_event) {
      asio::co_spawn(connection_.executor(),
                     publish_later(shared_from_this(), world_.options.event_delay,
                                   std::move(*plan.response_event)),
                     asio::detached);
    }
    co_return;
  }
  for (const auto& e : plan.call_events) publish(e);
  if (plan.reply_never) {
    stalled_ = true;  // Asterisk's session thread would sit in the dial forever
    co_return;
  }
  if (plan.reply_delay.count() > 0) co_await sleep_for(plan.reply_delay);
  send(plan.reply);
}

}  // namespace eecall::sim
