"""50 requests at once, as 50 web server children would run them, and every one delivered:
each call's caller ID and each message's body is unique, so the phones' logs show which
request each INVITE or MESSAGE came from."""

from concurrent.futures import ThreadPoolExecutor

import reallab

PARALLEL = 50


class Load(reallab.LabTest):
    def run_all(self, requests):
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            return list(pool.map(lambda params: self.eecall(params), requests))

    def test_50_calls_at_once_each_answered_by_its_phone(self):
        # 50 calls take 50 of the lab's 51 RTP port pairs: start with none left from earlier tests.
        self.lab.wait_idle()
        phones = {100: self.lab.phone(100), 101: self.lab.phone(101)}
        requests = [{"from": str(100 + i % 2), "to": "291", "wait": "30", "ring": "20",
                     "callerid": f"load-{i}", "format": "json"} for i in range(PARALLEL)]
        answers = self.run_all(requests)
        for i, answer in enumerate(answers):
            with self.subTest(request=i):
                self.assertSucceeded(answer, "answered")
        for number, phone in phones.items():
            expected = {f'"load-{i}"' for i in range(PARALLEL) if 100 + i % 2 == number}
            invites = phone.wait_count(lambda m: m.is_request("INVITE"), len(expected), what="INVITE")
            seen = [m.header("From").split(" <")[0] for m in invites]
            self.assertEqual(sorted(seen), sorted(expected), f"phone {number}: one INVITE per request")
        self.lab.wait_idle(timeout=30)  # every call ended (291 hangs up after its announcement)

    def test_50_messages_at_once_each_delivered_byte_for_byte(self):
        phones = {100: self.lab.phone(100), 101: self.lab.phone(101)}
        requests = [{"to": str(100 + i % 2), "drv": ("sip", "pjsip")[i // 2 % 2],
                     "msg": f"message {i} é", "format": "json"} for i in range(PARALLEL)]
        answers = self.run_all(requests)
        for i, answer in enumerate(answers):
            with self.subTest(request=i):
                self.assertSucceeded(answer, "Message successfully sent")
        for number, phone in phones.items():
            expected = [r["msg"].encode() for r in requests if r["to"] == str(number)]
            messages = phone.wait_count(lambda m: m.is_request("MESSAGE"), len(expected), what="MESSAGE")
            self.assertEqual(sorted(m.body for m in messages), sorted(expected), f"phone {number}")


if __name__ == "__main__":
    reallab.main()
