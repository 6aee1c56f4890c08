"""What Asterisk refuses, with eecall's code for it, and the proof that nothing reached the
phone: a wrong secret, a user without write rights, an unknown extension or phone."""

import reallab


class Errors(reallab.LabTest):
    def test_wrong_secret_is_auth_failed(self):
        phone, log = self.lab.phone(100), self.lab.asterisk_log()
        answer = self.eecall({"secret": "wrong", "from": "100", "to": "291"})
        self.assertFailed(answer, "auth_failed", message="Authentication failed")
        self.assertEqual(answer.get("step"), "login")
        self.assertNotIn("wrong", answer.body, "the secret never appears in an answer")
        log.wait_for(r"manager\.c: 127\.0\.0\.1 failed to authenticate as 'eedomus'")
        self.assertNothingReached(phone)

    def test_unknown_user_is_auth_failed(self):
        answer = self.eecall({"user": "nobody", "secret": "x", "from": "100", "to": "291"})
        self.assertFailed(answer, "auth_failed", message="Authentication failed")

    def test_user_without_write_rights_is_permission_denied(self):
        phone = self.lab.phone(100)
        readonly = {"user": reallab.READONLY_USER, "secret": reallab.READONLY_SECRET}
        for what, params in (("call", {"from": "100", "to": "291"}),
                             ("message", {"to": "100", "msg": "x", "drv": "pjsip"})):
            with self.subTest(what):
                answer = self.eecall({**readonly, **params})
                self.assertFailed(answer, "permission_denied", message="Permission denied")
                self.assertEqual(answer.get("action"), what)
        self.assertNothingReached(phone)

    def test_unknown_extension_is_action_failed(self):
        phone = self.lab.phone(100)
        answer = self.eecall({"from": "100", "to": "999"})
        self.assertFailed(answer, "action_failed", message="Extension does not exist.")
        self.assertEqual(answer.get("step"), "action")
        self.assertNothingReached(phone)

    def test_message_to_an_unknown_phone_is_action_failed(self):
        for drv in ("sip", "pjsip"):
            with self.subTest(drv=drv):
                answer = self.eecall({"to": "999", "msg": "x", "drv": drv})
                self.assertFailed(answer, "action_failed", message="Message failed to send.")

    def test_nothing_listening_is_connect_failed(self):
        # The lab's dead contact port of phone 102: nothing listens there (TCP).
        answer = self.eecall({"port": self.lab.ports["LAB_PHONE_102_PORT"], "from": "100", "to": "291"})
        self.assertFailed(answer, "connect_failed")


if __name__ == "__main__":
    reallab.main()
