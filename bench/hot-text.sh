#!/usr/bin/env bash
# Regenerates cmake/hot-text.ld: the list of the code a CGI request runs, which the lean link
# lays out together so that a request page-faults less (docs/performance.md, "Code layout").
#
#   ./bench/hot-text.sh
#
# For each build type that matters — Release (what bench/run.sh measures, in ./build-release)
# and RelWithDebInfo (what scripts/build.sh and the Debian package build, here in
# ./build-hot-relwithdebinfo) — it builds eecall and the simulator, links eecall once more with
# a linker map, starts the simulator on 127.0.0.1 and runs eecall as CGI under valgrind's
# callgrind for a call and a message (XML) and a call answered in JSON. bench/hot_text.py then
# turns the functions that ran into cmake/hot-text.ld. Commit it with the change that moved the
# code: a stale list is slower, never wrong (bench/run.sh prints faults_call, the page faults of
# one request: far above its usual value says it is time to regenerate).
# Needs valgrind and python3 (scripts/install-deps.sh installs both). Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in valgrind python3 nm; do
  command -v "$tool" >/dev/null || { echo "hot-text.sh: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
sim_pid=
stop_simulator() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  sim_pid=
}
trap 'stop_simulator; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# profile BUILD_DIR BUILD_TYPE OUT_DIR: OUT_DIR gets eecall, eecall.map and callgrind.out.*.
profile() {
  local build=$1 type=$2 out=$3 ready port base i query answer
  mkdir -p "$out"
  # Makefiles: the link command is then in link.txt, to be run again with a map.
  cmake -S . -B "$build" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE="$type" -DBUILD_TESTING=OFF \
    -DEECALL_LEAN_LINK=ON >/dev/null
  cmake --build "$build" -j"$(nproc)" --target eecall eecall-ami-sim >/dev/null
  local link="$build/CMakeFiles/eecall.dir/link.txt"
  [ -f "$link" ] || { echo "hot-text.sh: no $link (is $build a Makefile build?)" >&2; exit 1; }
  # The same link as the build's, with a map: which input section each function came from.
  (cd "$build" && set -- "$out/eecall.map" && eval "$(cat CMakeFiles/eecall.dir/link.txt) -Wl,-Map,\"\$1\"")
  cp "$build/eecall" "$out/eecall"

  rm -f "$tmp/sim.ready"
  mkfifo "$tmp/sim.ready"
  "$build/eecall-ami-sim" --listen 127.0.0.1 --port 0 --max-seconds 300 >"$tmp/sim.ready" 2>"$tmp/sim.log" &
  sim_pid=$!
  read -r -t 10 ready <"$tmp/sim.ready" || { echo "hot-text.sh: the simulator did not start" >&2; exit 1; }
  port=${ready##*:}

  base="ip=127.0.0.1&port=$port&user=eedomus&secret=s3cret"
  # A call and a message with EECALL_AUTH=md5 as the bench sets it, a JSON call without it.
  local queries=("$base&from=100&to=291"
                 "$base&from=eedomus&to=100&msg=Alerte%20d%C3%A9bordement%20cuve&drv=sip"
                 "$base&from=100&to=291&format=json")
  local auth=("EECALL_AUTH=md5" "EECALL_AUTH=md5" "EECALL_TIMEOUT=60")
  local status
  i=0
  for query in "${queries[@]}"; do
    i=$((i + 1))
    status=0
    answer=$(env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SERVER_PROTOCOL=HTTP/1.1 \
               SCRIPT_NAME=/eecall REMOTE_ADDR=127.0.0.1 "QUERY_STRING=$query" \
               EECALL_CONFIG=/dev/null EECALL_MAX_ACTIONS_PER_MINUTE=0 EECALL_TIMEOUT=60 "${auth[$((i - 1))]}" \
               "$(command -v valgrind)" --quiet --tool=callgrind --demangle=no \
               --callgrind-out-file="$out/callgrind.out.$i" "$out/eecall" 2>"$tmp/eecall.log") || status=$?
    if [ "$status" -ne 0 ] || ! grep -Eq '<result>1</result>|"result": ?1' <<<"$answer"; then
      echo "hot-text.sh: request $i ($type) did not succeed under callgrind (exit $status):" >&2
      echo "$answer" >&2
      cat "$tmp/eecall.log" >&2
      exit 1
    fi
  done
  stop_simulator
}

profile build-release Release "$tmp/release"
profile build-hot-relwithdebinfo RelWithDebInfo "$tmp/relwithdebinfo"
python3 bench/hot_text.py --out cmake/hot-text.ld "$tmp/release" "$tmp/relwithdebinfo"
echo "the next build relinks with it (the link depends on cmake/hot-text.ld)"
