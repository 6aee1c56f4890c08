#!/usr/bin/env python3
"""Soak (issue 22): N background alerts in a row, a few at a time within max_jobs, against the
AMI simulator (default) or the real lab (--lab-ami PORT). Checks that

  - every job ends with the outcome its phones call for (read through `job=ID`, as a box would),
    and its notify reached the box exactly once;
  - the eecall job processes do not grow: their open descriptors and resident memory, sampled
    while each runs, are the same for the last jobs as for the first; no eecall process and
    no zombie is left at the end; the simulator's own descriptors are back where they started;
  - the jobs directory stays bounded by its retention rule (at most 200 files plus the running
    ones), and no temporary file is left in it, in the audio directory or in the TMPDIR every
    eecall process of the soak is given (a check of /tmp itself would see other tests' files).

  bench/soak.py --eecall build/eecall --sim build/eecall-ami-sim --alerts 300 --parallel 3
  bench/soak.py --eecall build/eecall --lab-ami 28038 --alerts 50 --parallel 2   # a running lab

Prints one line per 50 jobs and a summary; exits 1 naming what failed. Python 3 standard
library only. Its files live in a temporary directory removed at the end.
"""

import argparse
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

# Phones of the simulator and of the lab (the same numbers): what each alert must end with.
SCENARIOS = [
    ({"from": "108,105", "play": "hello-world", "ack": "1"}, "done", [("108", "busy"), ("105", "acknowledged")]),
    ({"from": "107", "play": "hello-world", "ack": "1", "repeat": "1"}, "failed", [("107", "not_acknowledged")]),
    ({"from": "106", "play": "hello-world", "ack": "1"}, "done", [("106", "acknowledged")]),
    ({"from": "103", "play": "hello-world", "ack": "1"}, "failed", [("103", "call_failed")]),
    ({"from": "105", "say": "Fuite d'eau au sous-sol.", "ack": "1"}, "done", [("105", "acknowledged")]),
]
JOB_BOUND_SECONDS = 120  # far past any alert above, on the simulator or the lab
RETENTION_FILES = 200  # docs/background.md, "What is kept"


class Box(http.server.ThreadingHTTPServer):
    """The box's API: counts the GETs per job."""

    def __init__(self):
        self.by_job = {}
        self.lock = threading.Lock()
        box = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                job = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("job", [""])[0]
                with box.lock:
                    box.by_job[job] = box.by_job.get(job, 0) + 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def process_facts(pid):
    """(open descriptors, VmRSS kB) of a live process, or None once it is gone."""
    try:
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        rss = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
        return fds, rss
    except (OSError, AttributeError):
        return None


