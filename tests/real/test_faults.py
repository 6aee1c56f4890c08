"""Faults on the real Asterisk 20 (issue 22): what an alert does when Asterisk restarts during
its second phone, when its AMI session is kicked, when Asterisk hangs up our call, when the
audio directory is full or read-only, when the jobs directory cannot be written, and when the
box's API never answers.

Every case asserts that nothing is lost — the job's state file (or the answer) says what
happened — and that nothing is left: no eecall process of the case, no temporary file in its
directories, no channel in `core show channels`.

The full and read-only directories are small tmpfs mounts (the lab runs as root anyway); where
mount(8) is refused those two cases are skipped, saying so. The Asterisk restart stops Asterisk
alone (SIGTERM by its pid file, as `systemctl stop` does; the phones stay up) and starts it
again with `lab.sh start`, then waits until it is fully booted and qualify has marked phone 102
unreachable again, as the later tests (test_wait) expect of the shared lab.
"""

import errno
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import reallab

SENTENCE = "Fuite d'eau au sous-sol."
OTHER_SENTENCE = "Alarme incendie au garage."


def _wait(what, find, timeout):
    """Polls `find()` until it returns something true; fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.1)


class SilentBox:
    """A box whose API never answers: it listens, the kernel accepts the connections into the
    backlog, nobody ever reads a request or writes a byte back."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def close(self):
        self.socket.close()


