"""What every test of tests/real shares: the real Asterisk lab started by the ctest fixture
(lab_fixture.py), eecall run exactly as a web server runs a CGI program, and the logs that
show what really happened: the SIP each phone received (sipp's `logs/sipp-N-messages.log`) and
Asterisk's own log (`logs/messages`), each read from a mark taken before the request.

A test file per feature area (test_calls.py, test_messages.py, ...) holds `LabTest` classes
and ends with `reallab.main()`. Python 3 standard library only.

The lab is `lab.sh` of the shared Asterisk 20 build, `../shared/asterisk` next to the source
tree unless EECALL_LAB names another directory; without it every test prints one line and
exits 77, which ctest reports as skipped.
"""

import argparse
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED = 77  # ctest SKIP_RETURN_CODE

# The lab's AMI users (lab-config/manager.conf of the shared recordings).
USER, SECRET = "eedomus", "s3cret"
READONLY_USER, READONLY_SECRET = "readonly", "ro"


# --- Where the lab is, and on which ports -------------------------------------------------------

def lab_root(default):
    """The directory holding lab.sh: EECALL_LAB, else the build's default."""
    return Path(os.environ.get("EECALL_LAB") or default)


def lab_present(root):
    return (root / "lab.sh").is_file()


def skip_line(root):
    return f"real Asterisk lab not found at {root}: skipped (EECALL_LAB names another place)"


# sipp phones of lab.sh: (media port offset, control port offset) from the port base.
_PHONES_WITH_SIPP = {100: (100, 80), 101: (110, 81), 105: (120, 82), 106: (130, 83),
                     107: (140, 84), 108: (150, 85), 109: (160, 86), 110: (170, 87)}
# 109 (answering machine) and 110 (human), for AMD: their SIP ports are the lab's +79 and +90.
_PHONE_PORT_OFFSET = {n: 70 + (n - 100) for n in (100, 101, 102, 104, 105, 106, 107, 108, 109)}
_PHONE_PORT_OFFSET[110] = 90


def lab_ports(environ):
    """Every LAB_* port variable of lab.sh, from EECALL_REAL_PORT_BASE (default 25000: AMI
    base+38, PJSIP +60, chan_sip +62, phones +70..+79 and +90 (110), their media ports +100..+179,
    control ports +80..+87; AMI over TLS, for test_login.py, +39) and EECALL_REAL_RTP_START (default
    21000, 101 ports). A LAB_* variable already in the environment wins. Never the lab's own
    defaults (150xx, RTP 20000-20100), which a developer's lab on the same machine uses."""
    base = int(environ.get("EECALL_REAL_PORT_BASE", "25000"))
    rtp = int(environ.get("EECALL_REAL_RTP_START", "21000"))
    ports = {"LAB_AMI_PORT": base + 38, "LAB_PJSIP_PORT": base + 60, "LAB_SIP_PORT": base + 62,
             "LAB_RTP_START": rtp, "LAB_RTP_END": rtp + 100, "EECALL_REAL_TLS_PORT": base + 39}
    for n, offset in _PHONE_PORT_OFFSET.items():
        ports[f"LAB_PHONE_{n}_PORT"] = base + offset
    for n, (media, control) in _PHONES_WITH_SIPP.items():
        ports[f"LAB_PHONE_{n}_MEDIA_PORT"] = base + media
        ports[f"LAB_PHONE_{n}_CTRL_PORT"] = base + control
    for name in ports:
        if environ.get(name):
            ports[name] = int(environ[name])
    return ports


# --- The running lab ----------------------------------------------------------------------------

