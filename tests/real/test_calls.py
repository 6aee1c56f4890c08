"""Calls placed by eecall, seen by the phones: the old README's scenarios 1 and 2 (ring phone
100 / an external number, connect to 291), the caller ID shown on the phone, and a POST."""

import re

import reallab

# The lab's 291: Answer, Playback(hello-world&vm-goodbye) (about 2.3 s), Hangup.
ANNOUNCEMENT_SECONDS = 10


class Calls(reallab.LabTest):
    def assertCallRangAndEnded(self, phone, number):
        """The phone got an INVITE, answered it (200), and later the BYE of the same call."""
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        self.assertTrue(invite.start_line.startswith(f"INVITE sip:{number}@127.0.0.1:"),
                        invite.start_line)
        call = invite.call_id
        phone.wait_for(lambda m: m.call_id == call and m.is_response(200, "INVITE"),
                       what="its 200 OK")
        phone.wait_for(lambda m: m.call_id == call and m.is_request("BYE"),
                       timeout=ANNOUNCEMENT_SECONDS, what="the BYE after the announcement")
        return invite

    def test_scenario_1_ring_phone_100_then_291(self):
        phone, log = self.lab.phone(100), self.lab.asterisk_log()
        answer = self.eecall({"from": "100", "to": "291", "msg": "", "drv": ""})
        self.assertSucceeded(answer, "Originate successfully queued")
        self.assertEqual(answer.headers["content-type"], "text/xml; charset=utf-8")
        self.assertRegex(answer.get("action_id"), r"^eecall-")
        invite = self.assertCallRangAndEnded(phone, 100)
        self.assertIn("<sip:291@", invite.header("From"), "the phone sees who it is connected to")
        log.wait_for(r"<Local/100@from-internal-[0-9a-f]{8};1> Playing 'hello-world\.gsm'")

    def test_scenario_2_ring_an_external_number_then_291(self):
        phone, log = self.lab.phone(101), self.lab.asterisk_log()
        answer = self.eecall({"from": "0240404040", "to": "291", "msg": "", "drv": ""})
        self.assertSucceeded(answer, "Originate successfully queued")
        self.assertCallRangAndEnded(phone, 101)  # the lab's stand-in trunk rings 101
        log.wait_for(re.escape("NoOp(\"Local/0240404040@from-internal-"))

    def test_callerid_is_the_name_on_the_phone(self):
        phone = self.lab.phone(101)
        answer = self.eecall({"from": "101", "to": "291", "callerid": "eeDomus"})
        self.assertSucceeded(answer)
        invite = self.assertCallRangAndEnded(phone, 101)
        self.assertTrue(invite.header("From").startswith('"eeDomus" <sip:291@'), invite.header("From"))

    def test_a_post_request_calls_too(self):
        phone = self.lab.phone(100)
        body = reallab.query(**reallab.pbx(lab=self.lab), **{"from": "100", "to": "291"}).encode()
        answer = self.eecall(raw_query="format=json", method="POST", body=body)
        self.assertSucceeded(answer, "Originate successfully queued")
        self.assertEqual(answer.headers["content-type"], "application/json")
        self.assertCallRangAndEnded(phone, 100)

    def test_chan_sip_extension_rings_the_phone_through_chan_sip(self):
        phone = self.lab.phone(100)
        answer = self.eecall({"from": "200", "to": "291"})  # 200 dials SIP/100
        self.assertSucceeded(answer)
        invite = self.assertCallRangAndEnded(phone, 100)
        self.assertEqual(invite.header("User-Agent"), "Asterisk-lab-chansip")


if __name__ == "__main__":
    reallab.main()
