"""Answering-machine detection (issue 21) against the real Asterisk 20 of the lab: phone 109
answers like a voicemail (a 7 s greeting), 110 like a person ("allô", silence, then 1), 100 sends
no audio. Each case checks eecall's answer and Asterisk's own log (AMD's verdict, Read, the prompt
left after the greeting, the next phone called)."""


import reallab


class Amd(reallab.LabTest):
    def alert(self, params, **kwargs):
        merged = {"format": "json", "play": "hello-world", "amd": "1"}
        merged.update(params)
        return self.eecall(merged, environ={"EECALL_ACK_TIMEOUT": "3"}, **kwargs)

    def outcomes(self, answer):
        return [(a["phone"], a["outcome"], a.get("amd")) for a in answer.get("attempts")]

    def test_machine_is_voicemail_then_the_person_acknowledges(self):
        log = self.lab.asterisk_log()
        answer = self.alert({"from": "109,110", "ack": "1"})
        self.assertSucceeded(answer, "110 acknowledged with 1")
        self.assertEqual(self.outcomes(answer), [("109", "voicemail", "MACHINE"),
                                                 ("110", "acknowledged", "HUMAN")])
        # 109 rings ~1 s, then AMD needs ~2.6 s: well before ack_timeout would have passed.
        self.assertLess(answer.get("attempts")[0]["seconds"], 6.0)
        log.wait_for(r"ANSWERING MACHINE", timeout=2)
        log.wait_for(r"HUMAN: silenceDuration", timeout=2)
        log.wait_for(r"User entered '1'", timeout=2)
        self.lab.wait_idle()

    def test_machine_is_voicemail_then_a_silent_phone_answers(self):
        answer = self.alert({"from": "109,100"})
        self.assertSucceeded(answer, "100 answered; the prompt was played")
        self.assertEqual(self.outcomes(answer), [("109", "voicemail", "MACHINE"),
                                                 ("100", "answered", "NOTSURE")])
        self.lab.wait_idle()

    def test_voicemail_leave_plays_the_prompt_after_the_greeting(self):
        log = self.lab.asterisk_log()
        answer = self.alert({"from": "109,110", "ack": "1", "voicemail": "leave"})
        self.assertSucceeded(answer, "110 acknowledged with 1")
        self.assertIn("left once", answer.get("attempts")[0]["message"])
        log.wait_for(r"Called PJSIP/110", timeout=5)
        text = log.text()
        machine = text.index("ANSWERING MACHINE")
        played = text.index("Executing Application: (Playback)", machine)
        self.assertLess(text.index("(WaitForSilence)", machine), played)
        self.assertLess(played, text.index("Called PJSIP/110", machine), "the prompt, then the next phone")
        self.lab.wait_idle()

    def test_alertonly_is_refused_before_any_call(self):
        phone = self.lab.phone(109)
        answer = self.alert({"from": "109", "user": "alertonly", "secret": "al3rt"})
        self.assertFailed(answer, "permission_denied")
        self.assertIn("write = system and agi", answer.get("message"))
        self.assertNothingReached(phone)

    def waited_call(self, phone):
        return self.eecall({"format": "json", "from": phone, "to": "100", "wait": "20", "amd": "1"})

    def test_waited_call_answered_by_a_machine_is_voicemail_and_to_never_rings(self):
        log = self.lab.asterisk_log()
        to = self.lab.phone(100)
        answer = self.waited_call("109")
        self.assertFailed(answer, "no_answer")
        self.assertEqual(answer.get("step"), "amd")
        self.assertIn("MACHINE", answer.get("message"))
        log.wait_for(r"ANSWERING MACHINE", timeout=2)
        self.lab.wait_idle()
        self.assertNotIn("Called PJSIP/100", log.text())
        self.assertNothingReached(to)

    def test_waited_call_answered_by_a_person_is_connected_to_to(self):
        log = self.lab.asterisk_log()
        answer = self.waited_call("110")
        self.assertSucceeded(answer)
        self.assertIn("HUMAN", answer.get("message"))
        self.assertIn("connected to 100", answer.get("message"))
        log.wait_for(r"HUMAN: silenceDuration", timeout=2)
        log.wait_for(r"PJSIP/100-\w+ answered Local/110@", timeout=5)
        self.lab.cli("channel request hangup all")  # the bridge 110-100 would last until a BYE
        self.lab.wait_idle()

    def test_plain_call_with_amd_is_refused(self):
        to = self.lab.phone(100)
        answer = self.eecall({"format": "json", "from": "109", "to": "100", "amd": "1"})
        self.assertFailed(answer, "invalid_parameter", status=400)
        self.assertNothingReached(to)


if __name__ == "__main__":
    reallab.main()
