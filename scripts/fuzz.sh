#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, AddressSanitizer and UndefinedBehavior-
# Sanitizer in ./build-fuzz, then runs each. Fails on any crash, leak, timeout or sanitizer
# report; the input that caused it is kept in build-fuzz/artifacts/.
#   ./scripts/fuzz.sh 60            each target for 60 s (the default; CI runs 40)
#   ./scripts/fuzz.sh --long [RUNS] each target until RUNS executions (default 10000000)
#   ./scripts/fuzz.sh --minimise    add to fuzz/corpus/ the inputs the runs found that add
#                                   coverage to the seeds (to be committed)
# FUZZ_TARGETS="config_fuzz url_template_fuzz" picks some targets only; with --long,
# FUZZ_MAX_SECONDS=N stops each target after N s even short of RUNS (a busy machine).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time seconds=60 runs=10000000
case "${1:-}" in
  --long) mode=runs; runs="${2:-$runs}" ;;
  --minimise) mode=minimise ;;
  "") ;;
  *) seconds="$1" ;;
esac
./scripts/install-deps.sh
cxx="$(command -v clang++-14 || command -v clang++)"
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
# A cache made with another compiler path would be dropped by cmake with our -D options.
if [ -f build-fuzz/CMakeCache.txt ] && ! grep -qx "CMAKE_CXX_COMPILER:[A-Z]*=$cxx" build-fuzz/CMakeCache.txt; then
  rm -rf build-fuzz/CMakeCache.txt build-fuzz/CMakeFiles
fi
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DEECALL_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_CXX_FLAGS="$flags" >/dev/null
read -r -a targets <<< "${FUZZ_TARGETS:-request_fuzz ami_parser_fuzz config_fuzz job_file_fuzz url_template_fuzz agi_fuzz}"
built=$SECONDS
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
echo "fuzz.sh: build took $((SECONDS - built)) s"
mkdir -p build-fuzz/artifacts
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

dictionary() {  # the -dict option of a target, if it has one
  case "$1" in
    ami_parser_fuzz) echo "-dict=fuzz/ami.dict" ;;
    config_fuzz) echo "-dict=fuzz/config.dict" ;;
    agi_fuzz) echo "-dict=fuzz/agi.dict" ;;
  esac
}

for target in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$target"
  if [ "$mode" = minimise ]; then
    # The seeds stay; of what the runs found, only the inputs that add coverage to them are
    # added (libFuzzer's merge into the first directory).
    before=$(ls "fuzz/corpus/$target" | wc -l)
    "build-fuzz/fuzz/$target" -merge=1 -max_len=20000 "fuzz/corpus/$target" \
        "build-fuzz/corpus/$target" 2>"build-fuzz/$target.merge.log"
    echo "== $target: $before seeds + $(($(ls "fuzz/corpus/$target" | wc -l) - before)) inputs found," \
         "$(cat "fuzz/corpus/$target"/* | wc -c) bytes"
    continue
  fi
  if [ "$mode" = runs ]; then
    limit=(-runs="$runs" -max_total_time="${FUZZ_MAX_SECONDS:-0}"); what="$runs executions"
  else
    limit=(-max_total_time="$seconds"); what="${seconds} s"; fi
  # New inputs go to build-fuzz/corpus/; the seeds in fuzz/corpus/ are only read.
  echo "== $target: $what"
  started=$SECONDS
  # shellcheck disable=SC2046
  "build-fuzz/fuzz/$target" "build-fuzz/corpus/$target" "fuzz/corpus/$target" $(dictionary "$target") \
      "${limit[@]}" -max_len=20000 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$target-" 2>"build-fuzz/$target.log" || {
    tail -n 60 "build-fuzz/$target.log"
    echo "fuzz.sh: $target failed; the input is in build-fuzz/artifacts/" >&2
    exit 1
  }
  # Executions, coverage (edges "cov:", features "ft:") and corpus at the end, and the time.
  grep -E '^#[0-9]+.*(DONE|cov:)' "build-fuzz/$target.log" | tail -n 1
  grep -E '^stat::number_of_executed_units' "build-fuzz/$target.log" || true
  echo "== $target: $((SECONDS - started)) s"
done
[ "$mode" = minimise ] || echo "fuzz.sh: no crash, leak or sanitizer report ($mode) in ${targets[*]}"
