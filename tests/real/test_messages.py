"""Text messages sent by eecall, as the phones received them: the old README's scenario 3, and
the body byte for byte through chan_sip and PJSIP, from UTF-8 and from Latin-1 input (as the
eeDomus box sends it), on one line and on several."""

import reallab

TEXT = "Alerte débordement cuve"
UTF8 = TEXT.encode("utf-8")
# Line breaks make eecall send Base64Body; CR LF, a bare LF and a tab must all arrive as sent.
MULTI_LINE = "Niveau haut\ncuve 2\r\nà vérifier\tvite".encode("utf-8")


def percent(data):
    """Every byte %-encoded, as a client may send a value."""
    return "".join(f"%{b:02X}" for b in data)


class Messages(reallab.LabTest):
    def deliver(self, phone_number, query_tail, expected_body, drv):
        """Sends the message; the phone got exactly one MESSAGE, whose body is `expected_body`
        byte for byte, and answered it 200."""
        phone = self.lab.phone(phone_number)
        base = reallab.query(**reallab.pbx(lab=self.lab))
        answer = self.eecall(raw_query=f"{base}&to={phone_number}&drv={drv}&{query_tail}")
        self.assertSucceeded(answer, "Message successfully sent")
        self.assertEqual(answer.get("action"), "message")
        message = phone.wait_for(lambda m: m.is_request("MESSAGE"), what="MESSAGE")
        self.assertTrue(message.start_line.startswith(f"MESSAGE sip:{phone_number}@"), message.start_line)
        self.assertEqual(message.body, expected_body)
        self.assertEqual(int(message.header("Content-Length")), len(expected_body))
        phone.wait_for(lambda m: m.call_id == message.call_id and m.is_response(200, "MESSAGE"),
                       what="its 200 OK")
        self.assertEqual(len(phone.requests("MESSAGE")), 1, "one request, one MESSAGE")
        return message

    def test_scenario_3_text_phone_100_exactly_as_the_old_url(self):
        # The old README's third URL, Latin-1 é as the eeDomus box sends it.
        message = self.deliver(100, "from=eedomus&msg=Alerte%20d%E9bordement%20cuve", UTF8, "sip")
        self.assertEqual(message.header("User-Agent"), "Asterisk-lab-chansip")
        self.assertEqual(message.header("Content-Type"), "text/plain;charset=UTF-8")
        self.assertTrue(message.header("From").startswith('"eedomus" <sip:'), message.header("From"))

    def test_body_byte_for_byte_for_each_driver_and_input(self):
        inputs = {"utf-8": percent(UTF8), "latin-1": percent(TEXT.encode("latin-1"))}
        for drv, phone, agent in (("sip", 100, "Asterisk-lab-chansip"), ("pjsip", 101, "Asterisk-lab")):
            for encoding, value in inputs.items():
                with self.subTest(drv=drv, input=encoding):
                    message = self.deliver(phone, f"from=eedomus&msg={value}", UTF8, drv)
                    self.assertEqual(message.header("User-Agent"), agent)

    def test_multi_line_message_byte_for_byte(self):
        for drv in ("sip", "pjsip"):
            with self.subTest(drv=drv):
                self.deliver(101, f"msg={percent(MULTI_LINE)}", MULTI_LINE, drv)

    def test_sender_name_reaches_the_phone(self):
        for drv in ("sip", "pjsip"):
            with self.subTest(drv=drv):
                message = self.deliver(100, "from=Alarme&msg=test", b"test", drv)
                self.assertIn("Alarme", message.header("From"))


if __name__ == "__main__":
    reallab.main()
