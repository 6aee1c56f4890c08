#include "originate.hpp"

#include <array>
#include <cctype>
#include <climits>
#include <string>

#include "callerid.hpp"
#include "eecall/text.hpp"
#include "replies.hpp"

namespace eecall::sim {

namespace {

constexpr std::size_t max_public_uniqueid = 149;  // AST_MAX_PUBLIC_UNIQUEID

// sscanf(value, "%30d", &n) == 1: blanks, a sign, at least one digit, garbage after ignored.
std::optional<int> scan_int(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i])) != 0) ++i;
  const std::size_t field_end = std::min(value.size(), i + 30);
  bool negative = false;
  if (i < field_end && (value[i] == '+' || value[i] == '-')) negative = value[i++] == '-';
  long long n = 0;
  std::size_t digits = 0;
  for (; i < field_end && value[i] >= '0' && value[i] <= '9'; ++i, ++digits) {
    if (n <= INT_MAX) n = n * 10 + (value[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  if (n > INT_MAX) n = INT_MAX;
  return static_cast<int>(negative ? -n : n);
}

// is_originate_app_permitted(): applications and dialplan functions that need write=system.
bool app_permitted(std::string_view app, std::string_view data, ClassMask write) {
  std::string lower;
  for (const char c : app) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const auto word : {"agi", "dbdeltree", "exec", "externalivr", "mixmonitor", "originate",
                          "reload", "system"}) {
    if (lower.find(word) != std::string::npos) return (write & flag::system) != 0;
  }
  if (lower.find("queue") != std::string::npos && !data.empty()) {
    // Queue(name,options,url,announce,timeout,AGI,...): only the AGI argument needs rights.
    std::size_t field = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= data.size(); ++i) {
      if (i == data.size() || data[i] == ',') {
        if (field == 5 && i > start) return (write & (flag::agi | flag::system)) != 0;
        ++field;
        start = i + 1;
      }
    }
  }
  for (const auto function : {"CURL", "DB", "EVAL", "FILE", "ODBC", "REALTIME", "SHELL"}) {
    if (data.find(function) != std::string_view::npos) return (write & flag::system) != 0;
  }
  return true;
}

std::string or_unknown(const std::string& value) { return value.empty() ? "<unknown>" : value; }

ami::Message channel_event(std::string_view name, const std::string& channel, int state,
                           std::string_view state_desc, const CallerId& cid, bool show_cid,
                           std::string_view context, const std::string& uniqueid) {
  auto e = start_event(name, "call,all");
  const std::string num = show_cid ? or_unknown(cid.number) : "<unknown>";
  const std::string nam = show_cid ? or_unknown(cid.name) : "<unknown>";
  e.add("Channel", channel);
  e.add("ChannelState", std::to_string(state));
  e.add("ChannelStateDesc", std::string(state_desc));
  e.add("CallerIDNum", num);
  e.add("CallerIDName", nam);
  e.add("ConnectedLineNum", num);
  e.add("ConnectedLineName", nam);
  e.add("Language", "en");
  e.add("AccountCode", "");
  e.add("Context", context.empty() ? "default" : std::string(context));
  e.add("Exten", "s");
  e.add("Priority", "1");
  e.add("Uniqueid", uniqueid);
  e.add("Linkedid", uniqueid);
  return e;
}

}  // namespace

OriginatePlan plan_originate(const ami::Message& request, ClassMask write_permission,
                             const Options& options, ChannelNamer& namer) {
  OriginatePlan plan;
  const auto error = [&](std::string_view text) {
    plan.reply = reply(request, "Error", text);
    return plan;
  };
  const std::string channel(request.get_or("Channel"));
  const auto exten = request.get_or("Exten");
  const auto context = request.get_or("Context");
  const auto priority = request.get_or("Priority");
  const auto timeout = request.get_or("Timeout");
  const auto app = request.get_or("Application");
  const auto app_data = request.get_or("Data");
  const auto channel_id = request.get_or("ChannelId");

  if (channel_id.size() > max_public_uniqueid ||
      request.get_or("OtherChannelId").size() > max_public_uniqueid) {
    return error("Uniqueid length exceeds maximum of 149\n");  // sic: Asterisk's bare LF
  }
  if (channel.empty()) return error("Channel not specified");
  int pi = 0;
  if (!priority.empty()) {
    const auto n = scan_int(priority);
    if (!n) return error("Invalid priority");  // no labels in the lab's dialplan
    pi = *n;
  }
  if (!timeout.empty() && !scan_int(timeout)) return error("Invalid timeout");
  const auto slash = channel.find('/');
  if (slash == std::string::npos) return error("Invalid channel");
  const std::string_view tech_name = std::string_view(channel).substr(0, slash);
  const std::string_view data = std::string_view(channel).substr(slash + 1);
  const CallerId cid = parse_caller_id(request.get_or("CallerID"));
  if (!app.empty() && !app_permitted(app, app_data, write_permission)) {
    return error("Originate Access Forbidden: app or data blacklisted");
  }
  if (pi != 0 && !extension_exists(context, exten, pi)) return error("Extension does not exist.");

  const bool async = ast_true(request.get_or("Async"));
  if (!async && app.empty() && pi == 0) {
    return error("Originate with 'Exten' requires 'Context' and 'Priority'");
  }

  // The dial attempt.
  const Tech tech = tech_of(tech_name);
  const Outcome outcome = forced_outcome(tech, data).value_or(options.outcome);
  const int reason = reason_code(outcome);
  std::string created;  // channel name, when a channel was created
  std::string uniqueid;
  if (reason != 0 || outcome == Outcome::none) {
    created = namer.channel_name(tech, data);
    uniqueid = channel_id.empty() ? namer.next_uniqueid() : std::string(channel_id);
    plan.call_events.push_back(
        channel_event("Newchannel", created, 0, "Down", cid, false, context, uniqueid));
    plan.call_events.push_back(
        channel_event("Newstate", created, 5, "Ringing", cid, true, context, uniqueid));
  }

  if (!async) {
    if (outcome == Outcome::none) {
      plan.reply_never = true;
      return plan;
    }
    plan.reply = outcome == Outcome::answered ? reply(request, "Success", "Originate successfully queued")
                                              : reply(request, "Error", "Originate failed");
    plan.reply_delay = reason == 0 ? std::chrono::milliseconds(0) : options.event_delay;
    return plan;
  }

  plan.reply = reply(request, "Success", "Originate successfully queued");
  if (outcome == Outcome::none) return plan;
  const bool success = outcome == Outcome::answered;
  auto event = start_event("OriginateResponse", "call,all");
  if (const auto id = request.get_or("ActionID"); !id.empty()) event.add("ActionID", std::string(id));
  event.add("Response", success ? "Success" : "Failure");
  event.add("Channel", success ? created : channel);
  if (!app.empty()) {
    event.add("Application", std::string(app));
    event.add("Data", std::string(app_data));
  } else {
    event.add("Context", std::string(context));
    event.add("Exten", std::string(exten));
  }
  event.add("Reason", std::to_string(reason));
  event.add("Uniqueid", success ? uniqueid : or_unknown(std::string(channel_id)));
  event.add("CallerIDNum", or_unknown(cid.number));
  event.add("CallerIDName", or_unknown(cid.name));
  plan.response_event = std::move(event);
  return plan;
}

}  // namespace eecall::sim
