#!/usr/bin/env python3
"""The ctest fixture of tests/real: start the real Asterisk lab once, stop it at the end.

  lab_fixture.py start --lab LABDIR --work WORK   (ctest test real.lab.start, FIXTURES_SETUP)
  lab_fixture.py stop  --lab LABDIR --work WORK   (ctest test real.lab.stop, FIXTURES_CLEANUP)

`start` first stops whatever an earlier, aborted run left in WORK/lab (lab.sh stops exactly the
processes named by its pid files), clears the old logs, starts Asterisk and the sipp phones
with `lab.sh start WORK/lab` on the ports of reallab.lab_ports(), writes WORK/state.json for
the tests, and leaves a watchdog that stops the lab by pid if ctest itself dies (Ctrl-C, kill)
before its cleanup runs, or after EECALL_REAL_MAX_SECONDS (default 1800). `stop` stops the
lab and the watchdog and prints the suite's wall time, from the start of `start`.

Without the lab (LABDIR/lab.sh absent; EECALL_LAB names another LABDIR) both print one line
and exit 77: ctest reports them, and every test of the fixture, as skipped.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import reallab

BUDGET_SECONDS = 300  # issue 13: the whole real suite under 5 minutes on the 2-core CI machine


def lab_command(script, action, lab_dir, ports, log, timeout, extra=()):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in ports.items()})
    env.update(LAB_KEEP_CONFIG="0", LAB_NO_PHONES="0")  # always the lab's own fresh config
    # Output to a file, never a pipe: a daemon that kept a pipe open would hang us.
    with open(log, "ab") as out:
        return subprocess.run([str(script), action, str(lab_dir), *extra], env=env, stdin=subprocess.DEVNULL,
                              stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode


def lab_processes(lab_dir):
    """The pids that the lab's pid files name and that are still that process (the test of
    lab.sh's alive(): Asterisk's binary, or the phone's log file, on its command line)."""
    found = []
    for pidfile in (lab_dir / "var" / "run" / "asterisk").glob("*.pid"):
        if pidfile.name == "asterisk.pid":
            pattern = str(lab_dir / "sbin" / "asterisk")
        else:
            pattern = str(lab_dir / "logs" / f"{pidfile.stem}-messages.log")
        pid = pidfile.read_text().strip()
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if pid.isdigit() and pattern in cmdline:
            found.append(int(pid))
    return found


def stop_lab(script, lab_dir, ports, log):
    """Stops the lab; returns the pids still alive after it (none, normally). lab.sh stop ends
    its processes one after the other, each taking about 2 s to exit on SIGTERM: they are sent
    SIGTERM all at once first, then lab.sh stop does its own checks and removes the pid files."""
    pids = lab_processes(lab_dir)
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    rc = lab_command(script, "stop", lab_dir, ports, log, timeout=60)
    left = [pid for pid in pids if Path(f"/proc/{pid}").exists()] + lab_processes(lab_dir)
    if rc != 0:
        left.append(f"lab.sh stop exit {rc}")
    return left


