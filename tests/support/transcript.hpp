// Recorded AMI sessions (tests/data/*.txt, copied from a real Asterisk 20) as raw byte chunks.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace eecall::test {

/// One recorded recv()/send(): 'C' = client to Asterisk, 'S' = Asterisk to client.
struct Chunk {
  char direction = 'S';
  std::string bytes;
  /// When it was received, from the start of the scenario ("# S +0.006s 495 bytes").
  std::chrono::microseconds at{0};
};

/// One TCP connection of a scenario, in order.
using Connection = std::vector<Chunk>;

/// Parses a transcript file (format: tests/data/README.md); one entry per TCP connection.
std::vector<Connection> load_transcript(const std::string& file_name);

/// One whole AMI message of a recorded connection, and when its last byte was received.
struct TimedMessage {
  std::string raw;  // its lines and the empty line that ends it
  std::chrono::microseconds at{0};
};

/// The messages one side (`direction` 'C' or 'S') sent on `connection`, in order; the
/// banner line that opens the server side is not a message and is left out.
std::vector<TimedMessage> messages_of(const Connection& connection, char direction);

/// Decodes the transcript escaping (\r \n \\ \xNN) of one line body.
std::string unescape(const std::string& escaped);

/// The value of `Name:` in one raw AMI message ("" if absent); names case-insensitive.
std::string header_value(const std::string& raw_message, const std::string& name);

}  // namespace eecall::test
