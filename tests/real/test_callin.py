"""Call in (docs/callin.md) against the real Asterisk 20: the lab's caller (lab.sh dial, caller
ID 0612345678) calls an extension whose dialplan runs eecall as its AGI program, types the PIN
and keys as RFC 2833 events, and a small HTTP server on 127.0.0.1 plays the box's API: it must
receive exactly the set/get requests the keys stand for. Asterisk's own log shows our audio
files played."""

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse

import reallab

EXTEN = "4100"
CALLER = "0612345678"
PIN = "4711"


# What the box's periph.caract answers: the body of a read key's JSON.
CARACT = json.dumps({"success": 1, "body": {"last_value": "100", "last_value_text": "activée"}}).encode()


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
        os.makedirs(f"{root}/jobs", mode=0o700)
        self.box = reallab.Box(CARACT)
        url = f"http://127.0.0.1:{self.box.server_address[1]}"
        self.config = f"{root}/eecall.conf"
        with open(self.config, "w") as f:
            f.write(f"[general]\nstate_dir = {root}\naudio_dir = {root}/audio\njobs_dir = {root}/jobs\n\n"
                    f"[callin lab]\npin = {PIN}\nallow_callers = {CALLER}\nkey0 = acknowledge\n"
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

    def agi_log_with(self, text, timeout=10.0):
        """The AGI log once it holds `text`: the program writes its call's line when it sees the
        hang-up, which may come after lab.sh dial has returned (a loaded machine)."""
        deadline = time.monotonic() + timeout
        log = self.agi_log()
        while text not in log and time.monotonic() < deadline:
            time.sleep(0.1)
            log = self.agi_log()
        return log

    def warm_up(self):
        """One call that only leaves ('#' at the PIN prompt, twice nothing): it makes the menu's
        sentences ready before answering, so the next call, the test's, finds them cached and its
        timing is that of every later call, not of the first after a change."""
        self.dial(",,,,", 3)

    def test_right_pin_arms_and_reads(self):
        self.warm_up()
        log = self.lab.asterisk_log()
        self.box.requests.clear()
        # What the box answers to 3 is synthesized during the call, and a key typed meanwhile is
        # lost: '#' comes 8 s later, what a loaded machine needs for the fetch and the synthesis.
        self.dial(",," + PIN + "#,,1,,,,3,,,,,,,,#", 6)
        self.assertEqual([p.split("?")[0] for p in self.box.requests], ["/api/set", "/api/get"],
                         self.agi_log())
        self.assertIn("value=100", self.box.requests[0])
        played = log.lines(r"Playing '" + re.escape(self.tmp.name) + r"/audio/")
        self.assertGreaterEqual(len(played), 4, log.text())
        line = f"call-in from {CALLER}: PIN ok, keys '13#', Armer: done, Alarme: read: left"
        self.assertIn(line, self.agi_log_with(line))
        self.assertNotIn(PIN, self.agi_log())
        self.assertNotIn("TopSecret", self.agi_log())

    def test_three_wrong_pins_lock_out_across_calls(self):
        self.warm_up()
        self.dial(",,1111#,,2222#,,3333#", 4)
        self.assertIn("PIN locked out, keys '': locked out", self.agi_log_with("PIN locked out"))
        self.dial(",," + PIN + "#,,1", 4)  # the right PIN now: not even asked
        self.assertEqual(self.box.requests, [])
        log = self.agi_log()
        deadline = time.monotonic() + 10
        while log.count(": locked out") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            log = self.agi_log()
        self.assertEqual(log.count(": locked out"), 2, log)

    def test_a_running_alert_acknowledged_by_calling_in(self):
        """Issue 20 item 4: an alert ringing 107 (which never presses a key) is acknowledged
        by the caller: the job ends done, acknowledged by the caller via call-in, its call on
        107 is hung up, and the box is told once."""
        self.warm_up()
        self.box.requests.clear()
        phone = self.lab.phone(107)
        environ = {"EECALL_CONFIG": self.config, "EECALL_ACK_TIMEOUT": "5",
                   "EECALL_NOTIFY_URL": f"http://127.0.0.1:{self.box.server_address[1]}/notify"
                                        "?state={state}&by={acknowledged_by}"}
        started = self.eecall({"from": "107", "say": "Fuite d'eau au garage.", "ack": "1",
                               "repeat": "5", "background": "1", "format": "json"}, environ=environ)
        self.assertEqual(started.status, 202, started)
        job = started.get("job")

        def state():
            return self.eecall({"job": job, "format": "json"}, environ=environ)

        deadline = time.monotonic() + 30
        while state().get("detail") != "107 answered" and time.monotonic() < deadline:
            time.sleep(0.2)
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="the alert's INVITE to 107")
        # The alert's sentences are new text: eecall makes them ready before it answers (a key
        # typed during a synthesis would be lost), so one 0 is enough.
        self.dial(",," + PIN + "#,,,,0,,,,#", 4)
        deadline = time.monotonic() + 20
        end = state()
        while end.get("state") not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
            time.sleep(0.2)
            end = state()
        self.assertEqual(end.get("state"), "done", f"{end}\n{self.agi_log()}")
        self.assertEqual(end.get("acknowledged_by"), f"{CALLER} (call-in)", end)
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_request("BYE"), timeout=10,
                       what="the BYE of the acknowledged alert's call")
        requests = self.box.settled_requests(timeout=10)
        self.assertEqual(len(requests), 1, requests)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(requests[0]).query)
        self.assertEqual((query["state"], query["by"]), (["done"], [f"{CALLER} (call-in)"]))
        self.assertIn(f"acknowledge {job}: done", self.agi_log_with(f"acknowledge {job}: done"))
        self.lab.wait_idle(timeout=10)


if __name__ == "__main__":
    reallab.main()
