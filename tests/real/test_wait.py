"""`wait=SECONDS`: how the first leg of a call ended, as the real Asterisk reports it, checked
against what the phone (or Asterisk's log, where no phone listens) saw: answered (phone 100),
no answer within `ring` (104: a contact where nobody listens), unreachable (102: qualify says
so; 103: no contact at all), busy (108 answers 486).

Asterisk 20 reports a busy phone as OriginateResponse Reason 0, like an unreachable one; only
the call events before it (Hangup Cause 17, DialEnd BUSY) say busy. eecall must read those to
answer `busy` (shared/ami-transcripts h6a-h6c)."""

import re

import reallab

LOCAL_CHANNEL = r"^Local/{}@from-internal-[0-9a-f]{{8}};1$"


class Wait(reallab.LabTest):
    def test_answered(self):
        phone, log = self.lab.phone(100), self.lab.asterisk_log()
        answer = self.eecall({"from": "100", "to": "291", "wait": "15", "format": "json"})
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_response(200, "INVITE"),
                       what="the phone's 200 OK")
        self.assertSucceeded(answer, "answered")
        self.assertEqual(answer.get("reason"), 4)
        self.assertRegex(answer.get("channel"), LOCAL_CHANNEL.format(100))
        self.assertTrue(answer.get("uniqueid"), answer)
        log.wait_for(re.escape(answer.get("channel")) + " answered")
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_request("BYE"), timeout=10,
                       what="BYE")

    def test_no_answer_within_ring(self):
        log = self.lab.asterisk_log()
        answer = self.eecall({"from": "104", "to": "291", "wait": "15", "ring": "5", "format": "json"})
        self.assertFailed(answer, "no_answer")
        self.assertEqual(answer.get("reason"), 3)
        self.assertEqual(answer.get("step"), "wait")
        self.assertEqual(answer.get("channel"), "Local/104@from-internal")
        # It rang for `ring` seconds, not Dial()'s 30 nor `wait`'s 15.
        self.assertGreaterEqual(answer.seconds, 4.9)
        self.assertLess(answer.seconds, 10)
        log.wait_for(r"app_dial\.c: Called PJSIP/104$", timeout=2)

    def test_unreachable_phone(self):
        # Qualify marks 102 unreachable a few seconds after boot; before that, its INVITE
        # would only time out.
        self.lab.asterisk_log(from_start=True).wait_for(r"Contact 102/\S+ is now Unreachable", timeout=40)
        log = self.lab.asterisk_log()
        answer = self.eecall({"from": "102", "to": "291", "wait": "15", "format": "json"})
        self.assertFailed(answer, "call_failed")
        self.assertEqual(answer.get("reason"), 0)
        self.assertEqual(answer.get("channel"), "Local/102@from-internal")
        self.assertNotIn("uniqueid", answer.fields)
        log.wait_for(r"Unable to create channel of type 'PJSIP' \(cause 3 - No route to destination\)",
                     timeout=2)

    def test_phone_without_contact(self):
        log = self.lab.asterisk_log()
        answer = self.eecall({"from": "103", "to": "291", "wait": "15", "format": "json"})
        self.assertFailed(answer, "call_failed")
        self.assertEqual(answer.get("reason"), 0)
        self.assertEqual(answer.get("channel"), "Local/103@from-internal")
        log.wait_for(r"Unable to create channel of type 'PJSIP'", timeout=2)

    def test_busy(self):
        phone = self.lab.phone(108)
        answer = self.eecall({"from": "108", "to": "291", "wait": "15", "format": "json"})
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_response(486, "INVITE"),
                       what="486 Busy Here")
        self.assertEqual(answer.get("reason"), 0, "Asterisk 20 says Reason 0 for busy")
        self.assertFailed(answer, "busy")  # from the Hangup event's Cause 17


if __name__ == "__main__":
    reallab.main()
