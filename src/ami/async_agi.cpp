#include "eecall/ami/async_agi.hpp"

#include <charconv>

#include "eecall/util/text.hpp"

namespace eecall::ami {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decimal number (with an optional minus) at the start of `text`, and what follows it.
std::optional<int> leading_number(std::string_view& text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || next == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(next - text.data()));
  return value;
}

}  // namespace

std::string url_decode(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      const int high = hex_digit(encoded[i + 1]);
      const int low = hex_digit(encoded[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(encoded[i]);
  }
  return out;
}

std::optional<AgiReply> parse_agi_reply(std::string_view decoded) {
  while (!decoded.empty() && (decoded.back() == '\n' || decoded.back() == '\r')) decoded.remove_suffix(1);
  AgiReply reply;
  reply.text = std::string(decoded);
  auto rest = decoded;
  const auto code = leading_number(rest);
  if (!code || !rest.starts_with(" result=")) return std::nullopt;
  rest.remove_prefix(8);
  const auto result = leading_number(rest);
  if (!result) return std::nullopt;
  reply.code = *code;
  reply.result = *result;
  if (rest.starts_with(" (")) {
    const auto close = rest.find(')', 2);
    if (close == std::string_view::npos) return std::nullopt;
    reply.data = std::string(rest.substr(2, close - 2));
  }
  return reply;
}

AgiWatch::AgiWatch(std::string channel_id) : channel_id_(std::move(channel_id)) {}

void AgiWatch::feed(const Message& m) {
  if (!m.is_event() || channel_id_.empty() || m.get_or("Uniqueid") != channel_id_) return;
  const auto event = m.get_or("Event");
  if (text::iequals(event, "AsyncAGIStart")) {
    started_ = true;
  } else if (text::iequals(event, "AsyncAGIEnd")) {
    ended_ = true;
  } else if (text::iequals(event, "AsyncAGIExec")) {
    const auto decoded = url_decode(m.get_or("Result"));
    auto reply = parse_agi_reply(decoded);
    if (!reply) {
      reply = AgiReply{};
      reply->text = decoded;
    }
    replies_.insert_or_assign(std::string(m.get_or("CommandId")), std::move(*reply));
  }
}

std::optional<AgiReply> AgiWatch::reply(const std::string& command_id) const {
  auto it = replies_.find(command_id);
  if (it == replies_.end()) return std::nullopt;
  return it->second;
}

}  // namespace eecall::ami
