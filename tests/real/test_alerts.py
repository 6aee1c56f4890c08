"""Alerts (say / play / ack / escalation) against the real Asterisk 20, as the issue's "Done when"
asks: the lab's phones 105 and 106 press 1 (RFC 2833 and SIP INFO), 107 never presses, 108 is
busy. Each case checks eecall's answer and what the phones' SIP logs and Asterisk's own log show
(Asterisk playing eecall's file, the BYE that ends the call)."""

import os
import re
import tempfile
import wave
from pathlib import Path

import reallab

SENTENCE = "Fuite d'eau au sous-sol. Appuyez sur 1 pour acquitter."


class Alerts(reallab.LabTest):
    def setUp(self):
        self.audio = tempfile.TemporaryDirectory(prefix="eecall-real-audio-")
        # What a web server's configuration would set; Read waits 2 s for the key (default 5).
        self.environ = {"EECALL_AUDIO_DIR": self.audio.name, "EECALL_ACK_TIMEOUT": "2"}

    def tearDown(self):
        self.audio.cleanup()

    def alert(self, params, **kwargs):
        merged = {"format": "json"}
        merged.update(params)
        environ = dict(self.environ)
        environ.update(kwargs.pop("environ", {}))
        return self.eecall(merged, environ=environ, **kwargs)

    def audio_files(self):
        return sorted(Path(self.audio.name).glob("*.wav"))

    def assertCallEndedWithBye(self, phone, invite):
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_request("BYE"), timeout=10,
                       what="the BYE that ends the call")

    def test_say_acknowledged_by_rfc2833(self):
        phone, log = self.lab.phone(105), self.lab.asterisk_log()
        answer = self.alert({"from": "105", "say": SENTENCE, "ack": "1", "user": "alertonly",
                             "secret": "al3rt"})
        self.assertSucceeded(answer, "105 acknowledged with 1")
        self.assertEqual(answer.get("acknowledged_by"), "105")
        self.assertEqual([(a["phone"], a["outcome"]) for a in answer.get("attempts")],
                         [("105", "acknowledged")])
        # The file eecall wrote: an 8 kHz mono 16-bit WAV, and the one Asterisk played.
        files = self.audio_files()
        self.assertEqual(len(files), 1, files)
        with wave.open(str(files[0])) as w:
            self.assertEqual((w.getframerate(), w.getnchannels(), w.getsampwidth()), (8000, 1, 2))
            self.assertGreater(w.getnframes() / 8000, 1.5)
        log.wait_for(re.escape(f"Playing '{files[0].with_suffix('')}.slin'"), timeout=2)
        log.wait_for(r"User entered '1'", timeout=2)
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        self.assertCallEndedWithBye(phone, invite)

    def test_never_pressed_is_not_acknowledged(self):
        phone = self.lab.phone(107)
        answer = self.alert({"from": "107", "say": SENTENCE, "ack": "1", "repeat": "1"})
        self.assertFailed(answer, "not_acknowledged")
        self.assertNotIn("acknowledged_by", answer.fields)
        attempts = answer.get("attempts")
        self.assertEqual([(a["phone"], a["outcome"]) for a in attempts], [("107", "not_acknowledged")])
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        self.assertCallEndedWithBye(phone, invite)

    def test_busy_first_then_sip_info_acknowledges(self):
        busy, acker = self.lab.phone(108), self.lab.phone(106)
        answer = self.alert({"from": "108,106", "say": SENTENCE, "ack": "1"})
        self.assertSucceeded(answer, "106 acknowledged with 1")
        self.assertEqual(answer.get("acknowledged_by"), "106")
        self.assertEqual([(a["phone"], a["outcome"]) for a in answer.get("attempts")],
                         [("108", "busy"), ("106", "acknowledged")])
        busy.wait_for(lambda m: m.is_response(486, "INVITE"), what="486 Busy Here")
        info = acker.wait_for(lambda m: m.direction == "sent" and m.method == "INFO",
                              what="the INFO the phone sent with the key")
        self.assertIn(b"Signal=1", info.body)

    def test_same_text_again_is_not_synthesized_again(self):
        first = self.alert({"from": "100", "say": SENTENCE, "repeat": "1"})
        self.assertSucceeded(first, "100 answered; the prompt was played")
        files = self.audio_files()
        self.assertEqual(len(files), 1)
        before = os.stat(files[0])
        second = self.alert({"from": "101", "say": SENTENCE, "repeat": "1"})
        self.assertSucceeded(second, "101 answered; the prompt was played")
        self.assertEqual(self.audio_files(), files)
        after = os.stat(files[0])
        self.assertEqual((after.st_ino, after.st_size), (before.st_ino, before.st_size),
                         "the cached file was written again")

    def test_play_a_recording_without_ack(self):
        log = self.lab.asterisk_log()
        answer = self.alert({"from": "100", "play": "hello-world", "repeat": "2"})
        self.assertSucceeded(answer, "100 answered; the prompt was played")
        self.assertEqual(len(log.lines(r"Playing 'hello-world")), 2, log.text())

    def test_recording_asterisk_cannot_play(self):
        log = self.lab.asterisk_log()
        answer = self.alert({"from": "100,101", "play": "custom/does-not-exist"})
        self.assertFailed(answer, "playback_failed")
        self.assertEqual([a["outcome"] for a in answer.get("attempts")], ["playback_failed"],
                         "the alert stops: the next phone would hear the same silence")
        log.wait_for(r"custom/does-not-exist does not exist in any format", timeout=2)

    def test_user_without_write_rights(self):
        log = self.lab.phone(100)
        answer = self.alert({"from": "100", "play": "hello-world", "user": "readonly", "secret": "ro"})
        self.assertFailed(answer, "permission_denied", message="Permission denied")
        self.assertNothingReached(log, methods=("INVITE",))

    def test_deadline_hangs_up_the_call_the_phone_sees(self):
        # Read would keep 107 on the line for 2 x (prompt + 2 s); the alert may only last
        # timeout (2 s) + wait (4 s): eecall hangs the call up itself, and the phone gets a BYE.
        phone = self.lab.phone(107)
        answer = self.alert({"from": "107", "say": SENTENCE, "ack": "1", "wait": "4"},
                            environ={"EECALL_TIMEOUT": "2", "EECALL_ACK_TIMEOUT": "10"})
        self.assertFailed(answer, "timeout", status=504)
        self.assertEqual(answer.get("step"), "prompt")
        self.assertLess(answer.seconds, 6.5)
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        self.assertCallEndedWithBye(phone, invite)
        self.lab.wait_idle(timeout=5)


if __name__ == "__main__":
    reallab.main()
