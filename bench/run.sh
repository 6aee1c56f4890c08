#!/usr/bin/env bash
# The benchmark of issue 6: how far a CGI request to eecall is above the raw AMI exchange.
#
#   ./bench/run.sh
#
# Builds eecall, the AMI simulator and the bench's own programs in Release (./build-release),
# starts the simulator on 127.0.0.1, then measures:
#   1. eecall run as CGI (clean environment, stdout through a pipe) for a call and a message:
#      median wall time over BENCH_RUNS runs; then, in a separate pass of 20 runs, the largest
#      peak RSS of the program itself (VmHWM read at exit under ptrace: ru_maxrss would also
#      count the spawner's memory from before exec);
#   2. the floor: bench/floor.cpp, a minimal client built with the same flags, doing the same
#      byte exchange on a fresh connection (banner, Login, action, Logoff, and it waits for the
#      Goodbye as eecall does), one process per exchange as well; also the exchange alone,
#      repeated inside one process (no process start-up);
#   3. requests/s and p50/p99 latency through lighttpd (eecall as CGI) at 1, 8 and 32
#      concurrent clients with wrk, every answer checked for HTTP 200 and <result>1</result>.
# The last line is one machine-readable summary:
#   call_ms= message_ms= floor_ms= ratio= peak_rss_kb= rps_c1= rps_c8= rps_c32= p99_c8_ms= errors=
# followed by more keys: floor_message_ms, ratio_call, ratio_message (ratio is the larger),
# cpu_ratio (the same ratio on CPU time, steadier on a busy machine), exchange_ms, p50_c1_ms ...
# p99_c32_ms, faults_call and faults_floor (page faults of one run: each is a few microseconds,
# and a faults_call far above its usual value says cmake/hot-text.ld is stale, see
# bench/hot-text.sh); say_first_ms, say_cached_ms, say_anchor_ms, say_ratio, say_cached_ratio
# (a spoken alert's audio made, then reused, against `espeak-ng -w`) and alert_peak_rss_kb.
# floor_ms is the floor for the call. errors counts bad CGI and floor runs plus
# wrong or missing answers under load. The four CGI/floor measurements run interleaved.
#
# Only loopback addresses are used. Everything started here is stopped on exit, pass or fail.
# eecall runs with its defaults (MD5 login) and EECALL_CONFIG=/dev/null, so that a config file
# installed on the machine does not change what is measured, and with
# EECALL_MAX_ACTIONS_PER_MINUTE=0: the bench makes thousands of calls a minute, which the
# anti-flood (30 a minute by default) would refuse.
# Knobs: BENCH_RUNS (200), BENCH_LOAD_SECONDS (5 per concurrency level), BENCH_AUTH (md5, or
# plain: EECALL_AUTH for eecall and the same login for the floor), BENCH_BUILD_DIR
# (build-release), BENCH_CMAKE_ARGS (extra configure arguments, e.g. -DEECALL_LEAN_LINK=OFF),
# BENCH_SKIP_DEPS=1 (do not run scripts/install-deps.sh), BENCH_SAY_RUNS (15 rounds of the say
# measurement).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-200}
auth=${BENCH_AUTH:-md5}
load_seconds=${BENCH_LOAD_SECONDS:-5}
build=${BENCH_BUILD_DIR:-build-release}
concurrency=(1 8 32)

if [ "${BENCH_SKIP_DEPS:-0}" != 1 ]; then ./scripts/install-deps.sh; fi
# shellcheck disable=SC2086  # BENCH_CMAKE_ARGS is a list of arguments
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DEECALL_BUILD_BENCH=ON \
  ${BENCH_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)" --target eecall eecall-tls eecall-speech eecall-ami-sim \
  eecall-bench-floor eecall-bench-spawn >/dev/null

eecall=$PWD/$build/eecall
sim=$PWD/$build/eecall-ami-sim
floor=$PWD/$build/bench/eecall-bench-floor
spawn=$PWD/$build/bench/eecall-bench-spawn

