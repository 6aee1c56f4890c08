#!/usr/bin/env bash
# Installs the Debian 12 packages eecall needs. Safe to run again; needs root (or sudo).
#   scripts/install-deps.sh --build   only what building eecall and its .deb needs (no test
#                                     tools, no web server: fit for a FreePBX box whose Apache
#                                     owns port 80); scripts/build.sh uses it
#   scripts/install-deps.sh           also what testing, the demo and the benchmark need
#   ... --print                       prints the packages instead of installing them
set -euo pipefail
build_packages=(
  build-essential cmake pkg-config
  libboost-dev          # Boost.Asio (header-only)
  libcgicc-dev          # CGI request parsing
  libspdlog-dev         # logging (brings libfmt-dev)
  nlohmann-json3-dev    # JSON answers
  libcli11-dev          # command-line options
  nettle-dev            # MD5 (AMI login), SHA-256 (token check), base64: libnettle.a
  libssl-dev            # TLS to AMI: the eecall-tls.so module and the simulator
  # Spoken alerts: the eecall-speech.so module (src/speech/module.cpp).
  libespeak-ng-dev      # text to speech (espeak-ng's library, French voice by default)
  libsoxr-dev           # resampling espeak-ng's 22050 Hz to the 8000 Hz Asterisk plays
  libsndfile1-dev       # writing the WAV file
  libcurl4-openssl-dev  # a background job's notify_url: the eecall-notify.so module
  # The Debian package (cpack -G DEB): dpkg-shlibdeps (dpkg-dev), which needs `file`.
  dpkg-dev file
)
test_packages=(
  ca-certificates
  libgtest-dev          # GoogleTest
  lld                   # links the test programs faster than GNU ld (tests/CMakeLists.txt)
  libtinyxml2-dev       # the tests parse the XML answers back with an independent parser
  espeak-ng             # the command: the benchmark's anchor for synthesis (espeak-ng -w)
  # Web-server tests (tests/web): real servers run eecall as CGI, a Python client drives them.
  apache2 lighttpd nginx fcgiwrap curl python3
  # The package test's man page check, and its rotation of the job log by the shipped snippet.
  man-db logrotate
  # TLS tests (tests/integration/tls_test.cpp): a private CA and server certificates made at run time.
  openssl
  # Real Asterisk tests (tests/real, ctest -L real): the runtime libraries of the prebuilt
  # Asterisk 20 of ../shared/asterisk (its README), sipp playing the SIP phones, xz to unpack it.
  libssl3 libxml2 libxslt1.1 libsqlite3-0 libjansson4 libedit2 libuuid1 libcurl4 libsrtp2-1
  sip-tester xz-utils
  # Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes; llvm-symbolizer.
  clang-14 libclang-rt-14-dev llvm-14
  # Benchmark (bench/run.sh): lighttpd runs eecall as CGI under load from wrk; bench/hot-text.sh
  # lists the code a request runs with valgrind's callgrind.
  lighttpd wrk valgrind
)
case "${1:-}" in
  --build) packages=("${build_packages[@]}") ;;
  "" | --print) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 [--build] [--print]" >&2; exit 2 ;;
esac
# --print (last): the list, one a line, and nothing installed (the package test reads it).
if [ "${*: -1}" = --print ]; then printf '%s\n' "${packages[@]}"; exit 0; fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # The web servers are test tools here, started by the tests on 127.0.0.1. Debian would start
  # each newly installed one as a service on port 80, where the second one fails to start and
  # fails the install: while these packages install, a policy-rc.d (unless one exists) says no.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod 0755 "$policy"
    trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
