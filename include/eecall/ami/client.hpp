// The AMI client core: one TCP session per request, every step under a deadline.
//
// resolve -> connect -> banner -> [Challenge] -> Login -> Originate | MessageSend -> Logoff.
// It knows nothing of CGI or rendering: it takes a Request and returns an Outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/framing.hpp"
#include "eecall/outcome.hpp"
#include "eecall/request.hpp"

namespace eecall::ami {

enum class AuthMethod { plain, md5 };

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
  ReadLimits limits;
};

/// Where ActionIDs come from. Default: `eecall-<random>-<n>`, unique per session; tests
/// inject fixed ones to replay recorded transcripts byte for byte.
using ActionIdSource = std::function<std::string(std::string_view step)>;
ActionIdSource random_action_ids();

/// The resolver step, replaceable in tests. Returns "address" strings (IP literals).
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host,
                                                                std::chrono::milliseconds)>;
Resolver system_resolver();

class Client {
 public:
  explicit Client(ClientSettings settings, ActionIdSource ids = random_action_ids(),
                  Resolver resolver = system_resolver());

  /// Runs the whole session. Never throws; any failure is in the Outcome.
  Outcome run(const Request& request);

 private:
  ClientSettings settings_;
  ActionIdSource ids_;
  Resolver resolver_;
};

}  // namespace eecall::ami