# mktemp's letters are mixed case, and eecall rightly refuses an audio directory whose path
# holds DB, FILE, ... (Asterisk refuses them in an Originate's Data): draw again then.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  tmp=$(mktemp -d)
  [[ $tmp =~ CURL|DB|EVAL|FILE|ODBC|REALTIME|SHELL ]] && [ "$attempt" -lt 10 ] || break
  rmdir "$tmp"
done
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The value of KEY in a line of key=value pairs.
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# a / b with 3 decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

# Waits (at most 5 s) until something accepts connections on 127.0.0.1:$1.
wait_for_port() {
  local i
  for i in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v load="$(cut -d' ' -f1 /proc/loadavg)" -v cpus="$(nproc)" 'BEGIN { exit !(load > cpus) }'; then
  echo "note: the machine is busy (load average above $(nproc)): wall times will be noisy," \
    "cpu_ratio less so"
fi
echo "eecall: $(stat -c %s "$eecall") bytes, shared libraries:" \
  "$(ldd "$eecall" | awk '$1 !~ /vdso|ld-linux/ {printf "%s ", $1}')"

# The simulator: its own port, and it exits by itself if this script is killed hard.
mkfifo "$tmp/sim.ready"
"$sim" --listen 127.0.0.1 --port 0 --max-seconds 900 >"$tmp/sim.ready" 2>"$tmp/sim.log" &
pids+=($!)
read -r -t 10 ready <"$tmp/sim.ready" || { echo "the simulator did not start" >&2; exit 1; }
port=${ready##*:}
echo "simulator: $ready; login: $auth"

base="ip=127.0.0.1&port=$port&user=eedomus&secret=s3cret"
call_query="$base&from=100&to=291&msg=&drv="
message_query="$base&from=eedomus&to=100&msg=Alerte%20d%C3%A9bordement%20cuve&drv=sip"

# eecall as a web server starts it, and the floor, interleaved run by run.
cgi_job() {  # cgi_job NAME QUERY
  printf '%s\0' --job "$1" --expect '<result>1</result>' \
    --set GATEWAY_INTERFACE=CGI/1.1 --set REQUEST_METHOD=GET --set SERVER_PROTOCOL=HTTP/1.1 \
    --set SCRIPT_NAME=/eecall --set REMOTE_ADDR=127.0.0.1 --set "QUERY_STRING=$2" \
    --set EECALL_CONFIG=/dev/null --set EECALL_MAX_ACTIONS_PER_MINUTE=0 --set "EECALL_AUTH=$auth" \
    -- "$eecall"
}
floor_job() {  # floor_job NAME call|message
  printf '%s\0' --job "$1" -- "$floor" 127.0.0.1 "$port" eedomus s3cret "$2" "$auth"
}
mapfile -d '' jobs < <(cgi_job eecall_call "$call_query"; cgi_job eecall_message "$message_query"
                       floor_job floor_call call; floor_job floor_message message)
results=$("$spawn" --runs "$runs" --max-seconds 300 "${jobs[@]}") || true
errors=0
for job in eecall_call eecall_message floor_call floor_message; do
  line=$(grep "^$job " <<<"$results" || true)
  echo "${line:-$job (no result)}"
  bad=$(field bad "$line")
  errors=$((errors + ${bad:-$runs}))
  printf -v "$job" '%s' "$line"
done
exchange_ms=$("$floor" 127.0.0.1 "$port" eedomus s3cret call "$auth" "$runs")
echo "floor exchange alone (in one process, median of $runs): $exchange_ms ms"

call_ms=$(field median_ms "$eecall_call")
message_ms=$(field median_ms "$eecall_message")
floor_ms=$(field median_ms "$floor_call")
floor_message_ms=$(field median_ms "$floor_message")
ratio_call=$(ratio "$call_ms" "$floor_ms")
ratio_message=$(ratio "$message_ms" "$floor_message_ms")
cpu_ratio=$(max "$(ratio "$(field cpu_ms "$eecall_call")" "$(field cpu_ms "$floor_call")")" \
                "$(ratio "$(field cpu_ms "$eecall_message")" "$(field cpu_ms "$floor_message")")")

# Peak memory: a separate, shorter pass. ru_maxrss above also counts the spawner's memory from
# before exec; --own-rss stops each run at exit under ptrace and reads the program's own VmHWM.
rss_runs=$((runs < 20 ? runs : 20))
rss_results=$("$spawn" --runs "$rss_runs" --own-rss "${jobs[@]}") || true
rss_line() { grep "^$1 " <<<"$rss_results" || true; }
echo "peak RSS of the program itself (VmHWM at exit, $rss_runs runs):" \
  "eecall_call=$(field peak_rss_kb "$(rss_line eecall_call)") KiB" \
  "eecall_message=$(field peak_rss_kb "$(rss_line eecall_message)") KiB" \
  "floor_call=$(field peak_rss_kb "$(rss_line floor_call)") KiB" \
  "($(field rss "$(rss_line eecall_call)"))"
peak_rss_kb=$(max "$(field peak_rss_kb "$(rss_line eecall_call)")" \
                  "$(field peak_rss_kb "$(rss_line eecall_message)")")
for job in eecall_call eecall_message; do
  bad=$(field bad "$(rss_line "$job")")
  errors=$((errors + ${bad:-$rss_runs}))
done

# A spoken alert (issue 11): eecall synthesizing a 20-word French sentence (espeak-ng, resampled
# to 8 kHz, written to the audio cache) against the anchor, the espeak-ng command writing the
# same sentence; then the same request again, from the cache. The alert rings phone 102, which
# the simulator reports unreachable, so the request ends right after its Originate: what is
# measured is the audio plus one AMI exchange. Interleaved, one round at a time, the cache
# emptied before each round.
say_runs=${BENCH_SAY_RUNS:-15}
sentence="Alerte : une fuite d'eau a été détectée au sous-sol de la maison, merci de couper l'arrivée d'eau et de rappeler."
mkdir -p "$tmp/audio"
say_query="$base&from=102&say=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$sentence")&repeat=1"
say_job() {  # say_job NAME
  printf '%s\0' --job "$1" --expect '<outcome>call_failed</outcome>' \
    --set GATEWAY_INTERFACE=CGI/1.1 --set REQUEST_METHOD=GET --set SERVER_PROTOCOL=HTTP/1.1 \
    --set SCRIPT_NAME=/eecall --set REMOTE_ADDR=127.0.0.1 --set "QUERY_STRING=$say_query" \
    --set EECALL_CONFIG=/dev/null --set "EECALL_AUTH=$auth" --set "EECALL_AUDIO_DIR=$tmp/audio" \
    --set EECALL_MAX_ACTIONS_PER_MINUTE=0 -- "$eecall"
}
mapfile -d '' say_jobs < <(say_job say_first; say_job say_cached
                           printf '%s\0' --job say_anchor -- "$(command -v espeak-ng)" -v fr -w "$tmp/anchor.wav" "$sentence")
declare -A say_ms=([say_first]="" [say_cached]="" [say_anchor]="")
for _ in $(seq "$say_runs"); do
  rm -f "$tmp/audio/"*.wav
  round=$("$spawn" --runs 1 --warmup 0 "${say_jobs[@]}") || true
  for job in say_first say_cached say_anchor; do
    line=$(grep "^$job " <<<"$round" || true)
    bad=$(field bad "$line")
    errors=$((errors + ${bad:-1}))
    say_ms[$job]+="$(field median_ms "$line") "
  done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }'; }
