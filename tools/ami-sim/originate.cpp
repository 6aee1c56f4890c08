#include "originate.hpp"

#include <cctype>
#include <climits>
#include <string>

#include "callerid.hpp"
#include "eecall/util/text.hpp"
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

}  // namespace

OriginatePlan plan_originate(const ami::Message& request, ClassMask write_permission,
                             const Options& options) {
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
  const auto other_channel_id = request.get_or("OtherChannelId");

  if (channel_id.size() > max_public_uniqueid || other_channel_id.size() > max_public_uniqueid) {
    return error("Uniqueid length exceeds maximum of 149\n");  // sic: Asterisk's bare LF
  }
  if (channel.empty()) return error("Channel not specified");
  int pi = 0;
  if (!priority.empty()) {
    const auto n = scan_int(priority);
    if (!n) return error("Invalid priority");  // no labels in the lab's dialplan
    pi = *n;
  }
  int ring_ms = 30000;
  if (!timeout.empty()) {
    const auto n = scan_int(timeout);
    if (!n) return error("Invalid timeout");
    ring_ms = *n;
  }
  const auto slash = channel.find('/');
  if (slash == std::string::npos) return error("Invalid channel");
  const std::string_view tech_name = std::string_view(channel).substr(0, slash);
  const std::string_view data = std::string_view(channel).substr(slash + 1);
  if (!app.empty() && !app_permitted(app, app_data, write_permission)) {
    return error("Originate Access Forbidden: app or data blacklisted");
  }
  if (pi != 0 && !extension_exists(context, exten, pi)) return error("Extension does not exist.");

  const bool async = ast_true(request.get_or("Async"));
  if (!async && app.empty() && pi == 0) {
    return error("Originate with 'Exten' requires 'Context' and 'Priority'");
  }

  CallPlan call;
  call.action_id = std::string(request.get_or("ActionID"));
  call.async = async;
  call.dial_string = channel;
  call.tech = tech_of(tech_name);
  call.data = std::string(data);
  call.application = std::string(app);
  call.app_data = std::string(app_data);
  call.context = std::string(context);
  call.exten = std::string(exten);
  call.caller_id = parse_caller_id(request.get_or("CallerID"));
  call.ring_timeout = std::chrono::milliseconds(ring_ms > 0 ? ring_ms : 30000);
  call.channel_id = std::string(channel_id);
  call.other_channel_id = std::string(other_channel_id);
  if (call.tech == Tech::local) {
    // exten@context[/options]; without a context Local uses "default", which the lab lacks.
    const auto target = data.substr(0, data.find('/'));
    const auto at = target.find('@');
    call.local_exten = std::string(target.substr(0, at));
    call.local_context = at == std::string_view::npos ? "default" : std::string(target.substr(at + 1));
    call.local_extension = find_extension(call.local_context, call.local_exten);
    if (call.local_extension != nullptr && !call.local_extension->dial.empty()) {
      const std::string_view dial = call.local_extension->dial;
      const auto dial_slash = dial.find('/');
      call.phone = phone_for(tech_of(dial.substr(0, dial_slash)), dial.substr(dial_slash + 1), options);
    }
  } else {
    call.phone = phone_for(call.tech, data, options);
  }
  if (async) plan.reply = reply(request, "Success", "Originate successfully queued");
  plan.call = std::move(call);
  return plan;
}

}  // namespace eecall::sim