def process_start_time(pid):
    """Field 22 of /proc/PID/stat (clock ticks since boot): a pid and this identify one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split()[19]


def stop_watchdog(state):
    pid = state.get("watchdog_pid")
    if pid and process_start_time(pid) == state.get("watchdog_start"):
        os.kill(pid, signal.SIGTERM)


def stop_previous(work, lab_dir, script, ports, log):
    """Whatever an aborted run left running in this lab directory."""
    old = reallab.load_state(work)
    if old is not None:
        stop_watchdog(old)
        ports = old["ports"]
    (work / "state.json").unlink(missing_ok=True)
    if (lab_dir / "var" / "run").is_dir():
        stop_lab(script, lab_dir, ports, log)


def start(args):
    started = time.time()
    root = reallab.lab_root(args.lab)
    if not reallab.lab_present(root):
        print(reallab.skip_line(root))
        return reallab.SKIPPED
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lab_dir = work / "lab"
    script = root / "lab.sh"
    log = work / "lab.log"
    log.write_bytes(b"")
    ports = reallab.lab_ports(os.environ)
    stop_previous(work, lab_dir, script, ports, log)
    logs = lab_dir / "logs"
    if logs.is_dir():
        for old in logs.iterdir():
            if old.is_file():
                old.unlink()
    try:
        rc = lab_command(script, "start", lab_dir, ports, log, timeout=100)
        if rc != 0:  # lab.sh has stopped what it started
            print(f"lab.sh start {lab_dir} failed (exit {rc}):\n{log.read_text(errors='replace')}")
            return 1
        # AMI answers before the PBX core is up: an Originate then fails at once ("PBX requires
        # Asterisk to be fully booted" in its log). Wait for that, as a test of ours would.
        rc = lab_command(script, "cli", lab_dir, ports, log, timeout=40, extra=["core waitfullybooted"])
        if rc != 0:
            print(f"Asterisk in {lab_dir} did not finish booting:\n{log.read_text(errors='replace')}")
            stop_lab(script, lab_dir, ports, log)
            return 1
        state = {"lab_script": str(script), "lab_dir": str(lab_dir), "work": str(work),
                 "ports": ports, "started": started}
        (work / "state.json").write_text(json.dumps(state, indent=1))
        state.update(spawn_watchdog(work, started))
        (work / "state.json").write_text(json.dumps(state, indent=1))
        pid = (lab_dir / "var" / "run" / "asterisk" / "asterisk.pid").read_text().strip()
    except BaseException:  # a timeout, ctest's SIGTERM...: nothing may be left running
        stop_lab(script, lab_dir, ports, log)
        (work / "state.json").unlink(missing_ok=True)
        raise
    print(f"real Asterisk lab ready in {time.time() - started:.1f} s: {lab_dir}, "
          f"AMI 127.0.0.1:{ports['LAB_AMI_PORT']}, asterisk pid {pid}")
    return 0


def spawn_watchdog(work, started):
    ctest = os.getppid()
    with open(work / "watchdog.log", "wb") as out:
        child = subprocess.Popen(
            [sys.executable, __file__, "watch", "--work", str(work), "--parent", str(ctest),
             "--parent-start", str(process_start_time(ctest)), "--started", repr(started)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, cwd="/")
    return {"watchdog_pid": child.pid, "watchdog_start": process_start_time(child.pid)}


def watch(args):
    """Runs detached: stops the lab when ctest is gone or the lab has run too long; exits
    when `stop` has removed the state file (or another run replaced it)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    work = Path(args.work)
    limit = float(os.environ.get("EECALL_REAL_MAX_SECONDS", "1800"))
    while True:
        time.sleep(1)
        state = reallab.load_state(work)
        if state is None or repr(state["started"]) != args.started:
            return 0
        parent_gone = process_start_time(args.parent) != args.parent_start
        too_long = time.time() - state["started"] > limit
        if parent_gone or too_long:
            why = "ctest is gone" if parent_gone else f"running for more than {limit:.0f} s"
            print(f"watchdog: {why}: stopping the lab", flush=True)
            stop_lab(Path(state["lab_script"]), Path(state["lab_dir"]), state["ports"],
                     work / "lab.log")
            (work / "state.json").unlink(missing_ok=True)
            return 0


def stop(args):
    root = reallab.lab_root(args.lab)
    if not reallab.lab_present(root):
        print(reallab.skip_line(root))
        return reallab.SKIPPED
    work = Path(args.work)
    state = reallab.load_state(work)
    lab_dir = work / "lab"
    if state is None and not (lab_dir / "var" / "run").is_dir():
        print("real Asterisk lab: nothing to stop")
        return 0
    if state is not None:
        stop_watchdog(state)
    ports = state["ports"] if state else reallab.lab_ports(os.environ)
    down = phones_down(lab_dir)
    left = stop_lab(root / "lab.sh", lab_dir, ports, work / "lab.log")
    (work / "state.json").unlink(missing_ok=True)
    if left:
        print(f"the lab did not stop: {left}\n" + (work / "lab.log").read_text(errors="replace"))
        return 1
    if down:
        print(f"note: {', '.join(down)} had exited before the end of the suite")
    if state is None:
        print("real Asterisk lab stopped (no state file: a previous run's lab)")
        return 0
    wall = time.time() - state["started"]
    over = "" if wall <= BUDGET_SECONDS else f" - OVER the {BUDGET_SECONDS} s budget"
    print(f"real Asterisk lab stopped; real suite wall time {wall:.1f} s{over}")
    return 0


def phones_down(lab_dir):
    """The processes of the lab that have a pid file but are gone (a phone that crashed)."""
    alive = set(lab_processes(lab_dir))
    down = []
    for pidfile in (lab_dir / "var" / "run" / "asterisk").glob("*.pid"):
        pid = pidfile.read_text().strip()
        if not pid.isdigit() or int(pid) not in alive:
            down.append(pidfile.stem)
    return down


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # ctest's timeout
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["start", "stop", "watch"])
    parser.add_argument("--lab", help="default lab.sh directory (EECALL_LAB wins)")
    parser.add_argument("--work", required=True)
    parser.add_argument("--parent", type=int)
    parser.add_argument("--parent-start")
    parser.add_argument("--started")
    args = parser.parse_args()
    return {"start": start, "stop": stop, "watch": watch}[args.action](args)


if __name__ == "__main__":
    sys.exit(main())