def eecall_processes(binary, marker):
    """pid -> state letter of every process of `binary` whose environment holds `marker`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state = stat[stat.rindex(")") + 2]
            if state == "Z":
                if f"({Path(binary).name[:15]})" in stat:
                    found[int(entry.name)] = "Z"
                continue
            if os.readlink(entry / "exe") == binary and marker in (entry / "environ").read_bytes():
                found[int(entry.name)] = state
        except (OSError, ValueError):
            continue
    return found


class Soak:
    def __init__(self, args, work):
        self.args = args
        self.binary = os.path.realpath(args.eecall)
        self.work = Path(work)
        self.jobs = self.work / "jobs"
        self.audio = self.work / "audio"
        self.tmp = self.work / "tmp"
        for d in (self.jobs, self.audio, self.tmp):
            d.mkdir(mode=0o700)
        self.audio.chmod(0o755)
        self.box = Box()
        self.failures = []
        self.samples = []  # (index, fds, rss) of each job process while it ran

    def environ(self, port):
        return {
            "PATH": "/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "SCRIPT_NAME": "/cgi-bin/eecall",
            "EECALL_CONFIG": "/dev/null", "EECALL_MAX_ACTIONS_PER_MINUTE": "0",
            "EECALL_STATE_DIR": str(self.work), "EECALL_JOBS_DIR": str(self.jobs),
            "EECALL_AUDIO_DIR": str(self.audio), "EECALL_JOB_LOG": str(self.work / "jobs.log"),
            "EECALL_MAX_JOBS": str(self.args.max_jobs), "EECALL_ACK_TIMEOUT": "2",
            "EECALL_NOTIFY_URL": f"http://127.0.0.1:{self.box.server_address[1]}/api?job={{job}}&value={{value}}",
            "TMPDIR": str(self.tmp), "EECALL_SOAK_PORT": str(port),
        }

    def cgi(self, env, query):
        r = subprocess.run([self.binary], env=dict(env, QUERY_STRING=query), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        head, _, body = r.stdout.partition(b"\r\n\r\n")
        status = int(re.search(rb"Status: (\d+)", head).group(1))
        return status, json.loads(body)

    def start(self, env, port, index):
        params, _, _ = SCENARIOS[index % len(SCENARIOS)]
        query = urllib.parse.urlencode(dict(params, ip="127.0.0.1", port=port, user="eedomus",
                                            secret="s3cret", background="1", format="json"),
                                       quote_via=urllib.parse.quote)
        while True:
            status, answer = self.cgi(env, query)
            if status == 202:
                return answer["job"]
            if status != 503:  # busy_jobs: the last job's process has not ended quite yet
                raise AssertionError(f"job {index}: HTTP {status}: {answer}")
            time.sleep(0.05)

    def finish(self, env, index, job):
        _, want_state, want_attempts = SCENARIOS[index % len(SCENARIOS)]
        _, state = self.cgi(env, f"format=json&job={job}")
        got = [(a["phone"], a["outcome"]) for a in state.get("attempts", [])]
        notify = state.get("notify", {})
        if state.get("state") != want_state or got != want_attempts or notify.get("state") != "sent":
            self.failures.append(f"job {index} ({job}): {state}")

    def run(self, port):
        env = self.environ(port)
        marker = f"EECALL_JOBS_DIR={self.jobs}".encode() + b"\0"
        running = {}  # job -> (index, pid or None, when it started)
        started = done = 0
        max_files = 0
        t0 = time.monotonic()
        while done < self.args.alerts:
            while started < self.args.alerts and len(running) < self.args.parallel:
                running[self.start(env, port, started)] = (started, None, time.monotonic())
                started += 1
            for job, (index, pid, since) in list(running.items()):
                if time.monotonic() - since > JOB_BOUND_SECONDS:
                    raise AssertionError(f"job {index} ({job}) still not over after {JOB_BOUND_SECONDS} s")
                try:
                    record = json.loads((self.jobs / f"{job}.json").read_text())
                except (OSError, ValueError):
                    continue
                if pid is None and record.get("pid"):
                    pid = record["pid"]
                    running[job] = (index, pid, since)
                if record["state"] == "running" and pid and (facts := process_facts(pid)):
                    self.samples.append((index, *facts))
                if record["state"] in ("done", "failed", "cancelled") and "notify" in record:
                    if pid and Path(f"/proc/{pid}").exists():
                        continue  # its process is still writing its last lines: next round
                    del running[job]
                    self.finish(env, index, job)
                    done += 1
                    if done % 50 == 0:
                        print(f"soak: {done} jobs ended ({time.monotonic() - t0:.0f} s)", flush=True)
            max_files = max(max_files, len(list(self.jobs.iterdir())))
            time.sleep(0.05)
        return time.monotonic() - t0, max_files, marker


def simulator(args):
    p = subprocess.Popen([args.sim, "--port", "0", "--answer-delay-ms", "50", "--key-delay-ms", "300"],
                         stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.search(r"listening on [0-9.]+:(\d+)", line)
    if not m:
        p.kill()
        raise SystemExit(f"soak: the simulator did not start: {line!r}")
    return p, int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eecall", default="build/eecall")
    ap.add_argument("--sim", default="build/eecall-ami-sim")
    ap.add_argument("--lab-ami", type=int, help="AMI port of a running lab instead of the simulator")
    ap.add_argument("--alerts", type=int, default=300)
    ap.add_argument("--parallel", type=int, default=3)
    ap.add_argument("--max-jobs", type=int, default=4)
    args = ap.parse_args()
    if args.parallel > args.max_jobs:
        raise SystemExit("soak: --parallel must stay within --max-jobs")
    with tempfile.TemporaryDirectory(prefix="soak-") as work:
        soak = Soak(args, work)
        sim = None
        if args.lab_ami:
            port = args.lab_ami
        else:
            sim, port = simulator(args)
        sim_fds_before = len(os.listdir(f"/proc/{sim.pid}/fd")) if sim else None
        try:
            seconds, max_files, marker = soak.run(port)
            deadline = time.monotonic() + 10
            while (left := eecall_processes(soak.binary, marker)) and time.monotonic() < deadline:
                time.sleep(0.1)
            sim_fds_after = len(os.listdir(f"/proc/{sim.pid}/fd")) if sim else None
        finally:
            if sim:
                sim.terminate()
                sim.wait(10)
        files = sorted(p.name for p in soak.jobs.iterdir())
        temporary = [n for n in files if n.endswith(".tmp")] + \
                    [p.name for p in soak.audio.iterdir() if p.name.endswith(".tmp")] + \
                    [p.name for p in soak.tmp.iterdir()]
        counts = {j: n for j, n in soak.box.by_job.items() if n != 1}
        first = [s for s in soak.samples if s[0] < 20]
        last = [s for s in soak.samples if s[0] >= args.alerts - 20]

        def spread(samples, i):
            values = [s[i] for s in samples]
            return (min(values), max(values)) if values else (0, 0)

        print(f"soak: {args.alerts} background alerts, {args.parallel} at a time (max_jobs {args.max_jobs}), "
              f"against {'the lab' if args.lab_ami else 'the simulator'}: {seconds:.0f} s")
        print(f"soak: outcomes wrong: {len(soak.failures)}; notifies not exactly once: {len(counts)} "
              f"(box got {sum(soak.box.by_job.values())} GETs for {len(soak.box.by_job)} jobs)")
        print(f"soak: job process fds first 20 jobs {spread(first, 1)}, last 20 {spread(last, 1)}; "
              f"VmRSS kB first {spread(first, 2)}, last {spread(last, 2)} ({len(soak.samples)} samples)")
        print(f"soak: eecall processes left {len(left)} {left or ''}; simulator fds before {sim_fds_before}, "
              f"after {sim_fds_after}")
        print(f"soak: jobs dir at most {max_files} files during the run, {len(files)} at the end "
              f"(retention {RETENTION_FILES} + running); temporary files left {temporary}")
        problems = list(soak.failures[:5])
        if counts:
            problems.append(f"notify count per job not 1: {list(counts.items())[:5]}")
        if left:
            problems.append(f"eecall processes left: {left}")
        if sim and sim_fds_after != sim_fds_before:
            problems.append("the simulator's descriptors grew")
        if first and last and (spread(last, 1)[1] > spread(first, 1)[1] or
                               spread(last, 2)[1] > spread(first, 2)[1] * 1.1 + 256):
            problems.append("job processes grew (fds or memory)")
        if max_files > RETENTION_FILES + args.max_jobs + 1:  # + jobs.log... lives outside
            problems.append(f"jobs dir grew to {max_files} files")
        if temporary:
            problems.append(f"temporary files left: {temporary}")
    for p in problems:
        print(f"soak: FAILED: {p}")
    print("soak: OK" if not problems else f"soak: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