class Lab:
    """The lab the fixture started, as its state file (work/state.json) describes it."""

    def __init__(self, state):
        self.state = state
        self.script = Path(state["lab_script"])
        self.dir = Path(state["lab_dir"])
        self.ports = state["ports"]
        self.ami_port = self.ports["LAB_AMI_PORT"]
        self.tls_port = self.ports["EECALL_REAL_TLS_PORT"]
        self.work = Path(state["work"])

    def environment(self):
        env = dict(os.environ)
        env.update({k: str(v) for k, v in self.ports.items()})
        return env

    def cli(self, command, timeout=20):
        """One Asterisk CLI command (`lab.sh cli`); its output."""
        r = subprocess.run([str(self.script), "cli", str(self.dir), command], env=self.environment(),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"lab.sh cli {command!r} failed ({r.returncode}): "
                               f"{r.stderr.decode(errors='replace')}")
        return r.stdout.decode(errors="replace")

    def active_channels(self):
        out = self.cli("core show channels count")
        m = re.search(r"(\d+) active channels?", out)
        if not m:
            raise RuntimeError(f"unexpected 'core show channels count' output: {out!r}")
        return int(m.group(1))

    def wait_idle(self, timeout=20.0):
        """Until Asterisk has no channel left (the calls of earlier tests are over)."""
        deadline = time.monotonic() + timeout
        while (n := self.active_channels()) != 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{n} channels still up after {timeout} s:\n"
                                     + self.cli("core show channels"))
            time.sleep(0.2)

    def manager_conf(self):
        return self.dir / "etc" / "asterisk" / "manager.conf"

    def phone(self, number):
        """The SIP log of sipp phone `number`, marked now: only what comes after counts."""
        return SipLog(self.dir / "logs" / f"sipp-{number}-messages.log")

    def asterisk_log(self, from_start=False):
        """Asterisk's `logs/messages`, marked now (or read from its first line)."""
        return TextLog(self.dir / "logs" / "messages", from_start=from_start)


# --- Logs ---------------------------------------------------------------------------------------

def _size(path):
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _wait(find, timeout, describe):
    """Polls `find()` until it returns something other than None; else fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(describe())
        time.sleep(0.05)


@dataclass
class SipMessage:
    """One SIP message in a phone's log: `received` by the phone or `sent` by it."""
    direction: str
    raw: bytes
    start_line: str = ""
    headers: list = field(default_factory=list)  # (name, value), in order
    body: bytes = b""

    @classmethod
    def parse(cls, direction, raw):
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "replace").split("\r\n")
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        return cls(direction, raw, lines[0], headers, body)

    def header(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    @property
    def method(self):
        """INVITE, MESSAGE, BYE... for a request; None for a response."""
        return None if self.start_line.startswith("SIP/2.0") else self.start_line.split(" ", 1)[0]

    @property
    def status(self):
        """200, 486... for a response; None for a request."""
        return int(self.start_line.split(" ")[1]) if self.start_line.startswith("SIP/2.0") else None

    @property
    def call_id(self):
        return self.header("Call-ID")

    def is_request(self, method):
        return self.direction == "received" and self.method == method

    def is_response(self, status, method):
        cseq = self.header("CSeq") or ""
        return self.direction == "sent" and self.status == status and cseq.endswith(" " + method)

    def summary(self):
        return f"{self.direction}: {self.start_line} (Call-ID {self.call_id})"


# sipp -trace_msg: a dashed line with the time, then "UDP message received [N] bytes :" or
# "UDP message sent (N bytes):", a blank line and exactly N bytes of the message.
_SIPP_ENTRY = re.compile(rb"-{20,} [^\n]*\n(?:UDP|TCP) message (received|sent) "
                         rb"(?:\[(\d+)\] bytes :|\((\d+) bytes\):)\n\n")


class SipLog:
    """What one sipp phone sent and received since the mark (construction or `mark()`)."""

    def __init__(self, path):
        self.path = Path(path)
        self.mark()

    def mark(self):
        self.start = _size(self.path)

    def messages(self):
        """Every complete entry after the mark (sipp may still be writing the last one)."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.start)
                data = f.read()
        except FileNotFoundError:
            return []
        out = []
        for m in _SIPP_ENTRY.finditer(data):
            n = int(m.group(2) or m.group(3))
            raw = data[m.end():m.end() + n]
            if len(raw) == n:
                out.append(SipMessage.parse(m.group(1).decode(), raw))
        return out

    def requests(self, method):
        return [m for m in self.messages() if m.is_request(method)]

    def wait_for(self, predicate, timeout=10.0, what="a matching SIP message"):
        def find():
            return next((m for m in self.messages() if predicate(m)), None)
        return _wait(find, timeout, lambda: self._missing(what, timeout))

    def wait_count(self, predicate, count, timeout=15.0, what="matching SIP messages"):
        def find():
            found = [m for m in self.messages() if predicate(m)]
            return found if len(found) >= count else None
        return _wait(find, timeout, lambda: self._missing(f"{count} × {what}", timeout))

    def _missing(self, what, timeout):
        seen = "\n  ".join(m.summary() for m in self.messages()[-20:]) or "(nothing)"
        return f"{self.path.name}: no {what} within {timeout} s; last seen:\n  {seen}"


class TextLog:
    """Asterisk's `logs/messages` since the mark: lines, searched by regular expression."""

    def __init__(self, path, from_start=False):
        self.path = Path(path)
        self.start = 0 if from_start else _size(self.path)

    def mark(self):
        self.start = _size(self.path)

    def text(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.start)
                data = f.read()
        except FileNotFoundError:
            return ""
        # Only whole lines: the last one may still be being written.
        return data[:data.rfind(b"\n") + 1].decode("utf-8", "replace")

    def lines(self, pattern=None):
        lines = self.text().splitlines()
        return lines if pattern is None else [ln for ln in lines if re.search(pattern, ln)]

    def wait_for(self, pattern, timeout=10.0):
        """The first line matching `pattern` (a regular expression)."""
        def find():
            return next(iter(self.lines(pattern)), None)
        return _wait(find, timeout, lambda: f"{self.path.name}: no line matching {pattern!r} "
                                            f"within {timeout} s; last lines:\n  "
                                            + "\n  ".join(self.lines()[-15:]))


# --- AMI sessions recorded through ami_record.py -------------------------------------------------

class AmiRecording:
    """ami_record.py, as the integrator runs it, between a client and the lab's AMI: `port` is
    where to connect; `finish()` waits until the session is over and returns the transcript."""

    def __init__(self, lab, out, connections=1, scenario="real_test"):
        self.out = Path(out)
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("ami_record.py")),
             "--target", f"127.0.0.1:{lab.ami_port}", "--out", str(out), "--scenario", scenario,
             "--comment", "recorded by tests/real", "--connections", str(connections),
             "--max-seconds", "60"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        m = re.fullmatch(r"ami_record listening on 127\.0\.0\.1:(\d+)\n", line)
        if not m:
            self.close()
            raise AssertionError(f"ami_record.py did not start: {line!r}")
        self.port = int(m.group(1))

    def finish(self, timeout=30):
        rc = self.process.wait(timeout)
        if rc != 0:
            raise AssertionError(f"ami_record.py exited {rc}")
        return self.out.read_text(encoding="ascii")

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def transcript_bytes(text, direction):
    """The raw bytes of one direction (C or S) of a transcript."""
    out = bytearray()
    for line in text.split("\n"):
        if not line.startswith(direction + ": "):
            continue
        body = line[3:].removesuffix("   # (no line end: chunk ends here)")
        out += re.sub(rb"\\(r|n|\\|x[0-9a-f]{2})",
                      lambda m: {b"r": b"\r", b"n": b"\n", b"\\": b"\\"}.get(m.group(1))
                      or bytes([int(m.group(1)[1:], 16)]),
                      body.encode("ascii"))
    return bytes(out)