say_first_ms=$(median "${say_ms[say_first]}")
say_cached_ms=$(median "${say_ms[say_cached]}")
say_anchor_ms=$(median "${say_ms[say_anchor]}")
echo "say (median of $say_runs rounds): first=$say_first_ms ms cached=$say_cached_ms ms" \
  "anchor (espeak-ng -w)=$say_anchor_ms ms"
rm -f "$tmp/audio/"*.wav
mapfile -d '' first_job < <(say_job say_first)
alert_rss=$("$spawn" --runs 3 --warmup 0 --own-rss "${first_job[@]}") || true
alert_rss=$(grep '^say_first ' <<<"$alert_rss" || true)
alert_peak_rss_kb=$(field peak_rss_kb "$alert_rss")
bad=$(field bad "$alert_rss")
errors=$((errors + ${bad:-3}))
echo "peak RSS of an alert request that synthesizes (VmHWM at exit): $alert_peak_rss_kb KiB ($alert_rss)"

# lighttpd in the foreground with a throw-away config; the port is picked free just before.
start_lighttpd() {
  local attempt lport
  for attempt in 1 2 3; do
    lport=$("$spawn" --free-port)
    cat >"$tmp/lighttpd.conf" <<EOF
server.document-root = "$tmp"
server.bind = "127.0.0.1"
server.port = $lport
server.errorlog = "$tmp/lighttpd-error.log"
server.max-connections = 256
server.modules = ( "mod_alias", "mod_cgi", "mod_setenv" )
alias.url = ( "/eecall" => "$eecall" )
setenv.add-environment = ( "EECALL_CONFIG" => "/dev/null", "EECALL_MAX_ACTIONS_PER_MINUTE" => "0",
                           "EECALL_AUTH" => "$auth" )
\$HTTP["url"] =~ "^/eecall" { cgi.assign = ( "" => "" ) }
EOF
    lighttpd -D -f "$tmp/lighttpd.conf" >"$tmp/lighttpd.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    if wait_for_port "$lport" && kill -0 "$pid" 2>/dev/null; then
      lighttpd_port=$lport
      return 0
    fi
    kill "$pid" 2>/dev/null || true
  done
  echo "lighttpd did not start:" >&2
  cat "$tmp/lighttpd.out" "$tmp/lighttpd-error.log" >&2 2>/dev/null || true
  return 1
}
start_lighttpd
echo "lighttpd: 127.0.0.1:$lighttpd_port, eecall as CGI at /eecall"

