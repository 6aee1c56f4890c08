#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, AddressSanitizer and UndefinedBehavior-
# Sanitizer in ./build-fuzz, then runs each for SECONDS (default 60). Fails on any crash,
# leak, timeout or sanitizer report; the input that caused it is kept in build-fuzz/artifacts/.
#   ./scripts/fuzz.sh 60
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
./scripts/install-deps.sh
cxx="$(command -v clang++-14 || command -v clang++)"
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DEECALL_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_CXX_FLAGS="$flags" >/dev/null
targets=(request_fuzz ami_parser_fuzz)
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
mkdir -p build-fuzz/artifacts
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in "${targets[@]}"; do
  # New inputs go to build-fuzz/corpus/; the seeds in fuzz/corpus/ are only read.
  mkdir -p "build-fuzz/corpus/$target"
  echo "== $target: ${seconds} s"
  "build-fuzz/fuzz/$target" "build-fuzz/corpus/$target" "fuzz/corpus/$target" \
      -max_total_time="$seconds" -max_len=20000 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$target-" 2>"build-fuzz/$target.log" || {
    tail -n 60 "build-fuzz/$target.log"
    echo "fuzz.sh: $target failed; the input is in build-fuzz/artifacts/" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build-fuzz/$target.log" || true
done
echo "fuzz.sh: no crash, leak or sanitizer report in ${seconds} s per target"
