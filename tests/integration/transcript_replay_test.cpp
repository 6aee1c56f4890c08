// Replays sessions recorded from a real Asterisk 20 (tests/data) against our AMI client:
// a loopback server plays Asterisk's recorded bytes, chunk by chunk as they were received, and
// checks that what the client sends is what the recorded client sent. So both our writer
// (bytes on the wire) and our reader (Asterisk's real replies, events interleaved) are held
// to what Asterisk really did.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "eecall/ami/client.hpp"
#include "support/transcript.hpp"

namespace eecall::test {
namespace {

// What the replay server saw: each client message, and whether it matched the recording.
struct Exchange {
  std::string action_id;
  std::string sent;      // the client's bytes
  std::string recorded;  // the recorded client's bytes for the same ActionID ("" if none)
};

class ReplayServer {
 public:
  explicit ReplayServer(Connection connection) : connection_(std::move(connection)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ReplayServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// Valid once the client is done (joins the server thread).
  const std::vector<Exchange>& exchanges() {
    if (thread_.joinable()) thread_.join();
    return exchanges_;
  }

 private:
  void send_chunks_from(std::size_t index, int fd) {
    for (; index < connection_.size() && connection_[index].direction == 'S'; ++index) {
      const auto& bytes = connection_[index].bytes;
      if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0) return;
      ::usleep(2000);  // keep the recorded chunking: separate reads on the client side
    }
  }

  void serve() {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    send_chunks_from(0, fd);  // the banner
    std::string pending;
    char buf[4096];
    bool open = true;
    while (open) {
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<std::size_t>(n));
      for (auto end = pending.find("\r\n\r\n"); end != std::string::npos; end = pending.find("\r\n\r\n")) {
        Exchange ex;
        ex.sent = pending.substr(0, end + 4);
        pending.erase(0, end + 4);
        ex.action_id = header_value(ex.sent, "ActionID");
        std::size_t found = connection_.size();
        for (std::size_t i = 0; i < connection_.size(); ++i) {
          if (connection_[i].direction == 'C' && header_value(connection_[i].bytes, "ActionID") == ex.action_id) {
            found = i;
            break;
          }
        }
        if (found == connection_.size()) {
          exchanges_.push_back(ex);
          open = false;  // not in the recording: hang up, the test will say why
          break;
        }
        ex.recorded = connection_[found].bytes;
        exchanges_.push_back(ex);
        send_chunks_from(found + 1, fd);
        if (header_value(ex.sent, "Action") == "Logoff") open = false;  // Asterisk closes
      }
    }
    ::close(fd);
  }

