#include "replies.hpp"

#include <iostream>

#include "eecall/ami/framing.hpp"

namespace eecall::sim {

ami::Message start_reply(const ami::Message& request, std::string_view kind) {
  ami::Message out{{"Response", std::string(kind)}};
  const auto id = request.get_or("ActionID");
  if (!id.empty()) out.add("ActionID", std::string(id));
  return out;
}

ami::Message reply(const ami::Message& request, std::string_view kind, std::string_view text) {
  auto out = start_reply(request, kind);
  out.add("Message", std::string(text));
  return out;
}

ami::Message start_event(std::string_view name, std::string_view privilege) {
  return {{"Event", std::string(name)}, {"Privilege", std::string(privilege)}};
}

std::string wire(const ami::Message& message) {
  auto encoded = ami::encode(message);
  if (encoded) return std::move(encoded).value();
  std::cerr << "eecall-ami-sim: encode() refused a reply (" << encoded.failure().message
            << "); sending Asterisk's plain formatting\n";
  std::string out;
  for (const auto& [name, value] : message.headers()) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

}  // namespace eecall::sim
