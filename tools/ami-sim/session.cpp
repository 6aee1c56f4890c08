#include "session.hpp"

#include <array>
#include <cstdio>
#include <random>

#include "eecall/util/text.hpp"
#include "inventory.hpp"
#include "replies.hpp"

namespace eecall::sim {

namespace {

enum class Kind {
  login, logoff, challenge, ping, events, originate, message_send, hangup, list_commands, core_settings,
  module_check, pjsip_show_endpoint, sip_show_peer, setvar, agi, redirect, not_simulated
};

struct ActionEntry {
  std::string_view name;
  ClassMask authority;  // write class needed; 0 = anyone logged in
  Kind kind;
  std::string_view synopsis;  // as ListCommands shows it (k8)
  std::string_view module;    // the module that registers it; empty: the core
};

// The actions this simulator knows, with their registration authority and synopsis in the lab's
// Asterisk 20, in ListCommands' order (case-insensitive by name).
constexpr std::array<ActionEntry, 17> actions{{
    {"AGI", flag::agi, Kind::agi, "Add an AGI command to execute by Async AGI.", "res_agi"},
    {"Challenge", 0, Kind::challenge, "Generate Challenge for MD5 Auth.", ""},
    {"Command", flag::command, Kind::not_simulated, "Execute Asterisk CLI Command.", ""},
    {"CoreSettings", flag::system | flag::reporting, Kind::core_settings, "Show PBX core settings (version etc).", ""},
    {"Events", 0, Kind::events, "Control Event Flow.", ""},
    {"Hangup", flag::system | flag::call, Kind::hangup, "Hangup channel.", ""},
    {"ListCommands", 0, Kind::list_commands, "List available manager commands.", ""},
    {"Login", 0, Kind::login, "Login Manager.", ""},
    {"Logoff", 0, Kind::logoff, "Logoff Manager.", ""},
    {"MessageSend", flag::message, Kind::message_send, "Send an out of call message to an endpoint.", ""},
    {"ModuleCheck", flag::system, Kind::module_check, "Check if module is loaded.", ""},
    {"Originate", flag::originate, Kind::originate, "Originate a call.", ""},
    {"Ping", 0, Kind::ping, "Keepalive command.", ""},
    {"PJSIPShowEndpoint", flag::system, Kind::pjsip_show_endpoint, "Detail listing of an endpoint and its objects.",
     "res_pjsip"},
    {"Redirect", flag::call, Kind::redirect, "Redirect (transfer) a call.", ""},
    {"Setvar", flag::call, Kind::setvar, "Sets a channel variable or function value.", ""},
    {"SIPshowpeer", flag::system | flag::reporting, Kind::sip_show_peer, "show SIP peer (text format).", "chan_sip"},
}};

// An action of a module that --unload unloaded is unknown, as Asterisk unregisters it.
const ActionEntry* find_action(std::string_view name, const Options& options) {
  for (const auto& a : actions) {
    if (text::iequals(a.name, name)) return a.module.empty() || module_loaded(a.module, options) ? &a : nullptr;
  }
  return nullptr;
}

// __astman_get_header(m, "Action", GET_HEADER_SKIP_EMPTY).
std::string_view action_of(const ami::Message& m) {
  for (const auto& h : m.headers()) {
    if (text::iequals(h.name, "Action") && !h.value.empty()) return h.value;
  }
  return {};
}

// --fault garbage: random bytes, none of them a line feed, so no banner line ever ends.
std::string noise(std::mt19937& rng) {
  std::string out(4096, '\0');
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& c : out) {
    c = static_cast<char>(byte(rng));
    if (c == '\n') c = '\r';
  }
  return out;
}

}  // namespace

Session::Session(tcp::socket socket, World& world, int id)
    : connection_(std::move(socket), world.tls),
      world_(world),
      id_(id),
      outbox_(connection_, world.options.fault == Fault::drip ? world.options.drip
                                                              : std::chrono::milliseconds(0)) {}

