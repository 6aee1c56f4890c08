// AsyncAGI on an answered channel (res/res_agi.c as the lab's u* recordings show): the channel
// announces AsyncAGIStart and then runs the commands the AGI action queues, one at a time, each
// answered by AsyncAGIExec with the command's CommandId and its URL-encoded result line; it
// stays up until HANGUP, a Hangup action or the phone hangs up, then AsyncAGIEnd. Commands:
// EXEC AMD (the phone's verdict, phones.cpp), EXEC Read / Playback (as the applications),
// EXEC WaitForSilence (a machine's greeting ends), GET VARIABLE, HANGUP.
#include <cstdio>

#include "app_args.hpp"
#include "call.hpp"
#include "eecall/util/text.hpp"

namespace eecall::sim {

namespace {

using std::chrono::milliseconds;

constexpr auto longest_wait = std::chrono::hours(1);
constexpr milliseconds amd_default_total{5000};  // amd.conf's total_analysis_time

// ast_uri_encode() with the HTTP flags res_agi uses: unreserved characters stay, the rest %XX
// (u1: "200%20result%3D1%20(MACHINE)%0A": parentheses stay).
std::string uri_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
        std::string_view("-_.!~*'()").find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", u);
      out += hex;
    }
  }
  return out;
}

// The first word of an AGI command and the rest (res_agi splits at blanks; quotes group).
std::pair<std::string, std::string> first_word(std::string_view command) {
  while (!command.empty() && command.front() == ' ') command.remove_prefix(1);
  const auto blank = command.find(' ');
  if (blank == std::string_view::npos) return {std::string(command), ""};
  auto rest = command.substr(blank + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return {std::string(command.substr(0, blank)), std::string(rest)};
}

std::string unquoted(std::string text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return text;
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size()) ++i;
    out.push_back(text[i]);
  }
  return out;
}

// AMD's totalAnalysisTime: its fourth argument in ms (absent: amd.conf's 5000).
milliseconds total_analysis_time(std::string_view arguments) {
  const auto fields = separate_args(arguments, ',', 9);
  if (fields.size() < 4 || fields[3].empty()) return amd_default_total;
  long long ms = 0;
  for (const char c : fields[3]) {
    if (c < '0' || c > '9') return amd_default_total;
    ms = ms * 10 + (c - '0');
  }
  return milliseconds(ms);
}

}  // namespace

bool Call::queue_agi(std::string command, std::string command_id) {
  if (!in_async_agi_ || hangup_ || !app_ || app_->gone) return false;
  agi_queue_.push_back({std::move(command), std::move(command_id)});
  timer_.cancel();  // wakes the AGI loop's wait
  return true;
}

bool Call::redirect(std::string context, std::string exten) {
  if (!in_async_agi_ || hangup_ || !app_ || app_->gone) return false;
  plan_.context = std::move(context);
  plan_.exten = std::move(exten);
  redirected_ = true;
  timer_.cancel();  // wakes the AGI loop's wait
  return true;
}

void Call::agi_event(std::string_view name, const std::string& command_id, const std::string& result) {
  auto event = channel_event(name, flag::agi, *app_);
  if (!command_id.empty()) event.add("CommandId", command_id);
  if (!result.empty()) event.add("Result", uri_encode(result));
  emit(event, flag::agi);
}

awaitable<void> Call::async_agi() {
  in_async_agi_ = true;
  agi_event("AsyncAGIStart");
  for (;;) {
    wake_on_agi_ = true;
    const auto wake = co_await wait_for(std::chrono::duration_cast<milliseconds>(longest_wait), false);
    wake_on_agi_ = false;
    if (wake.kind == Wake::Kind::hangup || hangup_ || redirected_) break;
    if (agi_queue_.empty()) continue;
    const AgiCommand next = agi_queue_.front();
    agi_queue_.pop_front();
    const std::string result = co_await agi_command(next.command);
    agi_event("AsyncAGIExec", next.command_id, result);
    if (hangup_ || text::iequals(first_word(next.command).first, "HANGUP")) break;
  }
  in_async_agi_ = false;
  agi_queue_.clear();
  if (!redirected_) agi_event("AsyncAGIEnd");  // the Redirect's masquerade sends none (u10)
}

awaitable<std::string> Call::agi_command(const std::string& command) {
  const auto [verb, rest] = first_word(command);
  if (text::iequals(verb, "HANGUP")) co_return "200 result=1\n";
  if (text::iequals(verb, "GET")) {
    const auto [what, name] = first_word(rest);
    if (!text::iequals(what, "VARIABLE")) co_return "510 Invalid or unknown command\n";
    const auto it = variables_.find(unquoted(name));
    co_return it == variables_.end() ? "200 result=0\n" : "200 result=1 (" + it->second + ")\n";
  }
  if (!text::iequals(verb, "EXEC")) co_return "510 Invalid or unknown command\n";
  const auto [application, arguments] = first_word(rest);
  co_return co_await agi_exec(application, unquoted(arguments));
}

awaitable<std::string> Call::agi_exec(std::string_view application, const std::string& arguments) {
  if (text::iequals(application, "AMD")) co_return co_await agi_amd(arguments);
  if (text::iequals(application, "Read") || text::iequals(application, "Playback")) {
    plan_.app_data = arguments;
    if (text::iequals(application, "Read")) {
      schedule_keys();
      co_await read();
    } else {
      co_await playback();
    }
    co_return hangup_ ? "200 result=-1\n" : "200 result=0\n";
  }
  if (text::iequals(application, "WaitForSilence")) {
    // The rest of a machine's greeting, then the silence asked for (its first argument).
    const auto fields = separate_args(arguments, ',', 3);
    long long silence = 0;
    for (const char c : fields.empty() ? std::string() : fields[0]) {
      if (c >= '0' && c <= '9') silence = silence * 10 + (c - '0');
    }
    const auto wake = co_await wait_for(plan_.phone.greeting_left + milliseconds(silence), false);
    co_return wake.kind == Wake::Kind::hangup ? "200 result=-1\n" : "200 result=0\n";
  }
  co_return "200 result=-2\n";  // no such application
}

awaitable<std::string> Call::agi_amd(std::string_view arguments) {
  const Phone& phone = plan_.phone;
  const auto total = total_analysis_time(arguments);
  const auto verdict_after = phone.amd_time.count() > 0 ? std::min(phone.amd_time, total) : total;
  const auto& hangup_after = world_.options.amd_hangup;
  if (hangup_after && *hangup_after < verdict_after) {
    // The phone leaves during AMD (u6): its leg hangs up, the rest follows.
    if ((co_await wait_for(*hangup_after, false)).kind != Wake::Kind::hangup && !hangup_) {
      hangup_ = HangupRequest{leg_ ? &*leg_ : (half_ ? &*half_ : &*app_), 16};
      co_await wait_for(milliseconds(0), false);
    }
    varset(*app_, "AMDSTATUS", "HANGUP");
    co_return "200 result=0\n";
  }
  if ((co_await wait_for(verdict_after, false)).kind == Wake::Kind::hangup) co_return "200 result=0\n";
  varset(*app_, "AMDSTATUS", phone.amd_status);
  varset(*app_, "AMDCAUSE",
         phone.amd_cause.empty() ? "TOOLONG-" + std::to_string(total.count() - 100) : phone.amd_cause);
  co_return "200 result=0\n";
}

}  // namespace eecall::sim
