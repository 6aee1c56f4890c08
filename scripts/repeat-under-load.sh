#!/usr/bin/env bash
# The unit and integration suites, each case repeated until it fails (at most REPEAT times, 5 by
# default), while stress-ng keeps LOAD CPU workers busy (2 by default: the CI machine's 2 cores
# taken away from the tests). A test that only passes on an idle machine fails here
# (docs/testing.md, "Under load"). Needs a build in ./build and stress-ng.
#   scripts/repeat-under-load.sh            # REPEAT=5 LOAD=2 JOBS=2
#   LOAD=0 scripts/repeat-under-load.sh     # no stress-ng: the load is already there (a fuzz run)
#   REPEAT=3 LABELS='integration' scripts/repeat-under-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${REPEAT:-5}" load="${LOAD:-2}" jobs="${JOBS:-2}" labels="${LABELS:-unit|integration}"
if [ "$load" -gt 0 ]; then
  command -v stress-ng >/dev/null || { echo "repeat-under-load: stress-ng is needed (apt-get install stress-ng)" >&2; exit 2; }
  stress-ng --cpu "$load" --timeout 3h --quiet &
  stress=$!
  trap 'kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null || true' EXIT
  echo "repeat-under-load: stress-ng --cpu $load (pid $stress)"
fi
echo "repeat-under-load: ctest -L '$labels' --repeat until-fail:$repeat -j$jobs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
started=$SECONDS
status=0
ctest --test-dir build -L "$labels" --repeat "until-fail:$repeat" -j"$jobs" --output-on-failure \
    > build/repeat-under-load.log 2>&1 || status=$?
grep -E '^[0-9]+% tests passed|Total Test time|\*\*\*Failed|\*\*\*Timeout|Exception' build/repeat-under-load.log || true
echo "repeat-under-load: $((SECONDS - started)) s, load average $(cut -d' ' -f1-3 /proc/loadavg); log build/repeat-under-load.log"
exit "$status"