void Session::start(const std::shared_ptr<Session>& self) {
  auto& sessions = self->world_.sessions;
  std::erase_if(sessions, [](const auto& w) { return w.expired(); });
  sessions.push_back(self);
  asio::co_spawn(self->connection_.executor(), write_loop(self), asio::detached);
  asio::co_spawn(self->connection_.executor(), read_loop(self), asio::detached);
}

awaitable<void> Session::write_loop(std::shared_ptr<Session> self) { co_await self->outbox_.run(); }

awaitable<void> Session::read_loop(std::shared_ptr<Session> self) {
  const Fault fault = self->world_.options.fault;
  boost::system::error_code handshake_error;
  if (!co_await self->connection_.handshake(handshake_error)) {
    std::fprintf(stderr, "eecall-ami-sim: connection %d: TLS handshake failed: %s\n", self->id_,
                 handshake_error.message().c_str());
    self->outbox_.close_after_flush();
    co_return;
  }
  if (self->world_.tls != nullptr) {
    const auto name = self->connection_.tls_server_name();
    self->world_.log.note(self->id_, name.empty() ? "TLS, no server name (SNI)" : "TLS, server name (SNI) " + name);
  }
  if (fault == Fault::garbage) {
    self->outbox_.send_endlessly([&rng = self->world_.rng] { return noise(rng); });
  } else if (fault != Fault::no_banner) {
    self->outbox_.send(self->world_.options.banner + "\r\n");
  }
  if (fault == Fault::close_after_banner) {
    self->outbox_.close_after_flush();
    co_return;
  }
  std::array<char, 8192> buffer{};
  bool open = true;
  while (open && !self->outbox_.closing()) {
    boost::system::error_code ec;
    const std::size_t n = co_await self->connection_.read_some(asio::buffer(buffer), ec);
    if (ec) break;
    self->reader_.feed(std::string_view(buffer.data(), n));
    while (open) {
      auto next = self->reader_.next();
      if (!next) {
        std::fprintf(stderr, "eecall-ami-sim: connection %d: %s; closing\n", self->id_,
                     next.failure().message.c_str());
        open = false;
        break;
      }
      if (!next.value()) break;
      const Request request = std::move(*next.value());
      self->world_.log.received(self->id_, request.raw);
      open = co_await self->handle(request);
    }
  }
  self->world_.log.received(self->id_, self->reader_.take_unreturned());
  self->outbox_.close_after_flush();
}

void Session::send(const ami::Message& message) { outbox_.send(wire(message)); }

void Session::misbehave(const ami::Message& request) {
  if (world_.options.fault == Fault::endless_line) {
    // The start of a normal reply, then a Message value that never ends.
    std::string head = wire(start_reply(request, "Success"));
    head.resize(head.size() - 2);  // without the empty line that would end the message
    outbox_.send(head + "Message: ");
    outbox_.send_endlessly([] { return std::string(16384, 'x'); });
    return;
  }
  // flood: call events, as a busy PBX sends them, for ever; the action's answer never comes.
  std::string batch;
  for (int i = 0; i < 32; ++i) {
    auto event = start_event(i % 2 == 0 ? "Newchannel" : "Newstate", "call,all");
    char channel[40];
    std::snprintf(channel, sizeof channel, "PJSIP/%d-%08x", 100 + i % 5, static_cast<unsigned>(i));
    event.add("Channel", channel);
    event.add("ChannelState", i % 2 == 0 ? "0" : "5");
    event.add("ChannelStateDesc", i % 2 == 0 ? "Down" : "Ringing");
    event.add("CallerIDNum", "100");
    event.add("Context", "from-internal");
    event.add("Exten", "291");
    event.add("Uniqueid", "1700000000." + std::to_string(i));
    batch += wire(event);
  }
  outbox_.send_endlessly([batch = std::move(batch)] { return batch; });
}

void Session::send_event(const ami::Message& event, ClassMask category) {
  // __manager_event_sessions_va(): readperm and send_events must both have the class.
  const ClassMask read = user_ != nullptr ? user_->read : 0;
  if (authenticated_ && (send_events_ & category) == category && (read & category) == category) {
    send(event);
  }
}