  Connection connection_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::vector<Exchange> exchanges_;
};

ami::ActionIdSource fixed_ids(std::map<std::string, std::string> ids) {
  return [ids = std::move(ids)](std::string_view step) { return ids.at(std::string(step)); };
}

Request call(std::string from, std::string to, std::uint16_t port) {
  Request r;
  r.action = ActionKind::call;
  r.host = "127.0.0.1";
  r.port = port;
  r.user = "eedomus";
  r.secret = "s3cret";
  r.from = std::move(from);
  r.to = std::move(to);
  return r;
}

Request message(std::string to, MessageDriver drv, std::string text, std::uint16_t port) {
  Request r = call("eedomus", std::move(to), port);
  r.action = ActionKind::message;
  r.driver = drv;
  r.message = std::move(text);
  return r;
}

ami::ClientSettings recorded_settings(std::string channel_template = "Local/{from}@{context}") {
  ami::ClientSettings s;
  s.total_timeout = std::chrono::seconds(10);
  s.auth = ami::AuthMethod::plain;     // these recordings logged in with Secret
  s.call.caller_id_name = "eeDomus";  // what the recording tool put in CallerID
  s.call.channel_template = std::move(channel_template);
  return s;
}

const Exchange* find(const std::vector<Exchange>& exchanges, const std::string& id) {
  for (const auto& e : exchanges) {
    if (e.action_id == id) return &e;
  }
  return nullptr;
}

void expect_same_bytes(const std::vector<Exchange>& exchanges, const std::string& id) {
  const auto* e = find(exchanges, id);
  ASSERT_NE(e, nullptr) << "the client never sent ActionID " << id;
  EXPECT_EQ(e->sent, e->recorded) << "bytes for ActionID " << id << " differ from the recording";
}

// The recording tool put CallerID "eeDomus" <291> on every call, whatever the Exten: compare
// everything but that line.
std::string without_header(std::string raw, const std::string& name) {
  const auto pos = raw.find("\r\n" + name + ": ");
  if (pos == std::string::npos) return raw;
  return raw.erase(pos, raw.find("\r\n", pos + 2) - pos);
}

void expect_same_bytes_except(const std::vector<Exchange>& exchanges, const std::string& id,
                              const std::string& header) {
  const auto* e = find(exchanges, id);
  ASSERT_NE(e, nullptr) << "the client never sent ActionID " << id;
  EXPECT_EQ(without_header(e->sent, header), without_header(e->recorded, header));
}

TEST(TranscriptReplay, CallLocalChannelEventsOffMatchesRecordingByteForByte) {
  ReplayServer server(load_transcript("b4_originate_local_async_events_off.txt").at(0));
  ami::Client client(recorded_settings(), fixed_ids({{"login", "L1"}, {"action", "x1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(call("100", "291", server.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.message, "Originate successfully queued");
  EXPECT_EQ(outcome.action_id, "x1");
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "L1");
  expect_same_bytes(ex, "x1");
  expect_same_bytes(ex, "L2");
}

TEST(TranscriptReplay, CallWhileEventsFloodSkipsEventsAndFindsOurResponse) {
  // b5 logged in with Events: on, so Asterisk interleaved FullyBooted, SuccessfulAuth and the
  // whole call's events with the responses; our Login differs (Events: off) but our reader
  // must still pick out exactly the Response with our ActionID.
  ReplayServer server(load_transcript("b5_originate_local_async_events_on.txt").at(0));
  ami::Client client(recorded_settings(), fixed_ids({{"login", "L1"}, {"action", "x1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(call("100", "291", server.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.message, "Originate successfully queued");
  expect_same_bytes(server.exchanges(), "x1");
}

TEST(TranscriptReplay, MessagePjsipUtf8MatchesRecordingByteForByte) {
  auto connection = load_transcript("e1_messagesend_pjsip.txt").at(0);
  ReplayServer server(connection);
  ami::Client client(recorded_settings(), fixed_ids({{"login", "L1"}, {"action", "m2"}, {"logoff", "L2"}}));
  const auto outcome =
      client.run(message("101", MessageDriver::pjsip, "Alerte d\xc3\xa9" "bordement cuve", server.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.message, "Message successfully sent");
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "L1");
  expect_same_bytes(ex, "m2");
}

TEST(TranscriptReplay, ChanSipUnknownPeerIsActionFailedWithAsterisksText) {
  ReplayServer server(load_transcript("e2_messagesend_chansip.txt").at(0));
  ami::Client client(recorded_settings(), fixed_ids({{"login", "L1"}, {"action", "m2"}, {"logoff", "L2"}}));
  const auto outcome =
      client.run(message("999", MessageDriver::sip, "Alerte d\xc3\xa9" "bordement cuve", server.port()));
  EXPECT_EQ(outcome.error, ErrorCode::action_failed);
  EXPECT_EQ(outcome.message, "Message failed to send.");
  const auto* sent = find(server.exchanges(), "m2");
  ASSERT_NE(sent, nullptr);
  EXPECT_EQ(header_value(sent->sent, "To"), "sip:999");
  EXPECT_EQ(header_value(sent->sent, "Body"), header_value(sent->recorded, "Body"));
}

TEST(TranscriptReplay, WrongSecretIsAuthFailedAndNothingElseIsSent) {
  ReplayServer server(load_transcript("a2_login_wrong_secret.txt").at(0));
  ami::Client client(recorded_settings(), fixed_ids({{"login", "L1"}, {"action", "x1"}, {"logoff", "L2"}}));
  auto request = call("100", "291", server.port());
  request.secret = "wrong";
  const auto outcome = client.run(request);
  EXPECT_EQ(outcome.error, ErrorCode::auth_failed);
  EXPECT_EQ(outcome.message, "Authentication failed");
  const auto& ex = server.exchanges();
  ASSERT_EQ(ex.size(), 1u) << "after a failed login the client must send nothing more";
  EXPECT_EQ(header_value(ex[0].sent, "Secret"), "wrong");
}

TEST(TranscriptReplay, ReadOnlyUserIsPermissionDenied) {
  ReplayServer server(load_transcript("d1_readonly_permission_denied.txt").at(0));
  ami::Client client(recorded_settings("PJSIP/{from}"),
                     fixed_ids({{"login", "L1"}, {"action", "x1"}, {"logoff", "L2"}}));
  auto request = call("100", "291", server.port());
  request.user = "readonly";
  request.secret = "ro";
  const auto outcome = client.run(request);
  EXPECT_EQ(outcome.error, ErrorCode::permission_denied);
  EXPECT_EQ(outcome.message, "Permission denied");
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "L1");
  expect_same_bytes(ex, "x1");
}

TEST(TranscriptReplay, UnknownExtensionIsActionFailedWithAsterisksText) {
  ReplayServer server(load_transcript("c6_originate_pjsip_to_unknown_exten.txt").at(0));
  ami::Client client(recorded_settings("PJSIP/{from}"),
                     fixed_ids({{"login", "L1"}, {"action", "async1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(call("100", "999", server.port()));
  EXPECT_EQ(outcome.error, ErrorCode::action_failed);
  EXPECT_EQ(outcome.message, "Extension does not exist.");
  expect_same_bytes_except(server.exchanges(), "async1", "CallerID");
}

TEST(TranscriptReplay, Md5ChallengeLoginMatchesRecordingByteForByte) {
  // a3 has no action after the login: the server hangs up when ours arrives, which the client
  // reports as a protocol error. What matters here is that Challenge and Login are the bytes
  // Asterisk accepted, Key computed from the recorded challenge.
  ReplayServer server(load_transcript("a3_login_md5_challenge_ok.txt").at(0));
  auto settings = recorded_settings();
  settings.auth = ami::AuthMethod::md5;
  ami::Client client(settings, fixed_ids({{"challenge", "C1"}, {"login", "L1"}, {"action", "none"},
                                          {"logoff", "L2"}}));
  const auto outcome = client.run(call("100", "291", server.port()));
  EXPECT_EQ(outcome.error, ErrorCode::protocol_error) << outcome.message;
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "C1");
  expect_same_bytes(ex, "L1");
}

TEST(TranscriptReplay, Md5WrongKeyIsAuthFailed) {
  ReplayServer server(load_transcript("a4_login_md5_wrong_key.txt").at(0));
  auto settings = recorded_settings();
  settings.auth = ami::AuthMethod::md5;
  ami::Client client(settings, fixed_ids({{"challenge", "C1"}, {"login", "L1"}, {"action", "x1"},
                                          {"logoff", "L2"}}));
  auto request = call("100", "291", server.port());
  request.secret = "not-the-secret";
  const auto outcome = client.run(request);
  EXPECT_EQ(outcome.error, ErrorCode::auth_failed);
  EXPECT_EQ(outcome.message, "Authentication failed");
}

}  // namespace
}  // namespace eecall::test

// --- waiting for the call's outcome (OriginateResponse) --------------------------------------

namespace eecall::test {
namespace {

// These recordings predate the ChannelId eecall now gives a waited-for call (so that its events,
// where a busy phone shows, can be told from other calls'): everything else must be the same.
Request waited_call(std::string from, std::uint16_t port, int ring_seconds = 30) {
  Request r = call(std::move(from), "291", port);
  r.wait = std::chrono::seconds(20);
  r.ring_seconds = ring_seconds;
  return r;
}

TEST(TranscriptReplayWait, AnsweredCallMatchesRecordingAndReportsReason4) {
  // b2: Login with Events: call, Originate PJSIP/100 -> 291, the whole call's events, then
  // OriginateResponse with our ActionID, Response: Success, Reason: 4.
  ReplayServer server(load_transcript("b2_originate_pjsip_async_events_call.txt").at(0));
  ami::Client client(recorded_settings("PJSIP/{from}"),
                     fixed_ids({{"login", "L1"}, {"action", "x1"}, {"channel", "eecall-c1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(waited_call("100", server.port()));
  EXPECT_TRUE(outcome.ok()) << outcome.message;
  EXPECT_EQ(outcome.reason, 4);
  EXPECT_EQ(outcome.channel, "PJSIP/100-00000001");
  EXPECT_EQ(outcome.uniqueid, "1795693211.1");
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "L1");
  expect_same_bytes_except(ex, "x1", "ChannelId");
  EXPECT_EQ(header_value(find(ex, "x1")->sent, "ChannelId"), "eecall-c1");
}

TEST(TranscriptReplayWait, UnknownEndpointIsCallFailedWithReason0) {
  ReplayServer server(load_transcript("c1_originate_unknown_pjsip_endpoint.txt").at(0));
  ami::Client client(recorded_settings("PJSIP/{from}"),
                     fixed_ids({{"login", "L1"}, {"action", "async1"}, {"channel", "eecall-c1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(waited_call("999", server.port()));
  EXPECT_EQ(outcome.error, ErrorCode::call_failed) << outcome.message;
  EXPECT_EQ(outcome.reason, 0);
  EXPECT_EQ(outcome.uniqueid, "") << "Asterisk's '<unknown>' is not a Uniqueid";
  const auto& ex = server.exchanges();
  expect_same_bytes(ex, "L1");
  expect_same_bytes_except(ex, "async1", "ChannelId");
}

TEST(TranscriptReplayWait, PhoneThatNeverAnswersIsNoAnswerWithReason3) {
  ReplayServer server(load_transcript("c5_originate_dead_port_timeout.txt").at(0));
  ami::Client client(recorded_settings("PJSIP/{from}"),
                     fixed_ids({{"login", "L1"}, {"action", "async1"}, {"channel", "eecall-c1"}, {"logoff", "L2"}}));
  const auto outcome = client.run(waited_call("104", server.port(), 8));
  EXPECT_EQ(outcome.error, ErrorCode::no_answer) << outcome.message;
  EXPECT_EQ(outcome.reason, 3);
  expect_same_bytes_except(server.exchanges(), "async1", "ChannelId");
}

}  // namespace
}  // namespace eecall::test
