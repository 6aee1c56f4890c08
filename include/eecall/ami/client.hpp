// The AMI client core: one session per request, every step under a deadline.
//
// resolve -> connect -> banner -> [Challenge] -> Login -> the request's plan -> Logoff, where
// the plan is a call (Originate), messages (MessageSend each) or an alert (Originate with
// Read/Playback, phone after phone). It knows nothing of CGI or rendering: it takes a Request
// and returns its own RunResult (run_result.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/framing.hpp"
#include "eecall/ami/session.hpp"
#include "eecall/ami/run_result.hpp"
#include "eecall/request/request.hpp"

namespace eecall::ami {

enum class AuthMethod { plain, md5 };

/// A step of a call as a plan goes through it, for whoever follows the request's progress (a
/// background job's state file). The core only reports; it knows nothing of who listens.
struct Progress {
  enum class Step { ringing, answered, attempt_ended };
  Step step = Step::ringing;
  std::string phone;
  std::string channel_id;                 // the ChannelId eecall gave the call
  std::optional<AttemptOutcome> outcome;  // attempt_ended: how it ended
};
using ProgressObserver = std::function<void(const Progress&)>;

struct ClientSettings {
  std::chrono::milliseconds total_timeout{10000};  // the whole request
  std::chrono::milliseconds step_timeout{5000};    // any one step (capped by the total)
  std::chrono::milliseconds logoff_timeout{1000};  // the Goodbye is a courtesy: wait little
  AuthMethod auth = AuthMethod::md5;  // Challenge + Key: the secret never crosses the network
  /// TLS to AMI (Asterisk's tlsenable, usually port 5039): the certificate and the host name
  /// are verified against ca_file, or the system store when ca_file is empty; never a silent
  /// downgrade to plain TCP.
  bool tls = false;
  std::string ca_file;
  /// The TLS module (eecall-tls.so) to load; empty: the one next to the program or installed.
  std::string tls_module;
  CallSettings call;
  AlertSettings alert;
  ReadLimits limits;
  /// Told of each step of each call (ringing, answered, attempt ended); empty: nobody listens.
  ProgressObserver on_progress;
  /// A descriptor that becomes readable when the request must stop (a background job's cancel
  /// request): the wait for a call's events ends with `cancelled`, the plan hangs its call up
  /// (Hangup with the call's ChannelId), rings no further phone and logs off. -1: never.
  int cancel_fd = -1;
};

class Client {
 public:
  explicit Client(ClientSettings settings, ActionIdSource ids = random_action_ids(),
                  Resolver resolver = system_resolver());

  /// Runs the whole session. Never throws; any failure is in the RunResult.
  RunResult run(const Request& request);

 private:
  ClientSettings settings_;
  ActionIdSource ids_;
  Resolver resolver_;
};

}  // namespace eecall::ami