void deliver(World& world, const std::weak_ptr<Session>& origin, const ami::Message& event,
             ClassMask category) {
  if (!world.options.broadcast_events) {
    if (const auto session = origin.lock()) session->send_event(event, category);
    return;
  }
  for (const auto& weak : world.sessions) {
    if (const auto session = weak.lock()) session->send_event(event, category);
  }
}

// action_listcommands(): the actions the user's write classes allow (or that need none).
void Session::list_commands(const ami::Message& request) {
  auto out = start_reply(request, "Success");
  const ClassMask write = user_ != nullptr ? user_->write : 0;
  for (const auto& a : actions) {
    if ((a.authority != 0 && (write & a.authority) == 0) || find_action(a.name, world_.options) == nullptr) continue;
    out.add(std::string(a.name), std::string(a.synopsis) + "  (Priv: " + authority_to_str(a.authority) + ")");
  }
  send(out);
}

awaitable<bool> Session::handle(const Request& request) {
  const Fault fault = world_.options.fault;
  if (fault == Fault::no_banner || fault == Fault::garbage || stalled_) co_return true;
  if (authenticated_ && fault == Fault::stall_action) co_return true;
  if (authenticated_ && (fault == Fault::flood || fault == Fault::endless_line)) {
    misbehave(request.message);
    stalled_ = true;
    co_return true;
  }
  if (authenticated_ && fault == Fault::close_mid_reply) {
    outbox_.send("Response: Success\r\n");
    co_return false;
  }
  switch (request.status) {
    case Request::Status::too_many_lines:
      send(reply(request.message, "Error", "Too many lines in message or allocation failure"));
      co_return true;
    case Request::Status::line_too_long:
      send(reply(request.message, "Error", "Failed to parse message: line too long"));
      co_return true;
    case Request::Status::ok:
      break;
  }
  co_return co_await process(request.message);
}

awaitable<bool> Session::process(const ami::Message& request) {
  const std::string_view action = action_of(request);
  if (action.empty()) {
    send(reply(request, "Error", "Missing action in request"));
    co_return true;
  }
  if (!authenticated_ && !text::iequals(action, "Login") && !text::iequals(action, "Logoff") &&
      !text::iequals(action, "Challenge")) {
    send(reply(request, "Error", "Permission denied"));
    co_return true;
  }
  const ActionEntry* entry = find_action(action, world_.options);
  if (entry == nullptr) {
    std::string unknown = "Invalid/unknown command: " + std::string(action) +
                          ". Use Action: ListCommands to show available commands.";
    if (unknown.size() > 511) unknown.resize(511);  // snprintf(buf[512])
    send(reply(request, "Error", unknown));
    co_return true;
  }
  const ClassMask write = user_ != nullptr ? user_->write : 0;
  if (entry->authority != 0 && (write & entry->authority) == 0) {
    send(reply(request, "Error", "Permission denied"));
    co_return true;
  }
  switch (entry->kind) {
    case Kind::login:
      co_return co_await login(request);
    case Kind::logoff:
      if (world_.options.fault == Fault::slow_logoff) co_return true;
      send(reply(request, "Goodbye", "Thanks for all the fish."));
      co_return false;
    case Kind::challenge:
      challenge(request);
      break;
    case Kind::ping:
      ping(request);
      break;
    case Kind::events:
      events(request);
      break;
    case Kind::originate:
      co_await originate(request);
      break;
    case Kind::message_send:
      message_send(request);
      break;
    case Kind::hangup:
      hangup(request);
      break;
    case Kind::agi:
      agi(request);
      break;
    case Kind::redirect:
      redirect(request);
      break;
    case Kind::list_commands:
      list_commands(request);
      break;
    case Kind::core_settings:
      core_settings(request);
      break;
    case Kind::module_check:
      module_check(request);
      break;
    case Kind::pjsip_show_endpoint:
      pjsip_show_endpoint(request);
      break;
    case Kind::sip_show_peer:
      sip_show_peer(request);
      break;
    case Kind::setvar:
      setvar(request);
      break;
    case Kind::not_simulated:
      send(reply(request, "Error", "Not simulated by eecall-ami-sim"));
      break;
  }
  co_return true;
}

}  // namespace eecall::sim
