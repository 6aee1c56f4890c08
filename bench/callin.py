#!/usr/bin/env python3
"""Call in (docs/callin.md): what a caller waits for. Ringing: from Asterisk's AGI environment
to eecall's ANSWER (eecall makes the menu's sentences ready before answering). Silence: from
the call being answered (Asterisk's `200 result=0` to ANSWER) to the first prompt (eecall's
`GET DATA <greeting + PIN prompt>` line). eecall runs exactly as AGI() runs it
(`eecall callin=bench`, the AGI exchange on its stdin/stdout, a fake Asterisk here), with
the sentences' audio not cached (a fresh audio_dir: espeak-ng synthesizes them) and cached.

    python3 bench/callin.py [EECALL_BINARY] [RUNS]      (default build/eecall, 15)

Prints one line: callin_ring_ms= and callin_first_prompt_ms= (medians, not cached), the same
_cached, and the runs' min/max. Loopback and temporary directories only."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

BLOCK = ("agi_request: eecall\nagi_channel: PJSIP/caller-00000000\nagi_callerid: 0612345678\n"
         "agi_extension: 4000\nagi_arg_1: callin=bench\n\n")


def one_call(binary, config):
    """(ms from the AGI environment to ANSWER, ms from ANSWER's reply to the first prompt)."""
    p = subprocess.Popen([binary, "callin=bench"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env={"EECALL_CONFIG": config})
    try:
        start = time.perf_counter()
        p.stdin.write(BLOCK.encode())
        p.stdin.flush()
        if p.stdout.readline() != b"ANSWER\n":
            raise RuntimeError("eecall did not answer")
        ring = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        p.stdin.write(b"200 result=0\n")
        p.stdin.flush()
        line = p.stdout.readline()
        elapsed = (time.perf_counter() - start) * 1000
        if not line.startswith(b"GET DATA "):
            raise RuntimeError(f"unexpected {line!r}")
        return ring, elapsed
    finally:
        p.stdin.close()  # the caller hangs up
        p.wait(timeout=30)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/eecall"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    fresh, cached = [], []
    with tempfile.TemporaryDirectory(prefix="eecall-bench-callin-") as root:
        config = f"{root}/eecall.conf"
        for i in range(runs):
            audio = f"{root}/audio{i}"
            os.mkdir(audio)
            with open(config, "w") as f:
                f.write(f"[general]\nstate_dir = {root}\naudio_dir = {audio}\n\n[callin bench]\n"
                        "pin = 4711\nallow_callers = 0612345678\nkey1 = act Armer | http://127.0.0.1:9/x\n")
            os.chmod(config, 0o600)
            fresh.append(one_call(binary, config))
            cached.append(one_call(binary, config))
    for name, calls in (("", fresh), ("_cached", cached)):
        ring, prompt = [c[0] for c in calls], [c[1] for c in calls]
        print(f"callin_ring{name}_ms={statistics.median(ring):.1f} "
              f"callin_first_prompt{name}_ms={statistics.median(prompt):.1f} "
              f"ring_min={min(ring):.1f} ring_max={max(ring):.1f} "
              f"prompt_min={min(prompt):.1f} prompt_max={max(prompt):.1f}", end=" ")
    print(f"runs={runs}")


if __name__ == "__main__":
    main()
