#!/usr/bin/env bash
# Builds eecall, the simulator and every test with AddressSanitizer and UndefinedBehavior-
# Sanitizer (any report is fatal: -fno-sanitize-recover=all) in ./build-asan and runs ctest.
# A sanitizer report in eecall makes it exit non-zero, which the tests check. The web-server,
# Debian-package and real-Asterisk tests (labels web, package, real) are left to
# ./scripts/test.sh: they run the same binary behind Apache/lighttpd/nginx, cpack and a real
# Asterisk, would not exercise other code, and the real suite would cost CI another minute.
#   ./scripts/sanitize.sh [ctest options]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# GCC 12's manual (-fsanitize=...): "the enabled sanitizer options tend to increase a
# false-positive rate of selected warnings, most notably -Wmaybe-uninitialized". Under it GCC 12
# warned 50 times in std::regex's std::function and once in Asio's coroutine frame; the plain
# build (./scripts/test.sh), which has these warnings on, has none.
flags+=" -Wno-maybe-uninitialized -Wno-mismatched-new-delete"
# -O1 -g1 instead of RelWithDebInfo's -O2 -g: GCC's sanitizer instrumentation at -O2 with full
# debug information made this build the longest step of CI (a test file took 2.4 times as long
# to compile; docs/performance.md, "CI time"). -O1 is what AddressSanitizer's manual advises
# and -g1 keeps file:line in every report's stack.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
built=$SECONDS
cmake --build build-asan -j"$(nproc)"
echo "sanitize.sh: build took $((SECONDS - built)) s"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tested=$SECONDS status=0
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE 'web|package|real' "$@" || status=$?
echo "sanitize.sh: tests took $((SECONDS - tested)) s (per label: ctest's Label Time Summary above)"
exit "$status"
