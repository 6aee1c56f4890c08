"""Call in (docs/callin.md) against the real Asterisk 20: the lab's caller (lab.sh dial, caller
ID 0612345678) calls an extension whose dialplan runs eecall as its AGI program, types the PIN
and keys as RFC 2833 events, and a small HTTP server on 127.0.0.1 plays the box's API: it must
receive exactly the set/get requests the keys stand for. Asterisk's own log shows our audio
files played."""

import http.server
import json
import os
import re
import subprocess
import tempfile
import threading

import reallab

EXTEN = "4100"
CALLER = "0612345678"
PIN = "4711"


class Box(http.server.ThreadingHTTPServer):
    """The eeDomus API: records each GET; /get answers periph.caract's JSON."""

    def __init__(self):
        self.requests = []
        box = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                box.requests.append(self.path)
                body = json.dumps({"success": 1, "body": {"last_value": "100",
                                                          "last_value_text": "activée"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def dial_ports(environ):
    """lab.sh dial's ports, in this suite's range (EECALL_REAL_PORT_BASE +91, +200, +191)."""
    base = int(environ.get("EECALL_REAL_PORT_BASE", "25000"))
    return {"LAB_DIAL_PORT": str(base + 91), "LAB_DIAL_MEDIA_PORT": str(base + 200),
            "LAB_DIAL_CTRL_PORT": str(base + 191)}


class Callin(reallab.LabTest):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="eecall-real-callin-")
        root = self.tmp.name
        os.makedirs(f"{root}/audio")
        self.box = Box()
        url = f"http://127.0.0.1:{self.box.server_address[1]}"
        self.config = f"{root}/eecall.conf"
        with open(self.config, "w") as f:
            f.write(f"[general]\nstate_dir = {root}\naudio_dir = {root}/audio\njobs_dir = {root}\n\n"
                    f"[callin lab]\npin = {PIN}\nallow_callers = {CALLER}\n"
                    f"key1 = act Armer | {url}/api/set?action=periph.value&periph_id=12345&value=100"
                    "&api_user=U&api_secret=TopSecret\n"
                    f"key3 = read Alarme | {url}/api/get?action=periph.caract&periph_id=12345"
                    "&api_user=U&api_secret=TopSecret | body.last_value_text\n")
        os.chmod(self.config, 0o600)
        # Asterisk gives an AGI program its own environment: a wrapper names the configuration.
        self.wrapper = f"{root}/eecall-agi"
        with open(self.wrapper, "w") as f:
            f.write(f"#!/bin/sh\nEECALL_CONFIG={self.config} exec {self.eecall_binary} \"$@\" 2>>{root}/agi.log\n")
        os.chmod(self.wrapper, 0o755)
        self.set_extension(f"exten => {EXTEN},1,AGI({self.wrapper},callin=lab)\n same => n,Hangup()\n")
        self.lab.wait_idle()

    def set_extension(self, lines):
        """The test's extension in the lab's extensions_custom.conf (replacing an earlier one)."""
        custom = self.lab.dir / "etc" / "asterisk" / "extensions_custom.conf"
        text = re.sub(rf"(?m)^exten => {EXTEN},.*\n(^ same => .*\n)*", "", custom.read_text())
        custom.write_text(text + lines)
        self.lab.cli("dialplan reload")

    def tearDown(self):
        self.set_extension("")  # the other tests find the lab's dialplan as it was
        self.box.shutdown()
        self.box.server_close()
        self.tmp.cleanup()

    def dial(self, digits, seconds):
        env = self.lab.environment()
        env.update(dial_ports(os.environ))
        r = subprocess.run([str(self.lab.script), "dial", str(self.lab.dir), "caller", EXTEN, digits,
                            str(seconds)], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=seconds + 60)
        line = r.stdout.decode(errors="replace")
        self.assertEqual(r.returncode, 0, line + r.stderr.decode(errors="replace"))
        return line

    def agi_log(self):
        with open(f"{self.tmp.name}/agi.log", errors="replace") as f:
            return f.read()

    def warm_up(self):
        """One call that only leaves ('#' at the PIN prompt, twice nothing): the greeting and
        PIN prompt are then cached, so the keys typed next are not typed during a synthesis
        (Asterisk drops the DTMF that comes between two AGI commands)."""
        self.dial(",,,,", 3)

    def test_right_pin_arms_and_reads(self):
        self.warm_up()
        log = self.lab.asterisk_log()
        self.box.requests.clear()
        self.dial(",," + PIN + "#,,1,,,,3,,,,#", 6)
        self.assertEqual([p.split("?")[0] for p in self.box.requests], ["/api/set", "/api/get"],
                         self.agi_log())
        self.assertIn("value=100", self.box.requests[0])
        played = log.lines(r"Playing '" + re.escape(self.tmp.name) + r"/audio/")
        self.assertGreaterEqual(len(played), 4, log.text())
        self.assertIn(f"call-in from {CALLER}: PIN ok, keys '13#', Armer: done, Alarme: read: left",
                      self.agi_log())
        self.assertNotIn(PIN, self.agi_log())
        self.assertNotIn("TopSecret", self.agi_log())

    def test_three_wrong_pins_lock_out_across_calls(self):
        self.warm_up()
        self.dial(",,1111#,,2222#,,3333#", 4)
        self.assertIn("PIN locked out, keys '': locked out", self.agi_log())
        self.dial(",," + PIN + "#,,1", 4)  # the right PIN now: not even asked
        self.assertEqual(self.box.requests, [])
        self.assertEqual(self.agi_log().count(": locked out"), 2, self.agi_log())


if __name__ == "__main__":
    reallab.main()