class Faults(reallab.LabTest):
    def setUp(self):
        self.dirs = {name: tempfile.TemporaryDirectory(prefix=f"eecall-real-faults-{name}-")
                     for name in ("audio", "jobs")}
        self.audio = Path(self.dirs["audio"].name)
        self.jobs = Path(self.dirs["jobs"].name)
        self.mounts = []
        self.box = reallab.Box()
        self.environ = {
            "EECALL_AUDIO_DIR": str(self.audio),
            "EECALL_JOBS_DIR": str(self.jobs),
            "EECALL_JOB_LOG": str(self.jobs) + "/jobs.log",
            "EECALL_ACK_TIMEOUT": "2",
            "EECALL_NOTIFY_URL": f"http://127.0.0.1:{self.box.server_address[1]}/api/set?value={{value}}"
                                 "&error={error}&job={job}",
        }

    def tearDown(self):
        self.box.shutdown()
        self.box.server_close()
        for path in reversed(self.mounts):
            subprocess.run(["umount", str(path)], check=False)
        for d in self.dirs.values():
            d.cleanup()

    # --- running eecall ----------------------------------------------------------------------

    def run_eecall(self, params, environ=None):
        merged = {"format": "json"}
        merged.update(params)
        env = dict(self.environ)
        env.update(environ or {})
        return self.eecall(merged, environ=env)

    def start_job(self, params, environ=None):
        started = self.run_eecall(dict(params, background="1"), environ)
        self.assertEqual(started.status, 202, started)
        return started.get("job")

    def job_file(self, job):
        """The job's state file as eecall wrote it: the truth a state request reads."""
        return json.loads((self.jobs / f"{job}.json").read_text())

    def wait_job(self, job, done, what, timeout=30):
        def find():
            try:
                record = self.job_file(job)
            except (FileNotFoundError, json.JSONDecodeError):
                return None
            return record if done(record) else None
        return _wait(f"{what} of job {job}", find, timeout)

    def wait_ended(self, job, timeout=30):
        return self.wait_job(job, lambda r: r["state"] in ("done", "failed", "cancelled"), "end", timeout)

    # --- nothing left ------------------------------------------------------------------------

    def our_processes(self):
        """eecall processes of this case: the binary under test with this case's jobs dir in its
        environment (other tests may run the same binary at the same time)."""
        binary = os.path.realpath(self.eecall_binary)
        marker = f"EECALL_JOBS_DIR={self.jobs}".encode() + b"\0"
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.readlink(entry / "exe") == binary and marker in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def temporary_files(self):
        return sorted(str(p) for d in (self.audio, self.jobs) if d.is_dir()
                      for p in d.iterdir() if p.name.endswith(".tmp"))

    def assertNothingLeft(self, job=None):
        if job is not None:
            pid = self.job_file(job)["pid"]
            _wait(f"exit of job process {pid}", lambda: not Path(f"/proc/{pid}").exists(), 10)
        _wait("exit of every eecall process of the case", lambda: not self.our_processes(), 10)
        self.assertEqual(self.temporary_files(), [], "temporary files left")
        self.lab.wait_idle(timeout=10)

    def assertBoxToldOnce(self):
        requests = self.box.settled_requests(timeout=15)
        self.assertEqual(len(requests), 1, requests)
        return requests[0]

    # --- the lab -----------------------------------------------------------------------------

    def asterisk_pid(self):
        return int((self.lab.dir / "var" / "run" / "asterisk" / "asterisk.pid").read_text())

    def restart_asterisk(self):
        """Stops Asterisk alone and starts it again; returns once it is fully back."""
        pid = self.asterisk_pid()
        log = self.lab.asterisk_log()
        os.kill(pid, signal.SIGTERM)
        _wait(f"exit of Asterisk (pid {pid})", lambda: not Path(f"/proc/{pid}").exists(), 20)
        env = self.lab.environment()
        env.update(LAB_KEEP_CONFIG="0", LAB_NO_PHONES="0")  # as the fixture started it
        r = subprocess.run([str(self.lab.script), "start", str(self.lab.dir)], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=100)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        self.lab.cli("core waitfullybooted", timeout=40)
        # The shared lab as the fixture leaves it: qualify knows 102 unreachable (test_wait).
        # Asked now rather than at qualify's next round (up to 30 s away).
        self.lab.cli("pjsip qualify 102")
        log.wait_for(r"Contact 102/\S+ is now Unreachable", timeout=20)

    def channel_of(self, phone):
        """The PJSIP channel of `phone` Asterisk has up now, once it has one."""
        def find():
            m = re.search(rf"^(PJSIP/{phone}-[0-9a-f]+)!", self.lab.cli("core show channels concise"),
                          re.MULTILINE)
            return m and m.group(1)
        return _wait(f"channel of phone {phone}", find, 15)

    def mount_tmpfs(self, path, options):
        """A tmpfs on `path`; skips the case where mount is not allowed."""
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "eecall-faults", str(path)],
                           capture_output=True)
        if r.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs ({r.stderr.decode(errors='replace').strip()}): "
                          "needs root and CAP_SYS_ADMIN")
        self.mounts.append(path)

    def cached_prompt(self, sentence):
        """Makes eecall cache `sentence` without ringing anyone (103 has no contact: the call
        fails at once, after the speech); returns the cached file."""
        before = set(self.audio.glob("*.wav"))
        answer = self.run_eecall({"from": "103", "say": sentence, "ack": "1"})
        self.assertNotEqual(answer.get("error"), "speech_failed", answer)
        made = set(self.audio.glob("*.wav")) - before
        self.assertEqual(len(made), 1, answer)
        return made.pop()

    # --- the cases ---------------------------------------------------------------------------

    def test_asterisk_restarted_during_the_second_phone(self):
        phone = self.lab.phone(107)
        job = self.start_job({"from": "108,107,105", "say": SENTENCE, "ack": "1", "repeat": "5"})
        self.wait_job(job, lambda r: r["detail"] == "107 answered", "'107 answered'")
        phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        self.restart_asterisk()
        record = self.wait_ended(job)
        outcome = record["outcome"]
        # Asterisk hangs up 107 as it shuts down, then refuses the Originate of 105 ("Asterisk
        # is shutting down") or has already closed the connection: the job says which.
        self.assertEqual(record["state"], "failed", record)
        self.assertIn((outcome["error"], outcome["subject"]), [("action_failed", "action"), ("protocol_error", "action")],
                      record)
        self.assertRegex(outcome["message"], r"Asterisk is shutting down|closed the connection")
        self.assertEqual([(a["phone"], a["outcome"]) for a in outcome["attempts"]],
                         [("108", "busy"), ("107", "not_acknowledged")], record)
        self.assertIn(f"error={outcome['error']}", self.assertBoxToldOnce())
        self.assertNothingLeft(job)

    def test_ami_session_kicked_mid_alert(self):
        job = self.start_job({"from": "107", "say": SENTENCE, "ack": "1", "repeat": "5"})
        self.wait_job(job, lambda r: r["detail"] == "107 answered", "'107 answered'")
        connected = self.lab.cli("manager show connected")
        fds = re.findall(r"^\s*eedomus\s+127\.0\.0\.1\s+\d+\s+\d+\s+(\d+)\s", connected, re.MULTILINE)
        self.assertEqual(len(fds), 1, connected)
        self.lab.cli(f"manager kick session {fds[0]}")
        record = self.wait_ended(job)
        self.assertEqual((record["state"], record["outcome"]["error"]), ("failed", "protocol_error"), record)
        self.assertEqual(record["outcome"]["attempts"][-1]["phone"], "107")
        self.assertBoxToldOnce()
        self.assertNothingLeft(job)

    def test_our_call_hung_up_by_asterisk(self):
        job = self.start_job({"from": "107", "say": SENTENCE, "ack": "1", "repeat": "5"})
        self.wait_job(job, lambda r: r["detail"] == "107 answered", "'107 answered'")
        self.lab.cli(f"channel request hangup {self.channel_of(107)}")
        record = self.wait_ended(job)
        self.assertEqual(record["state"], "failed", record)
        self.assertEqual([(a["phone"], a["outcome"]) for a in record["outcome"]["attempts"]],
                         [("107", "not_acknowledged")], record)
        self.assertBoxToldOnce()
        self.assertNothingLeft(job)

    def test_full_audio_directory(self):
        self.mount_tmpfs(self.audio, "size=512k,mode=0755")
        cached = self.cached_prompt(SENTENCE)
        digest = hashlib.sha256(cached.read_bytes()).hexdigest()
        filler = os.open(self.audio / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
        try:  # the file system filled to its last block
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError as e:
            self.assertEqual(e.errno, errno.ENOSPC)
        finally:
            os.close(filler)
        log = self.lab.phone(100)
        answer = self.run_eecall({"from": "100", "say": OTHER_SENTENCE, "ack": "1"})
        self.assertFailed(answer, "speech_failed", status=500)
        self.assertIn("No space left on device", answer.get("message"))
        self.assertNothingReached(log, methods=("INVITE",))
        self.assertEqual(sorted(p.name for p in self.audio.iterdir()), sorted([cached.name, "filler"]),
                         "a partial file was left")
        self.assertEqual(hashlib.sha256(cached.read_bytes()).hexdigest(), digest, "the cache was damaged")
        again = self.run_eecall({"from": "103", "say": SENTENCE, "ack": "1"})
        self.assertNotEqual(again.get("error"), "speech_failed", "the cached prompt no longer usable")
        self.assertNothingLeft()

    def test_read_only_audio_directory(self):
        self.mount_tmpfs(self.audio, "size=4m,mode=0755")
        cached = self.cached_prompt(SENTENCE)
        subprocess.run(["mount", "-o", "remount,ro", str(self.audio)], check=True)
        log = self.lab.phone(100)
        answer = self.run_eecall({"from": "100", "say": OTHER_SENTENCE, "ack": "1"})
        self.assertFailed(answer, "speech_failed", status=500)
        self.assertIn("read-only file system", answer.get("message"))
        self.assertNothingReached(log, methods=("INVITE",))
        self.assertEqual([p.name for p in self.audio.iterdir()], [cached.name])
        again = self.run_eecall({"from": "103", "say": SENTENCE, "ack": "1"})
        self.assertNotEqual(again.get("error"), "speech_failed", "a cached prompt plays from a read-only directory")
        self.assertNothingLeft()

    def test_unwritable_jobs_directory(self):
        self.mount_tmpfs(self.jobs, "size=1m,mode=0700,ro")
        log = self.lab.phone(100)
        answer = self.run_eecall({"from": "100", "play": "hello-world", "background": "1"})
        # The job's first state file cannot be written: 500 with the system's reason.
        self.assertFailed(answer, "internal_error", status=500)
        self.assertIn("Read-only file system", answer.get("message"))
        self.assertIsNone(answer.get("job"), "a job id for a job that never started")
        env = dict(os.environ, EECALL_CONFIG="/dev/null", EECALL_MAX_ACTIONS_PER_MINUTE="0", **self.environ)
        cli = subprocess.run([str(self.eecall_binary), "--ip", "127.0.0.1", "--port", str(self.lab.ami_port),
                              "--user", reallab.USER, "--secret", reallab.SECRET, "--from", "100",
                              "--play", "hello-world", "--background"],
                             env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        self.assertEqual(cli.returncode, 1, cli)  # EXIT STATUS of internal_error
        self.assertIn(b"Read-only file system", cli.stdout + cli.stderr)
        self.assertNothingReached(log, methods=("INVITE",))
        self.assertEqual(self.box.requests, [], "a job that never started told the box")
        self.assertNothingLeft()

    def test_box_that_never_answers(self):
        silent = SilentBox()
        self.addCleanup(silent.close)
        started = time.monotonic()
        job = self.start_job({"from": "103", "play": "hello-world"},
                             environ={"EECALL_NOTIFY_URL": f"http://127.0.0.1:{silent.port}/api?v={{value}}",
                                      "EECALL_NOTIFY_TIMEOUT": "1"})
        # 3 tries of 1 s, 1 s and 2 s between them: 6 s; the job's own safety net is 5 s more.
        record = self.wait_job(job, lambda r: r.get("notify", {}).get("state") in ("sent", "failed"),
                               "the notify's end", timeout=15)
        took = time.monotonic() - started
        self.assertEqual(record["state"], "failed", record)
        self.assertEqual(record["outcome"]["error"], "call_failed", record)
        self.assertEqual((record["notify"]["state"], record["notify"]["tries"]), ("failed", 3), record)
        self.assertLess(took, 11.0, "the notify gave up past its bound")
        self.assertNothingLeft(job)


if __name__ == "__main__":
    reallab.main()
