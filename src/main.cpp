// eecall: CGI program when a web server starts it, AGI program when Asterisk runs it with
// callin=NAME (an incoming call), command-line tool otherwise.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "eecall/edge/agi.hpp"
#include "eecall/edge/cgi.hpp"
#include "eecall/edge/cli.hpp"
#include "eecall/action/log.hpp"

// Under AddressSanitizer main() returns normally, so that LeakSanitizer checks at exit.
#if defined(__SANITIZE_ADDRESS__)
#define EECALL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EECALL_SANITIZED 1
#endif
#endif

namespace {

int run(int argc, char** argv) {
  const auto env = eecall::process_environment();
  if (eecall::is_cgi(env)) return eecall::run_cgi(env, std::cin, std::cout);
  if (auto menu = eecall::agi_menu_name(argc, argv)) return eecall::run_agi(*menu, env);
  return eecall::run_cli(argc, argv, env, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a vanished client or PBX is an error value, not a kill
  eecall::log::init();
  const int status = run(argc, argv);
#ifdef EECALL_SANITIZED
  return status;
#else
  // The answer is written: flush it and leave without the exit handlers, which only free memory
  // the kernel frees anyway. After an MD5 login or TLS, OpenSSL's own atexit clean-up is about
  // 8 % of a whole request (docs/performance.md).
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
#endif
}
