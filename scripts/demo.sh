#!/usr/bin/env bash
# Sets up eecall (Debian packages, build) and runs the old eeCall.php README's three scenarios
# through eecall's CGI interface, exactly as a web server would start it, then a spoken alert:
# a busy phone, then one that confirms with 1.
#
# With no PBX named, the PBX is the project's AMI simulator on 127.0.0.1.
# To use a real Asterisk/FreePBX instead:
#   EECALL_PBX=192.0.2.10 EECALL_USER=eedomus EECALL_SECRET=xxx ./scripts/demo.sh
# Optional: EECALL_PORT (5038), DEMO_PHONE (100), DEMO_TARGET (291),
#           DEMO_EXTERNAL (0240404040), DEMO_DRV (sip), DEMO_ALERT_PHONES (the simulator's
#           108,105; with a real PBX the alert runs only when it is set, and eecall must then
#           run on the PBX host: Asterisk plays the audio file eecall writes).
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what the demo runs: eecall, its TLS and speech modules and the simulator (the tests are
# not needed; ./scripts/test.sh builds them). Same build directory and
# type as those.
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j"$(nproc)" --target eecall eecall-tls eecall-speech eecall-ami-sim

phone=${DEMO_PHONE:-100}
target=${DEMO_TARGET:-291}
external=${DEMO_EXTERNAL:-0240404040}
drv=${DEMO_DRV:-sip}

if [ -z "${EECALL_PBX:-}" ]; then
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  build/eecall-ami-sim --listen 127.0.0.1 --port 0 --max-seconds 120 >"$fifo" &
  sim_pid=$!
  trap 'kill "$sim_pid" 2>/dev/null || true; rm -f "$fifo"' EXIT
  read -r ready <"$fifo"
  alert_phones=${DEMO_ALERT_PHONES:-108,105}
  host=127.0.0.1
  port=${ready##*:}
  user=eedomus
  secret=s3cret
  echo "PBX: the project's AMI simulator ($ready)"
else
  host=$EECALL_PBX
  port=${EECALL_PORT:-5038}
  user=${EECALL_USER:?set EECALL_USER}
  secret=${EECALL_SECRET:?set EECALL_SECRET}
  alert_phones=${DEMO_ALERT_PHONES:-}
  echo "PBX: $host:$port as AMI user $user"
fi
# The spoken alert's audio and the anti-flood's memory: a directory of the demo's own (the
# package's are /var/lib/eecall/audio and /var/lib/eecall).
# mktemp's letters are mixed case, and eecall rightly refuses an audio directory whose path
# holds DB, FILE, ... (Asterisk refuses them in an Originate's Data): draw again then.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  work=$(mktemp -d)
  [[ $work =~ CURL|DB|EVAL|FILE|ODBC|REALTIME|SHELL ]] && [ "$attempt" -lt 10 ] || break
  rmdir "$work"
done
chmod 0755 "$work"

status=0
scenario() {
  local title=$1 query=$2
  echo
  echo "== $title"
  echo "   GET /cgi-bin/eecall?${query/secret=$secret/secret=***}"
  local out
  out=$(env -i GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SERVER_PROTOCOL=HTTP/1.1 \
        SCRIPT_NAME=/cgi-bin/eecall REMOTE_ADDR=127.0.0.1 QUERY_STRING="$query" \
        EECALL_AUDIO_DIR="$work" EECALL_STATE_DIR="$work" build/eecall)
  printf '%s\n' "$out" | sed 's/^/   /'
  case "$out" in *"<result>1</result>"*) ;; *) status=1 ;; esac
}

base="ip=$host&port=$port&user=$user&secret=$secret"
scenario "1. ring phone $phone, then connect it to $target" "$base&from=$phone&to=$target&msg=&drv="
scenario "2. ring number $external, then connect it to $target" "$base&from=$external&to=$target&msg=&drv="
scenario "3. text message to phone $phone" \
  "$base&from=eedomus&to=$phone&msg=Alerte%20d%E9bordement%20cuve&drv=$drv"
count=three
if [ -n "$alert_phones" ]; then
  scenario "4. spoken alert to $alert_phones until one confirms with 1" \
    "$base&from=$alert_phones&say=Fuite%20d'eau%20au%20sous-sol.%20Appuyez%20sur%201.&ack=1"
  count=four
fi
rm -rf "$work"
echo
if [ $status -eq 0 ]; then echo "All $count scenarios answered result 1."; else echo "A scenario failed (see above)."; fi
exit $status
