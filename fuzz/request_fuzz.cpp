// libFuzzer target: eecall::parse_request over a query string split as the command line does
// (`&` between pairs, the first `=` between name and value; the bytes are used as they are,
// so every percent-decoded form is reachable). When a request is accepted, the AMI action
// built from it must encode: whatever a URL carries, nothing that passed validation may be
// refused — or worse, reinterpreted — at the wire (CR/LF, edge blanks, overlong lines). For
// an alert, the application's Data must also hold exactly the arguments eecall meant: no value
// of the request may add a `,` (an argument) or a `&` (a file) of its own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <algorithm>
#include <string_view>
#include <vector>

#include "eecall/ami/actions.hpp"
#include "eecall/ami/framing.hpp"
#include "eecall/request/parse.hpp"

namespace {

eecall::Params split(std::string_view query) {
  eecall::Params params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    params.emplace_back(std::string(part.substr(0, eq)),
                        eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1)));
  }
  return params;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "request_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto request = eecall::parse_request(split(bytes));
  if (!request) {
    if (request.failure().message.empty()) fail("failure without a message", std::string(bytes));
    return 0;
  }
  auto r = request.value();
  std::vector<eecall::ami::Message> actions;
  switch (r.action) {
    case eecall::ActionKind::call:
      actions.push_back(eecall::ami::make_originate(r, eecall::ami::CallSettings{}, "eecall-fuzz-1", "eecall-fuzz-c"));
      break;
    case eecall::ActionKind::message:
      for (const auto& to : r.phones) actions.push_back(eecall::ami::make_message_send(r, to, "eecall-fuzz-1"));
      break;
    case eecall::ActionKind::alert:
      // What the front end would give a text to say: a cache file's path.
      if (r.alert.kind == eecall::PromptKind::say) r.alert.prompt = "/var/lib/eecall/audio/" + std::string(64, 'f');
      for (const auto& phone : r.phones) {
        const auto m = eecall::ami::make_alert_originate(r, phone, eecall::ami::CallSettings{},
                                                         eecall::ami::AlertSettings{}, "eecall-fuzz-1", "eecall-fuzz-c");
        const auto read_data = m.get_or("Data");
        const auto commas = std::count(read_data.begin(), read_data.end(), ',');
        const auto files = std::count(read_data.begin(), read_data.end(), '&') + 1;
        if (r.alert.ack ? (commas != 5 || files != 1) : (commas != 0 || files != r.alert.repeat)) {
          fail("alert data does not hold exactly its arguments", std::string(read_data));
        }
        actions.push_back(m);
      }
      break;
  }
  for (const auto& action : actions) {
    if (auto encoded = eecall::ami::encode(action); !encoded) fail("accepted but not encodable", encoded.failure().message);
  }
  // user and secret too: parse_request() refuses every byte encode() would refuse in them.
  const auto login = eecall::ami::make_login(r.user, r.secret, eecall::ami::LoginEvents::off, "eecall-fuzz-2");
  if (auto encoded = eecall::ami::encode(login); !encoded) {
    fail("login not encodable", encoded.failure().message);
  }
  return 0;
}