# --- eecall as a CGI program --------------------------------------------------------------------

@dataclass
class Answer:
    """What eecall wrote: the CGI Status line, the headers, the body, and its fields."""
    status: int
    headers: dict
    body: str
    fields: dict
    stderr: str
    seconds: float

    def get(self, name, default=None):
        return self.fields.get(name, default)

    def __str__(self):
        return f"HTTP {self.status}: {self.body.strip()}"


def query(**params):
    """A query string as a browser writes it (spaces as %20); values may be bytes (Latin-1)."""
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def pbx(user=USER, secret=SECRET, port=None, lab=None):
    """ip/port/user/secret of the lab's AMI as URL parameters."""
    return {"ip": "127.0.0.1", "port": port or lab.ami_port, "user": user, "secret": secret}


def run_cgi(binary, query_string, method="GET", body=b"", environ=None, timeout=60):
    """Runs eecall as a web server runs a CGI program (RFC 3875): a clean environment with the
    request's meta-variables, the body (POST) on stdin, the answer on stdout. `environ` adds
    what a web server's configuration would (SetEnv EECALL_..., EECALL_CONFIG)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "eecall-real-tests",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "/cgi-bin/eecall",
        "REQUEST_URI": "/cgi-bin/eecall" + ("?" + query_string if query_string else ""),
        "QUERY_STRING": query_string,
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "49152",
        "EECALL_CONFIG": "/dev/null",  # never this machine's /etc/eecall/eecall.conf
        # The suite makes more than the default 30 actions a minute (50 at once in test_load),
        # and must not depend on, or change, this machine's /var/lib/eecall.
        "EECALL_MAX_ACTIONS_PER_MINUTE": "0",
    }
    if method == "POST":
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(body))
    env.update(environ or {})
    started = time.monotonic()
    r = subprocess.run([str(binary)], env=env, input=body, capture_output=True, timeout=timeout)
    seconds = time.monotonic() - started
    if r.returncode != 0:
        raise AssertionError(f"eecall as CGI exited {r.returncode} (a CGI answers in HTTP):\n"
                             f"{r.stdout!r}\n{r.stderr.decode(errors='replace')}")
    head, sep, body_out = r.stdout.partition(b"\r\n\r\n")
    if not sep:
        raise AssertionError(f"no CGI header block in {r.stdout!r}")
    headers = {}
    for line in head.decode("ascii").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    text = body_out.decode("utf-8")
    return Answer(int(headers["status"].split()[0]), headers, text,
                  parse_answer(headers.get("content-type", ""), text),
                  r.stderr.decode(errors="replace"), seconds)


def parse_answer(content_type, text):
    """The answer's fields (result, error, message, reason...) from XML or JSON."""
    if content_type.startswith("application/json"):
        return json.loads(text)
    if content_type.startswith("text/xml"):
        root = ElementTree.fromstring(text.encode("utf-8"))
        fields = {child.tag: child.text or "" for child in root}
        for name in ("result", "reason", "elapsed_ms"):
            if name in fields:
                fields[name] = int(fields[name])
        return fields
    return {"text": text}