export EECALL_CALL_PATH="/eecall?$call_query"
export EECALL_MESSAGE_PATH="/eecall?$message_query"
declare -A rps p50 p99
for c in "${concurrency[@]}"; do
  threads=$((c < $(nproc) ? c : $(nproc)))
  out=$(timeout $((load_seconds + 30)) wrk -t"$threads" -c"$c" -d"${load_seconds}s" --timeout 10s \
          -s bench/check.lua "http://127.0.0.1:$lighttpd_port/") || true
  line=$(grep '^wrk_result' <<<"$out" || echo "wrk_result requests=0 rps=0 p50_ms=0 p99_ms=0 bad_answers=1 socket_errors=0")
  echo "lighttpd c=$c: ${line#wrk_result }"
  rps[$c]=$(field rps "$line")
  p50[$c]=$(field p50_ms "$line")
  p99[$c]=$(field p99_ms "$line")
  errors=$((errors + $(field bad_answers "$line") + $(field socket_errors "$line")))
done

echo "call_ms=$call_ms message_ms=$message_ms floor_ms=$floor_ms" \
  "ratio=$(max "$ratio_call" "$ratio_message") peak_rss_kb=$peak_rss_kb" \
  "rps_c1=${rps[1]} rps_c8=${rps[8]} rps_c32=${rps[32]} p99_c8_ms=${p99[8]} errors=$errors" \
  "floor_message_ms=$floor_message_ms ratio_call=$ratio_call ratio_message=$ratio_message" \
  "cpu_ratio=$cpu_ratio exchange_ms=$exchange_ms p50_c1_ms=${p50[1]} p99_c1_ms=${p99[1]} p50_c8_ms=${p50[8]}" \
  "p50_c32_ms=${p50[32]} p99_c32_ms=${p99[32]} faults_call=$(field faults "$eecall_call")" \
  "faults_floor=$(field faults "$floor_call")" \
  "say_first_ms=$say_first_ms say_cached_ms=$say_cached_ms say_anchor_ms=$say_anchor_ms" \
  "say_ratio=$(ratio "$say_first_ms" "$say_anchor_ms") say_cached_ratio=$(ratio "$say_cached_ms" "$say_anchor_ms")" \
  "alert_peak_rss_kb=$alert_peak_rss_kb"
