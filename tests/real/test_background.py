"""Background jobs (background=1, job=ID, cancel=1, notify_url) against the real Asterisk 20:
the 202 comes at once while the real call goes on, the job's state follows it, a cancel hangs
up the call the phone sees (its BYE), and the box's URL receives exactly one GET when the job
ends (a small HTTP server on 127.0.0.1 plays the box)."""

import tempfile
import time
import urllib.parse

import reallab

SENTENCE = "Fuite d'eau au sous-sol."


class Background(reallab.LabTest):
    def setUp(self):
        self.dirs = [tempfile.TemporaryDirectory(prefix=f"eecall-real-{name}-") for name in ("audio", "jobs")]
        self.box = reallab.Box()
        self.environ = {
            "EECALL_AUDIO_DIR": self.dirs[0].name,
            "EECALL_JOBS_DIR": self.dirs[1].name,
            "EECALL_JOB_LOG": self.dirs[1].name + "/jobs.log",
            "EECALL_ACK_TIMEOUT": "2",
            "EECALL_NOTIFY_URL": f"http://127.0.0.1:{self.box.server_address[1]}/api/set?action=periph.value"
                                 "&periph_id=42&value={value}&by={acknowledged_by}&api_secret=TopSecret",
        }

    def tearDown(self):
        self.box.shutdown()
        self.box.server_close()
        for d in self.dirs:
            d.cleanup()

    def job(self, params):
        params = dict(params, format="json")
        return self.eecall(params, environ=self.environ)

    def state_when(self, job, done, timeout=30):
        end = time.monotonic() + timeout
        while True:
            state = self.job({"job": job})
            if done(state.fields) or time.monotonic() > end:
                return state
            time.sleep(0.2)

    def test_alert_in_the_background_acknowledged_and_the_box_told_once(self):
        started = self.job({"from": "108,105", "say": SENTENCE, "ack": "1", "background": "1"})
        self.assertEqual(started.status, 202, started)
        job = started.get("job")
        self.assertRegex(job, r"^[0-9a-f]{32}$")
        # The 202 did not wait for the call: the job still runs once it is here (a time bound
        # here failed on a loaded machine: 1.06 s for the 202 under stress-ng, issue 22).
        self.assertIn(self.job({"job": job}).get("state"), ("queued", "running"),
                      "the 202 must not wait for the call")
        end = self.state_when(job, lambda s: s.get("state") in ("done", "failed", "cancelled"))
        self.assertEqual(end.get("state"), "done", end)
        self.assertEqual(end.get("acknowledged_by"), "105")
        self.assertEqual([(a["phone"], a["outcome"]) for a in end.get("attempts")],
                         [("108", "busy"), ("105", "acknowledged")])
        requests = self.box.settled_requests(timeout=10)
        self.assertEqual(len(requests), 1, requests)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(requests[0]).query)
        self.assertEqual((query["value"], query["by"]), (["1"], ["105"]))
        self.assertNotIn("TopSecret", str(end.fields), "the box's secret in a job's state")

    def test_cancel_hangs_up_the_call_the_phone_sees(self):
        phone = self.lab.phone(107)
        started = self.job({"from": "107", "play": "hello-world", "ack": "1", "repeat": "5",
                            "background": "1"})
        self.assertEqual(started.status, 202, started)
        job = started.get("job")
        self.state_when(job, lambda s: s.get("detail") == "107 answered")
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        cancelled = self.job({"job": job, "cancel": "1"})
        self.assertEqual(cancelled.get("state"), "cancelled", cancelled)
        self.assertEqual(cancelled.get("error"), "cancelled")
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_request("BYE"), timeout=5,
                       what="the BYE of the cancelled call")
        requests = self.box.settled_requests(timeout=10)
        self.assertEqual(len(requests), 1, "a cancelled job tells the box once")
        self.assertIn("value=0", requests[0])
        self.lab.wait_idle(timeout=5)


if __name__ == "__main__":
    reallab.main()
