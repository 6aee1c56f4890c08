#!/usr/bin/env python3
"""amd_delay.py - what answering-machine detection costs, measured on the lab (issue 21).

Runs eecall N times against a running lab (`shared/asterisk/lab.sh start DIR`) and reads the
times from Asterisk's own log (`DIR/logs/messages`, millisecond timestamps):
- person: phone 110 answers ("Local/110@...;1 answered") -> the prompt starts ("Playing
  'hello-world"): what a person waits before hearing the alert;
- machine: phone 109 answers -> the next phone is called ("Called PJSIP/110"): the time to move on.
Each case is run with amd=1 and (person) without, alternately.

  python3 bench/amd_delay.py --lab DIR --port AMI_PORT [--runs 5] [--eecall build/eecall]
"""
import argparse
import datetime
import re
import statistics
import subprocess
import time
from pathlib import Path

STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\]")


def stamp(line):
    return datetime.datetime.strptime(STAMP.match(line).group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()


def first(lines, pattern, after=0.0):
    for line in lines:
        if STAMP.match(line) and re.search(pattern, line) and stamp(line) >= after:
            return stamp(line)
    raise LookupError(pattern)


def run(args, extra, log):
    start = log.stat().st_size
    cmd = [args.eecall, "--ip", "127.0.0.1", "--port", str(args.port), "--user", "eedomus", "--secret", "s3cret",
           "--play", "hello-world", "--format", "json"] + extra
    subprocess.run(cmd, check=False, capture_output=True, timeout=120, env={"EECALL_CONFIG": "/dev/null",
                                                                           "EECALL_ACK_TIMEOUT": "3"})
    time.sleep(1.0)  # Asterisk writes the last lines after the BYE
    with open(log, "rb") as f:
        f.seek(start)
        return f.read().decode("utf-8", "replace").splitlines()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lab", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--eecall", default="build/eecall")
    args = p.parse_args()
    log = Path(args.lab) / "logs" / "messages"
    person_amd, person_plain, machine, wrong = [], [], [], []
    for _ in range(args.runs):
        lines = run(args, ["--from", "110", "--amd"], log)
        answered = first(lines, r"Local/110@from-internal-\w+;1 answered")
        person_amd.append(first(lines, r"Playing 'hello-world", answered) - answered)
        if not any("HUMAN: silenceDuration" in ln for ln in lines):
            wrong.append("110 not HUMAN: " + "; ".join(ln for ln in lines if "AMD: Channel" in ln and
                                                         ("MACHINE" in ln or "NOTSURE" in ln or "HUMAN" in ln)))
        lines = run(args, ["--from", "110"], log)
        answered = first(lines, r"Local/110@from-internal-\w+;1 answered")
        person_plain.append(first(lines, r"Playing 'hello-world", answered) - answered)
        lines = run(args, ["--from", "109,110", "--amd"], log)
        answered = first(lines, r"Local/109@from-internal-\w+;1 answered")
        machine.append(first(lines, r"Called PJSIP/110", answered) - answered)
        if not any("ANSWERING MACHINE" in ln for ln in lines):
            wrong.append("109 not MACHINE")

    def show(name, values):
        ms = sorted(round(v * 1000) for v in values)
        print(f"{name}: median {statistics.median(ms):.0f} ms, min {ms[0]} ms, max {ms[-1]} ms ({len(ms)} runs: {ms})")

    show("person (110) answer -> prompt, amd=1", person_amd)
    show("person (110) answer -> prompt, no amd", person_plain)
    show("machine (109) answer -> next phone called, amd=1", machine)
    print("wrong verdicts:", wrong or "none")


if __name__ == "__main__":
    main()
