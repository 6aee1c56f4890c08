// Header order follows what the recorded Asterisk 20 sessions show (tests/data/*.txt), so the
// transcript replay tests can compare our bytes with the recorded ones exactly.
#include "eecall/ami/actions.hpp"

#include "eecall/text.hpp"

namespace eecall::ami {

namespace {

std::string_view events_value(LoginEvents events) {
  return events == LoginEvents::call ? "call" : "off";
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
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

std::string channel_for(const Request& request, const CallSettings& settings) {
  std::string channel = settings.channel_template;
  replace_all(channel, "{context}", settings.context);
  replace_all(channel, "{from}", request.from);
  return channel;
}

Message make_originate(const Request& request, const CallSettings& settings,
                       std::string_view action_id) {
  // The request's own options win over the admin's defaults.
  const auto& name = request.caller_id_name.empty() ? settings.caller_id_name : request.caller_id_name;
  const int ring_ms = request.ring_seconds ? *request.ring_seconds * 1000 : settings.ring_timeout_ms;
  std::string caller_id = request.to;
  if (!name.empty()) caller_id = "\"" + name + "\" <" + request.to + ">";
  // Async: the ack comes at once; without it Asterisk holds the reply until the phone
  // answers (the old script's hang, transcript b6).
  return {{"Action", "Originate"},
          {"Channel", channel_for(request, settings)},
          {"Context", settings.context},
          {"Exten", request.to},
          {"Priority", "1"},
          {"CallerID", caller_id},
          {"Timeout", std::to_string(ring_ms)},  // milliseconds: "30" would ring for 30 ms
          {"Async", "true"},
          {"ActionID", std::string(action_id)}};
}

Message make_message_send(const Request& request, std::string_view action_id) {
  Message m{{"Action", "MessageSend"},
            {"To", std::string(driver_name(request.driver)) + ":" + request.to},
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

Message make_logoff(std::string_view action_id) {
  return {{"Action", "Logoff"}, {"ActionID", std::string(action_id)}};
}

}  // namespace eecall::ami
