// eecall-ami-sim: an Asterisk Manager Interface simulator for eecall's tests (see --help).
#include <variant>

#include "options.hpp"
#include "server.hpp"

int main(int argc, char** argv) {
  auto parsed = eecall::sim::parse_options(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  return eecall::sim::serve(std::get<eecall::sim::Options>(parsed));
}
