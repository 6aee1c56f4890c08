// The session: resolve, connect (TLS when configured), banner, login; then requests and waits
// on the logged-in connection, and Logoff. The bytes go through the transport (transport.hpp).
#include "eecall/ami/session.hpp"

#include <spdlog/spdlog.h>

#include "eecall/ami/client.hpp"
#include "eecall/util/text.hpp"
#include "transport.hpp"

namespace eecall::ami {

using std::chrono::milliseconds;

namespace {

// Peer bytes for the log: printable ASCII only, and not too many of them.
std::string sanitized(std::string_view raw, std::size_t max = 200) {
  std::string shown(raw.substr(0, max));
  for (auto& ch : shown) {
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7F) ch = '?';
  }
  return raw.size() > max ? shown + "..." : shown;
}

// Until a Login succeeds the peer is a stranger: any port a URL named. What it sent may go to
// the log (sanitised) but never into an answer, or eecall would be a port scanner that grabs
// banners for whoever can reach it. So the answer gets `answer_text`, which says only what
// kind of failure it was.
Failure from_stranger(const Endpoint& endpoint, ErrorCode code, std::string answer_text, std::string_view step,
                      std::string_view peer_said) {
  spdlog::warn("{}:{} {}: {} (the server sent '{}')", endpoint.host, endpoint.port, step, answer_text,
               sanitized(peer_said));
  return Failure{code, std::move(answer_text), std::string(step)};
}

// The addresses to connect to: a literal IP as it is (no DNS traffic, no delay), else the
// resolver's answer within `budget`.
Result<std::vector<std::string>> addresses_of(const std::string& host, const Resolver& resolver,
                                              milliseconds budget) {
  boost::system::error_code literal_ec;
  boost::asio::ip::make_address(host, literal_ec);
  if (!literal_ec) return std::vector<std::string>{host};
  return resolver(host, budget);
}

// A banner that is not Asterisk's is a stranger's words: only its kind reaches the answer.
Status check_banner(const Endpoint& endpoint, const std::string& banner) {
  spdlog::debug("AMI << banner '{}'", sanitized(banner));
  if (banner.starts_with("Asterisk Call Manager/")) return std::nullopt;
  return from_stranger(endpoint, ErrorCode::not_asterisk,
                       "the server at that address is not an Asterisk Manager Interface", "banner", banner);
}

// The reply to the MD5 Challenge: its challenge string, or what kind of refusal it was.
Result<std::string> challenge_of(const Endpoint& endpoint, const Message& reply) {
  const auto status = reply.get_or("Response");
  const auto challenge = reply.get("Challenge");
  if (status != "Success" && status != "Error") {
    return from_stranger(endpoint, ErrorCode::protocol_error, "unexpected reply to the MD5 challenge", "challenge",
                         redacted(reply));
  }
  if (status == "Error" || !challenge || challenge->empty()) {
    return from_stranger(endpoint, ErrorCode::auth_failed, "MD5 challenge refused (auth = plain may work)",
                         "challenge", redacted(reply));
  }
  return std::string(*challenge);
}

// The reply to the Login: done on Success; auth_failed or protocol_error otherwise.
Status judge_login_reply(const Endpoint& endpoint, const Message& reply) {
  const auto status = reply.get_or("Response");
  if (status == "Error") {
    // Asterisk answers a failed login after 1 s and closes: never retried (fail2ban). Its text
    // is always "Authentication failed"; only another one is worth a log line.
    constexpr std::string_view refused = "Authentication failed";
    if (reply.get_or("Message") == refused) return Failure{ErrorCode::auth_failed, std::string(refused), "login"};
    return from_stranger(endpoint, ErrorCode::auth_failed, std::string(refused), "login", redacted(reply));
  }
  if (status != "Success") {
    return from_stranger(endpoint, ErrorCode::protocol_error, "unexpected reply to the login", "login",
                         redacted(reply));
  }
  return std::nullopt;
}

}  // namespace

struct Session::Impl {
  Impl(const ClientSettings& s, Clock::time_point total, ActionIdSource& id_source)
      : settings(s), connection(s, total), ids(id_source) {}

