// libFuzzer target: eecall::ami::Parser fed what a hostile AMI server could send, in chunk
// sizes chosen by the input, the way the client reads (banner line first, then messages).
// Checks: the buffer stays bounded by the limits (the memory promise of docs/security.md),
// a failure is final, and every message that encode() accepts parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "eecall/ami/framing.hpp"

namespace {

using eecall::ami::Message;
using eecall::ami::Parser;
using eecall::ami::ReadLimits;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ami_parser_fuzz: %s\n", what);
  std::abort();
}

bool same(const Message& a, const Message& b) {
  if (a.headers().size() != b.headers().size()) return false;
  for (std::size_t i = 0; i < a.headers().size(); ++i) {
    if (a.headers()[i].name != b.headers()[i].name || a.headers()[i].value != b.headers()[i].value) return false;
  }
  return true;
}

void round_trip(const Message& message) {
  const auto encoded = eecall::ami::encode(message);
  if (!encoded) return;  // encode() guards what we send; refusing is allowed
  Parser again;
  again.feed(encoded.value());
  const auto parsed = again.next_message();
  if (!parsed || !parsed.value()) fail("an encoded message does not parse back");
  if (!same(*parsed.value(), message)) fail("an encoded message parses back differently");
  const auto rest = again.next_message();
  if (!rest || rest.value() || again.buffered() != 0) fail("bytes left after an encoded message");
}

// Feeds `stream` in the chunk sizes of `sizes`, draining after each chunk like the client.
void run(std::string_view sizes, std::string_view stream, ReadLimits limits) {
  Parser parser(limits);
  bool banner = sizes.empty() || (static_cast<unsigned char>(sizes.front()) & 1) != 0;
  bool failed = false;
  std::size_t i = 0;
  while (!stream.empty()) {
    const std::size_t chunk = sizes.empty() ? 4096 : 1 + static_cast<unsigned char>(sizes[i++ % sizes.size()]) * 17u;
    const auto piece = stream.substr(0, chunk);
    stream.remove_prefix(piece.size());
    parser.feed(piece);
    for (;;) {
      if (banner) {
        const auto line = parser.next_line();
        if (!line) { failed = true; break; }
        if (!line.value()) break;
        banner = false;
        continue;
      }
      const auto next = parser.next_message();
      if (!next) {
        failed = true;
        // A failure is final: asking again, even with more bytes, gives it again.
        parser.feed("Response: Success\r\n\r\n");
        if (parser.next_message().ok()) fail("a failed parser recovered");
        break;
      }
      if (!next.value()) break;
      const Message& m = *next.value();
      if (m.empty()) fail("an empty message was returned");
      if (m.headers().size() > limits.max_headers) fail("more headers than max_headers");
      round_trip(m);
    }
    if (failed) return;
    // Bounded memory: once drained without failure, what is kept is at most one unfinished
    // line (its CR may be in, its LF still on the way).
    if (parser.buffered() > limits.max_line + 1) fail("buffer above the line limit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first bytes, up to a NUL, choose the chunk sizes; the rest is the server's stream.
  std::string_view sizes;
  std::string_view stream = bytes;
  if (const auto split = bytes.find('\0'); split != std::string_view::npos && split <= 16) {
    sizes = bytes.substr(0, split);
    stream = bytes.substr(split + 1);
  }
  run(sizes, stream, ReadLimits{});
  run(sizes, stream, ReadLimits{64, 256, 8});  // tiny limits reach every limit path quickly
  return 0;
}
