// eecall: CGI program when a web server starts it, command-line tool otherwise.
#include <csignal>
#include <iostream>

#include "eecall/front/cgi.hpp"
#include "eecall/front/cli.hpp"
#include "eecall/log.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a vanished client or PBX is an error value, not a kill
  std::ios::sync_with_stdio(false);
  eecall::log::init();
  const auto env = eecall::front::process_environment();
  if (eecall::front::is_cgi(env)) return eecall::front::run_cgi(env, std::cin, std::cout);
  return eecall::front::run_cli(argc, argv, env, std::cout, std::cerr);
}