  // Resolve (unless the host is an IP literal), connect, and TLS when configured.
  Status connect(const Endpoint& endpoint, const Resolver& resolver) {
    const auto left = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                                    connection.total_deadline() - Clock::now()));
    auto addresses = addresses_of(endpoint.host, resolver, std::min(left, settings.step_timeout));
    if (!addresses) return addresses.failure();
    if (auto failed = connection.connect(addresses.value(), endpoint.port)) return failed;
    local_address = connection.address(true);
    remote_address = connection.address(false);
    if (settings.tls) return connection.start_tls(endpoint.host, endpoint.port);
    return std::nullopt;
  }

  // Challenge (MD5) then Login, or Login (plain), with `events`.
  Status log_in(const Endpoint& endpoint, LoginEvents events) {
    auto login = login_action(endpoint, events);
    if (!login) return login.failure();
    auto reply = exchange(login.value(), std::string(login.value().get_or("ActionID")), "login");
    if (!reply) return reply.failure();
    return judge_login_reply(endpoint, reply.value());
  }

  // The Login action: with the MD5 key of a fresh challenge (the secret never crosses the
  // network), or plain.
  Result<Message> login_action(const Endpoint& endpoint, LoginEvents events) {
    if (settings.auth != AuthMethod::md5) return make_login(endpoint.user, endpoint.secret, events, ids("login"));
    const auto challenge_id = ids("challenge");
    auto reply = exchange(make_challenge(challenge_id), challenge_id, "challenge");
    if (!reply) return reply.failure();
    auto challenge = challenge_of(endpoint, reply.value());
    if (!challenge) return challenge.failure();
    return make_md5_login(endpoint.user, endpoint.secret, challenge.value(), events, ids("login"));
  }

  // Sends `action` and reads until the Response with ActionID `id`, whatever it says. The reply
  // to our own action is always read to its end: a cancel never interrupts it.
  Result<Message> exchange(const Message& action, const std::string& id, std::string_view step) {
    if (auto failed = connection.send(action, step)) return *failed;
    return connection.await([&](const Message& m) { return m.is_response() && m.get_or("ActionID") == id; }, step,
                            connection.step_deadline(), false);
  }

  const ClientSettings& settings;
  Connection connection;
  ActionIdSource& ids;
  bool logged_in = false;
  std::string banner;
  std::string local_address;  // kept once connected: the socket may be closed later
  std::string remote_address;
};

Session::Session(const ClientSettings& settings, Clock::time_point total_deadline, ActionIdSource& ids)
    : impl_(std::make_unique<Impl>(settings, total_deadline, ids)) {}

Session::~Session() { impl_->connection.close(); }

Clock::time_point Session::step_deadline() const { return impl_->connection.step_deadline(); }
Clock::time_point Session::total_deadline() const { return impl_->connection.total_deadline(); }
std::string Session::next_id(std::string_view step) { return impl_->ids(step); }
std::string Session::banner() const { return impl_->logged_in ? impl_->banner : std::string(); }
std::string Session::local_address() const { return impl_->local_address; }
std::string Session::remote_address() const { return impl_->remote_address; }

// From the connect until the Login succeeds, failures that carry the peer's words go through
// from_stranger(); the others (timeouts, a closed connection, an oversized line) are ours.
Status Session::open(const Endpoint& endpoint, const Resolver& resolver, LoginEvents events) {
  if (auto failed = impl_->connect(endpoint, resolver)) return failed;
  auto banner = impl_->connection.read_banner();
  if (!banner) return banner.failure();
  if (auto failed = check_banner(endpoint, banner.value())) return failed;
  if (auto failed = impl_->log_in(endpoint, events)) return failed;
  impl_->logged_in = true;
  impl_->banner = banner.value();
  return std::nullopt;
}

Result<Message> Session::exchange(const Message& action, const std::string& id, std::string_view step) {
  return impl_->exchange(action, id, step);
}

Status Session::send(const Message& action, std::string_view step) {
  return impl_->connection.send(action, step);
}

Result<Message> Session::request(const Message& action, std::string_view step) {
  auto reply = exchange(action, std::string(action.get_or("ActionID")), step);
  if (!reply) return reply.failure();
  const auto status = reply.value().get_or("Response");
  if (status == "Error") return action_error(reply.value(), step);
  if (status != "Success") {
    return Failure{ErrorCode::protocol_error, "unexpected reply 'Response: " + std::string(status) + "'",
                   std::string(step)};
  }
  return reply;
}

Result<Message> Session::await(const std::function<bool(const Message&)>& wanted, std::string_view step,
                               Clock::time_point deadline) {
  auto got = impl_->connection.await(wanted, step, deadline, true);
  // The plan chose this deadline (a ring time, a prompt, a grace): not the step timeout.
  if (!got && got.failure().code == ErrorCode::timeout && deadline < total_deadline()) {
    auto failure = got.failure();
    failure.message = "waiting for " + std::string(step) + " ran past its deadline";
    return failure;
  }
  return got;
}

bool Session::cancelled() { return impl_->connection.cancel_requested(); }

void Session::logoff() {
  auto& c = impl_->connection;
  if (impl_->logged_in && !c.closed()) {
    // Logoff is a courtesy: the outcome is known, so a slow Goodbye only costs a short wait.
    const auto id = next_id("logoff");
    if (!send(make_logoff(id), "logoff")) {
      const auto deadline = std::min(Clock::now() + impl_->settings.logoff_timeout, c.total_deadline());
      auto bye = c.await([&](const Message& m) { return m.is_response() && m.get_or("ActionID") == id; },
                         "logoff", deadline, false);
      if (!bye) spdlog::debug("logoff: {}", bye.failure().message);
    }
  }
  c.close();
}

Failure action_error(const Message& response, std::string_view step) {
  const auto text = std::string(response.get_or("Message", "no message"));
  if (text::iequals(text, "Permission denied")) return {ErrorCode::permission_denied, text, std::string(step)};
  return {ErrorCode::action_failed, text, std::string(step)};
}

}  // namespace eecall::ami
