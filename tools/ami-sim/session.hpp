// One AMI connection: banner, then Asterisk's process_message() for every request, with the
// session state (login, MD5 challenge, event mask) and the --fault behaviours.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "asio.hpp"
#include "connection.hpp"
#include "eecall/ami/message.hpp"
#include "outbox.hpp"
#include "permissions.hpp"
#include "request_reader.hpp"
#include "world.hpp"

namespace eecall::sim {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, World& world, int id);

  /// Spawns the reader and the writer of a new connection.
  static void start(const std::shared_ptr<Session>& self);

  /// Sends `event` if this session is logged in and both its event mask (Login's Events,
  /// Action Events) and its user's read classes have all of `category`.
  void send_event(const ami::Message& event, ClassMask category);

 private:
  static awaitable<void> read_loop(std::shared_ptr<Session> self);
  static awaitable<void> write_loop(std::shared_ptr<Session> self);

  // Each returns false when the connection must close.
  awaitable<bool> handle(const Request& request);
  awaitable<bool> process(const ami::Message& request);
  awaitable<bool> login(const ami::Message& request);
  awaitable<void> originate(const ami::Message& request);

  bool authenticate(const ami::Message& request);
  void challenge(const ami::Message& request);
  void ping(const ami::Message& request);
  void events(const ami::Message& request);
  void message_send(const ami::Message& request);
  void hangup(const ami::Message& request);
  void agi(const ami::Message& request);
  void redirect(const ami::Message& request);
  void hangup_matching(const ami::Message& request, std::string_view regex, int cause);
  // What `eecall --check` asks (session_check.cpp; tests/data/k*).
  void list_commands(const ami::Message& request);
  void core_settings(const ami::Message& request);
  void module_check(const ami::Message& request);
  void pjsip_show_endpoint(const ami::Message& request);
  void sip_show_peer(const ami::Message& request);
  void setvar(const ami::Message& request);

  void send(const ami::Message& message);
  /// --fault flood / endless-line, in place of the answer to `request`.
  void misbehave(const ami::Message& request);

  Connection connection_;
  World& world_;
  int id_;
  Outbox outbox_;
  RequestReader reader_;

  bool authenticated_ = false;
  bool stalled_ = false;       // a synchronous Originate that never returns
  const User* user_ = nullptr;
  std::string challenge_;      // generated once per session
  ClassMask send_events_ = -1;  // build_mansession(): every class
};

/// An event of a call placed by `origin`: to that session only, or with --broadcast-events
/// to every session (as Asterisk does); each session filters by `category`.
void deliver(World& world, const std::weak_ptr<Session>& origin, const ami::Message& event,
             ClassMask category);

}  // namespace eecall::sim
