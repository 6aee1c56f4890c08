// Header order follows what the recorded Asterisk 20 sessions show (tests/data/*.txt), so the
// transcript replay tests can compare our bytes with the recorded ones exactly.
#include "eecall/ami/actions.hpp"

#include <cstdio>

#include "eecall/util/text.hpp"

namespace eecall::ami {

namespace {

std::string_view events_value(LoginEvents events) {
  switch (events) {
    case LoginEvents::call: return "call";
    case LoginEvents::call_dialplan: return "call,dialplan";
    case LoginEvents::call_agi: return "call,agi";
    case LoginEvents::off: break;
  }
  return "off";
}

int ring_timeout_ms(const Request& request, const CallSettings& settings) {
  return request.ring_seconds ? *request.ring_seconds * 1000 : settings.ring_timeout_ms;
}

// Read's timeout argument is in seconds and may be fractional ("2.5").
std::string seconds_text(std::chrono::milliseconds ms) {
  std::string text = std::to_string(ms.count() / 1000);
  if (const auto rest = ms.count() % 1000; rest != 0) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(rest));
    text += fraction;
    while (text.back() == '0') text.pop_back();
  }
  return text;
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
}

// An EXEC's argument string as one AGI word: res_agi splits a command at blanks and reads
// quotes and backslashes; the request's rules already keep those out of prompts, quoted anyway.
std::string agi_word(const std::string& argument) {
  if (argument.find_first_of(" \t\"\\") == std::string::npos && !argument.empty()) return argument;
  std::string quoted = "\"";
  for (const char c : argument) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string read_arguments(const Request& request, const AlertSettings& alert) {
  const auto& a = request.alert;
  // Read(variable,prompt,maxdigits,options,attempts,timeout): one key; option e reads the
  // terminator '#' as the key when it is pressed alone; each attempt plays the prompt again.
  return std::string(ack_variable) + "," + a.prompt + ",1,e," + std::to_string(a.repeat) + "," +
         seconds_text(alert.ack_timeout);
}

std::string playback_arguments(const Request& request, int times) {
  std::string data;
  for (int i = 0; i < times; ++i) data += (i == 0 ? "" : "&") + request.alert.prompt;
  return data;
}

// An alert's Originate of one phone into an application (no dialplan).
Message make_app_originate(const Request& request, std::string_view phone, const CallSettings& settings,
                           std::string_view application, std::string_view data, std::string_view action_id,
                           std::string_view channel_id) {
  std::string name = request.caller_id_name.empty() ? settings.caller_id_name : request.caller_id_name;
  if (name.empty()) name = default_alert_caller_name;
  return {{"Action", "Originate"},
          {"Channel", channel_for(phone, settings)},
          {"Application", std::string(application)},
          {"Data", std::string(data)},
          {"CallerID", "\"" + name + "\""},
          {"Timeout", std::to_string(ring_timeout_ms(request, settings))},
          {"ChannelId", std::string(channel_id)},
          {"Async", "true"},
          {"ActionID", std::string(action_id)}};
}

}  // namespace

Message make_login(std::string_view user, std::string_view secret, LoginEvents events,
                   std::string_view action_id) {
  return {{"Action", "Login"},
          {"Username", std::string(user)},
          {"Secret", std::string(secret)},
          {"Events", std::string(events_value(events))},
          {"ActionID", std::string(action_id)}};
}

Message make_challenge(std::string_view action_id) {
  return {{"Action", "Challenge"}, {"AuthType", "MD5"}, {"ActionID", std::string(action_id)}};
}

Message make_md5_login(std::string_view user, std::string_view secret, std::string_view challenge,
                       LoginEvents events, std::string_view action_id) {
  std::string material(challenge);
  material.append(secret);
  return {{"Action", "Login"},
          {"AuthType", "MD5"},
          {"Username", std::string(user)},
          {"Key", text::md5_hex(material)},
          {"Events", std::string(events_value(events))},
          {"ActionID", std::string(action_id)}};
}

std::string channel_for(std::string_view phone, const CallSettings& settings) {
  std::string channel = settings.channel_template;
  replace_all(channel, "{context}", settings.context);
  replace_all(channel, "{from}", phone);
  return channel;
}

std::string channel_for(const Request& request, const CallSettings& settings) {
  return channel_for(request.from, settings);
}

