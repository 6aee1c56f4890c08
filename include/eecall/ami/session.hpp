// One AMI session over one TCP connection (optionally TLS): connect, banner, login, then
// actions and events, each step under a deadline; Logoff at the end. Calls, messages and alerts
// are plans of steps run on one Session (src/ami/call.cpp, messages.cpp, alert.cpp).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/message.hpp"
#include "eecall/ami/resolver.hpp"
#include "eecall/util/result.hpp"

namespace eecall::ami {

struct ClientSettings;
using Clock = std::chrono::steady_clock;

/// Where ActionIDs (and ChannelIds) come from. Default: `eecall-<random>-<n>`, unique per
/// session; tests inject fixed ones to replay recorded transcripts byte for byte.
using ActionIdSource = std::function<std::string(std::string_view step)>;
ActionIdSource random_action_ids();

/// Where to log in, and with which event classes (LoginEvents: none, call, call + dialplan).
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string user;
  std::string secret;
};

class Session {
 public:
  /// `total_deadline` bounds everything; each step also has settings.step_timeout.
  Session(const ClientSettings& settings, Clock::time_point total_deadline, ActionIdSource& ids);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Resolve (unless `host` is an IP literal), connect, TLS when configured, banner, then
  /// Challenge + Login (MD5) or Login (plain) with `events`. No failure's message quotes what
  /// the server sent before the Login succeeded (the log may, sanitised): the answer only says
  /// what kind of failure it was.
  Status open(const Endpoint& endpoint, const Resolver& resolver, LoginEvents events);

  /// Writes one action (refused by the encoder if a value could break the framing).
  Status send(const Message& action, std::string_view step);

  /// Sends `action` (its ActionID must be set) and reads until its Response. `Response: Error`
  /// becomes permission_denied ("Permission denied") or action_failed with Asterisk's text.
  Result<Message> request(const Message& action, std::string_view step);

  /// Reads messages until `wanted` returns true for one (which is returned), or `deadline`.
  /// A timeout here leaves the session usable (the pending read is cancelled, not the
  /// connection), so a plan can still hang up its call and log off. Once settings.cancel_fd
  /// became readable, every such wait ends at once with `cancelled` (request() and logoff()
  /// still work: the plan hangs up and leaves).
  Result<Message> await(const std::function<bool(const Message&)>& wanted, std::string_view step,
                        Clock::time_point deadline);

  /// True once settings.cancel_fd became readable.
  [[nodiscard]] bool cancelled();

  /// Logoff, waiting at most settings.logoff_timeout for the Goodbye; then closes.
  void logoff();

  /// The server's first line (`Asterisk Call Manager/9.0.0`), once the login succeeded; empty
  /// before (a stranger's words never reach an answer).
  [[nodiscard]] std::string banner() const;
  /// The connection's two ends as "address" strings once connected (empty before): the
  /// address this host reaches the PBX from is what the PBX's `permit` must hold.
  [[nodiscard]] std::string local_address() const;
  [[nodiscard]] std::string remote_address() const;

  /// Now + settings.step_timeout, capped by the total deadline.
  [[nodiscard]] Clock::time_point step_deadline() const;
  [[nodiscard]] Clock::time_point total_deadline() const;
  [[nodiscard]] std::string next_id(std::string_view step);

 private:
  /// Sends `action` and reads until the Response with ActionID `id`, whatever it says.
  Result<Message> exchange(const Message& action, const std::string& id, std::string_view step);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A `Response: Error`'s failure: permission_denied ("Permission denied") or action_failed
/// with Asterisk's text.
Failure action_error(const Message& response, std::string_view step);

}  // namespace eecall::ami