class Box(http.server.ThreadingHTTPServer):
    """The eeDomus box's API on 127.0.0.1 (notify_url, a call-in's keys): records the path of
    every GET it receives and answers each with `body`, JSON."""

    def __init__(self, body=b'{"success": 1}'):
        self.requests = []
        box = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                box.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def settled_requests(self, timeout=15):
        """The paths received once the first GET has come (within `timeout` s) and half a
        second more has passed, when a second one would have come."""
        _wait(lambda: self.requests or None, timeout, lambda: f"no GET at the box within {timeout} s")
        time.sleep(0.5)
        return list(self.requests)


# --- Tests --------------------------------------------------------------------------------------

class LabTest(unittest.TestCase):
    """Base of the real tests: `self.lab`, `self.eecall(...)`, and assertions on answers."""

    lab: Lab = None
    eecall_binary: Path = None

    def eecall(self, params=None, raw_query=None, **kwargs):
        """eecall as CGI with the lab's ip/port/user/secret plus `params` (a dict), or with
        `raw_query` exactly as given."""
        if raw_query is None:
            merged = pbx(lab=self.lab)
            merged.update(params or {})
            raw_query = query(**{k: v for k, v in merged.items() if v is not None})
        return run_cgi(self.eecall_binary, raw_query, **kwargs)

    def assertSucceeded(self, answer, message=None):
        self.assertEqual(answer.status, 200, answer)
        self.assertEqual(answer.get("result"), 1, answer)
        if message is not None:
            self.assertEqual(answer.get("message"), message, answer)

    def assertFailed(self, answer, error, status=502, message=None):
        self.assertEqual(answer.status, status, answer)
        self.assertEqual(answer.get("result"), 0, answer)
        self.assertEqual(answer.get("error"), error, answer)
        if message is not None:
            self.assertEqual(answer.get("message"), message, answer)

    def assertNothingReached(self, log, methods=("INVITE", "MESSAGE"), settle=0.5):
        """No request of `methods` reached the phone since the mark, after `settle` seconds
        (a refused request never reaches Asterisk's dialplan; had it, the phone would have
        had it within milliseconds)."""
        time.sleep(settle)
        reached = [m.summary() for m in log.messages()
                   if m.direction == "received" and m.method in methods]
        self.assertEqual(reached, [], f"{log.path.name} received requests it should not have")


def load_state(work):
    path = Path(work) / "state.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def main():
    """Entry point of each test file: skip without the lab, else run its tests."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", required=True, help="default lab.sh directory (EECALL_LAB wins)")
    parser.add_argument("--work", required=True, help="the fixture's work directory")
    parser.add_argument("--eecall", required=True, help="the eecall binary under test")
    args, rest = parser.parse_known_args()
    root = lab_root(args.lab)
    if not lab_present(root):
        print(skip_line(root))
        sys.exit(SKIPPED)
    state = load_state(args.work)
    if state is None:
        print(f"the real Asterisk lab is not running (no {args.work}/state.json): run this "
              "test through ctest, whose fixture real.lab.start starts it")
        sys.exit(1)
    LabTest.lab = Lab(state)
    LabTest.eecall_binary = Path(args.eecall)
    unittest.main(module="__main__", argv=[sys.argv[0], *rest], verbosity=2)