Message make_originate(const Request& request, const CallSettings& settings,
                       std::string_view action_id, std::string_view channel_id) {
  // The request's own options win over the admin's defaults.
  const auto& name = request.caller_id_name.empty() ? settings.caller_id_name : request.caller_id_name;
  std::string caller_id = request.to;
  if (!name.empty()) caller_id = "\"" + name + "\" <" + request.to + ">";
  // Async: the ack comes at once; without it Asterisk holds the reply until the phone
  // answers (the old script's hang, transcript b6).
  Message m{{"Action", "Originate"},
            {"Channel", channel_for(request, settings)},
            {"Context", settings.context},
            {"Exten", request.to},
            {"Priority", "1"},
            {"CallerID", caller_id},
            // milliseconds: "30" would ring for 30 ms
            {"Timeout", std::to_string(ring_timeout_ms(request, settings))}};
  if (!channel_id.empty()) m.add("ChannelId", std::string(channel_id));
  m.add("Async", "true");
  m.add("ActionID", std::string(action_id));
  return m;
}

Message make_alert_originate(const Request& request, std::string_view phone, const CallSettings& settings,
                             const AlertSettings& alert, std::string_view action_id,
                             std::string_view channel_id) {
  const auto& a = request.alert;
  const bool read = a.ack.has_value();
  const auto data = read ? read_arguments(request, alert) : playback_arguments(request, a.repeat);
  return make_app_originate(request, phone, settings, read ? "Read" : "Playback", data, action_id, channel_id);
}

Message make_agi_originate(const Request& request, std::string_view phone, const CallSettings& settings,
                           std::string_view action_id, std::string_view channel_id) {
  return make_app_originate(request, phone, settings, "AGI", "agi:async", action_id, channel_id);
}

std::string agi_amd_command(const AmdSettings& amd) {
  // AMD(initialSilence,greeting,afterGreetingSilence,totalAnalysisTime): milliseconds; the
  // others (word lengths, silence threshold) stay amd.conf's.
  return "EXEC AMD " + std::to_string(amd.initial_silence.count()) + "," + std::to_string(amd.greeting.count()) +
         "," + std::to_string(amd.after_greeting_silence.count()) + "," + std::to_string(amd.total_time.count());
}

std::string agi_read_command(const Request& request, const AlertSettings& alert) {
  return "EXEC Read " + agi_word(read_arguments(request, alert));
}

std::string agi_playback_command(const Request& request, int times) {
  return "EXEC Playback " + agi_word(playback_arguments(request, times));
}

std::string agi_wait_for_silence_command(std::chrono::milliseconds silence, std::chrono::seconds timeout) {
  // WaitForSilence(silencerequired,iterations,timeout): ms, count, seconds.
  return "EXEC WaitForSilence " + std::to_string(silence.count()) + ",1," + std::to_string(timeout.count());
}

Message make_agi(std::string_view channel, std::string_view command, std::string_view command_id,
                 std::string_view action_id) {
  return {{"Action", "AGI"},
          {"Channel", std::string(channel)},
          {"Command", std::string(command)},
          {"CommandID", std::string(command_id)},
          {"ActionID", std::string(action_id)}};
}

Message make_message_send(const Request& request, std::string_view action_id) {
  return make_message_send(request, request.to, action_id);
}

Message make_message_send(const Request& request, std::string_view to, std::string_view action_id) {
  Message m{{"Action", "MessageSend"},
            {"To", std::string(driver_name(request.driver)) + ":" + std::string(to)},
            {"From", request.from}};
  const auto& body = request.message;
  // Body cannot hold a line break, and Asterisk strips its leading blanks (ami-protocol.md
  // §5.2); Base64Body carries the exact bytes.
  const bool plain = body.find_first_of("\r\n") == std::string::npos && !body.empty() &&
                     body.front() != ' ' && body.front() != '\t' && body.back() != ' ' &&
                     body.back() != '\t';
  if (plain) {
    m.add("Body", body);
  } else {
    m.add("Base64Body", text::base64_encode(body));
  }
  m.add("ActionID", std::string(action_id));
  return m;
}

Message make_hangup(std::string_view channel, std::string_view action_id) {
  return {{"Action", "Hangup"}, {"Channel", std::string(channel)}, {"ActionID", std::string(action_id)}};
}

Message make_redirect(std::string_view channel, std::string_view context, std::string_view exten,
                      std::string_view action_id) {
  return {{"Action", "Redirect"},
          {"Channel", std::string(channel)},
          {"Context", std::string(context)},
          {"Exten", std::string(exten)},
          {"Priority", "1"},
          {"ActionID", std::string(action_id)}};
}

Message make_logoff(std::string_view action_id) {
  return {{"Action", "Logoff"}, {"ActionID", std::string(action_id)}};
}

}  // namespace eecall::ami
