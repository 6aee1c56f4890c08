#!/usr/bin/env bash
# The places a test must never read or write (docs/testing.md, "Hermetic"): eecall's own
# directories on the machine (a developer may run the suite on a PBX host where eecall is
# installed), the home directory, and the sound server's directories that espeak-ng's audio
# probe used to make, and the tests' own eecall-* temporary directories left behind.
# `snapshot FILE` records them; `compare FILE` fails, naming what changed,
# when they are not exactly as recorded.
#
#   scripts/hermetic-check.sh snapshot /tmp/before && ./scripts/test.sh && \
#     scripts/hermetic-check.sh compare /tmp/before
set -euo pipefail

state() {
  local place
  for place in /var/lib/eecall /etc/eecall; do
    if [ -e "$place" ]; then
      # Every file and directory with its owner, mode, size and modification time.
      find "$place" -printf '%p %u:%g %m %s %T@\n' | sort
    else
      echo "$place absent"
    fi
  done
  # The home directory's own entries (names only: tools may refresh their caches inside), and
  # PulseAudio's client directories, which no test may create.
  find "${HOME:-/root}" -mindepth 1 -maxdepth 1 -printf 'home: %f\n' 2>/dev/null | sort
  find "${HOME:-/root}/.config" -mindepth 1 -maxdepth 1 -name pulse -printf 'home: .config/%f\n' 2>/dev/null
  find "${TMPDIR:-/tmp}" /tmp -mindepth 1 -maxdepth 1 -name 'pulse-*' -printf 'tmp: %p\n' 2>/dev/null | sort -u
  # The tests' own temporary directories (test::ScratchDir, the Python tests' eecall-*
  # prefixes): each must be gone when its test ends, also the state_dir of a test process.
  find "${TMPDIR:-/tmp}" /tmp -mindepth 1 -maxdepth 1 -name 'eecall-*' -printf 'tmp: %p\n' 2>/dev/null | sort -u
}

case "${1:-}" in
  snapshot) state > "$2" ;;
  compare)
    if ! diff -u "$2" <(state) > "$2.diff"; then
      echo "hermetic-check: the tests changed places outside their own temporary directories:" >&2
      cat "$2.diff" >&2
      exit 1
    fi
    echo "hermetic-check: /var/lib/eecall, /etc/eecall, \$HOME, pulse-* and eecall-* temporary directories unchanged" ;;
  *) echo "usage: $0 snapshot FILE | compare FILE" >&2; exit 2 ;;
esac
