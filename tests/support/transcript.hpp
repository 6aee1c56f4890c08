// Recorded AMI sessions (tests/data/*.txt, copied from a real Asterisk 20) as raw byte chunks.
#pragma once

#include <string>
#include <vector>

namespace eecall::test {

/// One recorded recv()/send(): 'C' = client to Asterisk, 'S' = Asterisk to client.
struct Chunk {
  char direction = 'S';
  std::string bytes;
};

/// One TCP connection of a scenario, in order.
using Connection = std::vector<Chunk>;

/// Parses a transcript file (format: tests/data/README.md); one entry per TCP connection.
std::vector<Connection> load_transcript(const std::string& file_name);

/// Decodes the transcript escaping (\r \n \\ \xNN) of one line body.
std::string unescape(const std::string& escaped);

/// The value of `Name:` in one raw AMI message ("" if absent); names case-insensitive.
std::string header_value(const std::string& raw_message, const std::string& name);

}  // namespace eecall::test
