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

  /// Sends `event` if this session is logged in and its event mask has all of `category`.
  void send_event(const ami::Message& event, ClassMask category);

 private:
  static awaitable<void> read_loop(std::shared_ptr<Session> self);
  static awaitable<void> write_loop(std::shared_ptr<Session> self);
  static awaitable<void> publish_later(std::shared_ptr<Session> self,
                                       std::chrono::milliseconds delay, ami::Message event);

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

  void send(const ami::Message& message);
  /// --fault flood / endless-line, in place of the answer to `request`.
  void misbehave(const ami::Message& request);
  /// A call-class event: to this session, or with --broadcast-events to every session.
  void publish(const ami::Message& event);

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

}  // namespace eecall::sim
