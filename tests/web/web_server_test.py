"""eecall as CGI behind a real web server (apache, lighttpd or nginx + fcgiwrap), with the
snippets shipped in cgi-bin/, driven over HTTP on 127.0.0.1 against the AMI simulator (and a
small HTTP server that background jobs notify).

    python3 web_server_test.py SERVER --eecall build/eecall --sim build/eecall-ami-sim \
        --notify-module build/eecall-notify.so --configs cgi-bin [unittest options]

Every check reads what a client sees (HTTP status, Content-Type, /eecall/result, /eecall/error)
and, where it matters, what the simulator received. The server and simulators are stopped at
the end, pass or fail; a server that leaves a process behind fails the run.
"""

import argparse
import http.client
import http.server
import json
import os
import pwd
import re
import socket
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness

ARGS = None
ENV = {}  # what setUpModule started: server, simulators, workspace, log files

XML = "text/xml; charset=utf-8"
LATIN1_BODY = "Alerte d\u00e9bordement cuve".encode()  # what must reach Asterisk, in UTF-8


class Answer:
    def __init__(self, response, body):
        self.status = response.status
        self.content_type = response.getheader("Content-Type")
        self.cache_control = response.getheader("Cache-Control")
        self.allow = response.getheader("Allow")
        self.body = body

    def xml(self, field):
        """The text of /eecall/<field>, or None."""
        root = ET.fromstring(self.body)
        assert root.tag == "eecall", self.body
        node = root.find(field)
        return None if node is None else (node.text or "")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"HTTP {self.status} {self.content_type!r} {self.body[:400]!r}"


def request(method, target, body=None, headers=None, source=None):
    conn = http.client.HTTPConnection("127.0.0.1", ENV["port"], timeout=30,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response, response.read())
    finally:
        conn.close()


def raw_get(target):
    """GET with the request target's bytes sent as they are (http.client would refuse them)."""
    with socket.create_connection(("127.0.0.1", ENV["port"]), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(s, method="GET")
        response.begin()
        return Answer(response, response.read())


def get(query, path="/eecall", **kw):
    return request("GET", f"{path}?{query}" if query else path, **kw)


def post(form, **kw):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update(kw.pop("headers", {}))
    return request("POST", "/eecall", body=form.encode("ascii"), headers=headers, **kw)


def pbx(sim=None, user="eedomus", secret="s3cret", port=None):
    port = port if port is not None else (sim or ENV["sim"]).port
    return f"ip=127.0.0.1&port={port}&user={user}&secret={secret}"


def client_streams(log):
    """What each client sent, from the simulator's log: chunks as they arrived, each run of
    them after a `# connection N` line (the log puts a newline before that line when the
    previous chunk did not end one; AMI lines end in CRLF, so that newline is not data)."""
    parts = re.split(rb"(?m)^# connection (\d+)\n", log)
    streams = {}
    for number, chunk in zip(parts[1::2], parts[2::2]):
        if chunk.endswith(b"\n") and not chunk.endswith(b"\r\n"):
            chunk = chunk[:-1]
        streams[number] = streams.get(number, b"") + chunk
    return streams.values()


def sent_action(action_id, sim=None):
    """The headers of the action the simulator received with this ActionID."""
    for stream in client_streams((sim or ENV["sim"]).received()):
        for message in stream.split(b"\r\n\r\n"):
            lines = message.split(b"\r\n")
            if f"ActionID: {action_id}".encode() in lines:
                return dict(line.split(b": ", 1) for line in lines if b": " in line)
    return None


class Scenarios(unittest.TestCase):
    """The old eeCall.php README's three scenarios, GET and POST, every encoding of the text."""

    def assert_success(self, answer, action):
        self.assertEqual(answer.status, 200, answer)
        self.assertEqual(answer.content_type, XML, answer)
        self.assertEqual(answer.cache_control, "no-store", answer)
        self.assertEqual(answer.xml("result"), "1", answer)
        self.assertEqual(answer.xml("action"), action, answer)
        self.assertIsNone(answer.xml("error"), answer)
        return sent_action(answer.xml("action_id"))

    def test_scenario1_rings_phone_100_then_connects_it_to_291(self):
        a = get(pbx() + "&from=100&to=291&msg=&drv=&eedomus_controller_module_id=1234")
        sent = self.assert_success(a, "call")
        self.assertEqual(a.xml("message"), "Originate successfully queued")
        self.assertIsNotNone(sent, "the simulator never got this ActionID")
        self.assertEqual(sent[b"Action"], b"Originate")
        self.assertEqual(sent[b"Channel"], b"Local/100@from-internal")
        self.assertEqual(sent[b"Exten"], b"291")
        self.assertEqual(sent[b"Async"], b"true")

    def test_scenario2_rings_an_external_number_then_connects_it_to_291(self):
        a = get(pbx() + "&from=0240404040&to=291&msg=&drv=")
        sent = self.assert_success(a, "call")
        self.assertEqual(sent[b"Channel"], b"Local/0240404040@from-internal")
        self.assertEqual(sent[b"Exten"], b"291")

    def test_scenario3_texts_sip_phone_100_in_latin1_as_the_box_sends_it(self):
        a = get(pbx() + "&from=eedomus&to=100&msg=Alerte%20d%E9bordement%20cuve&drv=sip")
        sent = self.assert_success(a, "message")
        self.assertEqual(a.xml("message"), "Message successfully sent")
        self.assertEqual(sent[b"Action"], b"MessageSend")
        self.assertEqual(sent[b"To"], b"sip:100")
        self.assertEqual(sent[b"From"], b"eedomus")
        self.assertEqual(sent[b"Body"], LATIN1_BODY)

    def test_every_encoding_of_spaces_and_accents_arrives_as_the_same_utf8_text(self):
        for msg in ("Alerte%20d%E9bordement%20cuve", "Alerte+d%E9bordement+cuve",
                    "Alerte%20d%C3%A9bordement%20cuve", "Alerte+d%C3%A9bordement+cuve",
                    "Alerte+d%c3%a9bordement%20cuve"):
            for method in ("GET", "POST"):
                with self.subTest(msg=msg, method=method):
                    query = pbx() + "&to=100&drv=pjsip&msg=" + msg
                    a = get(query) if method == "GET" else post(query)
                    sent = self.assert_success(a, "message")
                    self.assertEqual(sent[b"To"], b"pjsip:100")
                    self.assertEqual(sent[b"Body"], LATIN1_BODY)

    def test_unencoded_accents_in_the_url_arrive_as_utf8(self):
        base = pbx().encode() + b"&to=100&drv=sip&msg="
        for raw in (b"Alerte_d\xe9bordement_cuve", b"Alerte_d\xc3\xa9bordement_cuve"):
            with self.subTest(raw=raw):
                sent = self.assert_success(raw_get(b"/eecall?" + base + raw), "message")
                self.assertEqual(sent[b"Body"], LATIN1_BODY.replace(b" ", b"_"))

    def test_an_unencoded_space_in_the_url(self):
        # Apache and nginx refuse such a request line before eecall runs, and their default
        # access log records it whole, secret included (docs/eedomus.md: encode spaces). The
        # secret here is one test_logs_never_hold_the_secret does not look for.
        a = raw_get(b"/eecall?" + pbx(user="readonly", secret="ro").encode()
                    + b"&to=100&drv=sip&msg=Alerte d\xe9bordement")
        if ARGS.server == "lighttpd":  # tolerates it
            self.assertEqual(a.status, 502, a)
            self.assertEqual(a.xml("error"), "permission_denied", a)
        else:
            self.assertEqual(a.status, 400, a)
            self.assertTrue(a.content_type.startswith("text/html"), a)

    def test_post_form_body_places_the_call(self):
        a = post(pbx() + "&call_from=100&to=291&msg=&drv=")
        sent = self.assert_success(a, "call")
        self.assertEqual(sent[b"Channel"], b"Local/100@from-internal")

    def test_post_with_the_secret_in_the_body_and_the_rest_in_the_url(self):
        # docs/eedomus.md: the box can POST its parameters, which keeps them out of every URL.
        sim = ENV["sim"]
        a = request("POST", f"/eecall?ip=127.0.0.1&port={sim.port}&from=100&to=291",
                    body=b"user=eedomus&secret=s3cret",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        sent = self.assert_success(a, "call")
        self.assertEqual(sent[b"Channel"], b"Local/100@from-internal")
        a = request("POST", "/eecall", body=(pbx() + "&from=100&to=291").encode())  # no type
        self.assert_success(a, "call")

    def test_json_by_parameter_or_accept_header_and_text_by_parameter(self):
        query = pbx() + "&from=100&to=291"
        for a in (get(query + "&format=json"),
                  get(query, headers={"Accept": "application/json"}),
                  post(query, headers={"Accept": "application/json"})):
            self.assertEqual(a.status, 200, a)
            self.assertEqual(a.content_type, "application/json", a)
            self.assertEqual(a.json()["result"], 1, a)
            self.assertEqual(a.json()["action"], "call", a)
        a = get(query + "&format=text")
        self.assertEqual(a.status, 200, a)
        self.assertTrue(a.content_type.startswith("text/plain"), a)
        a = get(pbx() + "&from=100&to=999&format=json")
        self.assertEqual((a.status, a.content_type), (502, "application/json"), a)
        self.assertEqual((a.json()["result"], a.json()["error"]), (0, "action_failed"), a)


class Errors(unittest.TestCase):
    """Each error a web server can carry: status code, content type, /eecall/error."""

    def assert_failure(self, answer, status, error):
        self.assertEqual(answer.status, status, answer)
        self.assertEqual(answer.content_type, XML, answer)
        self.assertEqual(answer.xml("result"), "0", answer)
        self.assertEqual(answer.xml("error"), error, answer)
        self.assertTrue(answer.xml("message"), answer)

    def test_missing_parameters_are_all_named_get_and_post(self):
        for a in (get(""), get("msg=&drv=&eedomus_controller_module_id=7"), post("from=100")):
            self.assert_failure(a, 400, "missing_parameter")
            for name in ("ip", "user", "secret", "to"):
                self.assertIn(name, a.xml("message"), a)

    def test_header_injection_is_refused_and_nothing_reaches_the_pbx(self):
        before = ENV["sim"].received()
        a = get(pbx() + "&from=100&to=291%0D%0AAction:%20Command")
        if ARGS.server == "lighttpd":
            # lighttpd refuses control characters in a URL itself, with its own HTML page.
            self.assertEqual((a.status, a.content_type), (400, "text/html"), a)
        else:
            self.assert_failure(a, 400, "invalid_parameter")
            self.assertEqual(a.xml("parameter"), "to", a)
        a = post(pbx() + "&from=100%0D%0AChannel:%20SIP/trunk&to=291")  # a body is eecall's to judge
        self.assert_failure(a, 400, "invalid_parameter")
        self.assertEqual(a.xml("parameter"), "from", a)
        self.assertEqual(ENV["sim"].received(), before)

    def test_invalid_values(self):
        for query, parameter in ((pbx() + "&from=SIP/trunk/0899&to=291", "from"),
                                 (pbx() + "&to=100&msg=Hi&drv=xmpp", "drv"),
                                 (pbx() + "&from=100&to=291&format=yaml", "format")):
            with self.subTest(parameter=parameter):
                a = get(query)
                self.assert_failure(a, 400, "invalid_parameter")
                self.assertEqual(a.xml("parameter"), parameter, a)

    def test_wrong_secret_is_auth_failed(self):
        self.assert_failure(get(pbx(secret="wrong") + "&from=100&to=291"), 502, "auth_failed")

    def test_user_without_write_rights_is_permission_denied(self):
        a = get(pbx(user="readonly", secret="ro") + "&from=100&to=291")
        self.assert_failure(a, 502, "permission_denied")

    def test_unknown_extension_is_action_failed_with_asterisk_text(self):
        a = get(pbx() + "&from=100&to=999")
        self.assert_failure(a, 502, "action_failed")
        self.assertEqual(a.xml("message"), "Extension does not exist.")

    def test_nothing_listening_is_connect_failed(self):
        a = get(pbx(port=harness.free_port()) + "&from=100&to=291")
        self.assert_failure(a, 502, "connect_failed")

    def test_a_server_that_is_not_asterisk(self):
        a = get(pbx(ENV["not_asterisk"]) + "&from=100&to=291")
        self.assert_failure(a, 502, "not_asterisk")

    def test_a_pbx_hanging_up_mid_reply_is_protocol_error(self):
        a = get(pbx(ENV["hangs_up"]) + "&from=100&to=291")
        self.assert_failure(a, 502, "protocol_error")

    def test_a_pbx_that_never_answers_the_action_is_a_timeout_not_a_hang(self):
        started = time.monotonic()
        a = get(pbx(ENV["stalls"]) + "&from=100&to=291")
        self.assert_failure(a, 504, "timeout")
        self.assertEqual(a.xml("step"), "action", a)
        self.assertLess(time.monotonic() - started, 12, "EECALL_TIMEOUT 10 from the snippet")


class Server(unittest.TestCase):
    """What the shipped snippet adds: client restriction, logs without the secret, load."""

    def test_every_published_path_answers_and_refuses_other_clients(self):
        # Debian's Apache and lighttpd also publish /usr/lib/cgi-bin as /cgi-bin/.
        for path in ENV["server"]["paths"]:
            with self.subTest(path=path):
                before = ENV["sim"].received()
                a = get(pbx() + "&from=100&to=291", path=path, source="127.0.0.2")
                self.assertEqual(a.status, 403, a)
                self.assertEqual(ENV["sim"].received(), before, "a refused client reached the PBX")
                a = get(pbx() + "&from=100&to=291", path=path)
                self.assertEqual((a.status, a.xml("result")), (200, "1"), a)

    def test_only_get_and_post_act(self):
        before = ENV["sim"].received()
        target = "/eecall?" + pbx() + "&from=100&to=291"
        for method in ("HEAD", "PUT", "DELETE", "OPTIONS"):
            with self.subTest(method=method):
                a = request(method, target, body=b"" if method == "PUT" else None)
                self.assertEqual(a.status, 405, a)
                self.assertEqual(a.allow, "GET, POST", a)
                if method == "HEAD":
                    self.assertEqual(a.body, b"", a)
                else:
                    self.assertEqual(a.xml("error"), "method_not_allowed", a)
        self.assertEqual(ENV["sim"].received(), before, "a refused method reached the PBX")

    def test_logs_never_hold_the_secret(self):
        marker = "Xsecret4log"
        answers = [get(pbx(secret=marker) + "&from=100&to=291", path=path)
                   for path in ENV["server"]["paths"]]
        answers.append(post(pbx(secret=marker) + "&to=100&msg=Hi&drv=sip"))
        for a in answers:
            self.assertEqual(a.xml("error"), "auth_failed", a)
        # lighttpd writes its access log in batches: wait until the requests above are there.
        deadline = time.monotonic() + 10
        while True:
            access = b"".join(p.read_bytes() for p in ENV["server"]["access"] if p.exists())
            if access.count(b"/eecall") >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertGreaterEqual(access.count(b"/eecall"), 2, "eecall requests are not logged")
        self.assertNotIn(b"s3cret", access)
        self.assertNotIn(marker.encode(), access)
        errors = b"".join(p.read_bytes() for p in ENV["server"]["error"] if p.exists())
        self.assertNotIn(b"s3cret", errors)
        self.assertNotIn(marker.encode(), errors)

    def test_fifty_requests_at_once_each_get_their_own_answer(self):
        n = 50
        start = threading.Barrier(n)

        def one(i):
            if i % 5 == 4:
                query, expect = pbx() + "&from=100&to=999", (502, "0")
            elif i % 2:
                query, expect = pbx() + f"&to=100&drv=sip&msg=Essai+n%B0{i}", (200, "1")
            else:
                query, expect = pbx() + f"&from={100 + i % 5}&to=291", (200, "1")
            start.wait(30)
            return i, query, expect, get(query) if i % 3 else post(query)

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(one, range(n)))
        elapsed = time.monotonic() - began
        ids = set()
        for i, query, (status, result), a in results:
            with self.subTest(request=i):
                self.assertEqual((a.status, a.xml("result")), (status, result), a)
                action_id = a.xml("action_id")
                self.assertNotIn(action_id, ids)
                ids.add(action_id)
                sent = sent_action(action_id)
                self.assertIsNotNone(sent, a)
                if "msg=" in query:
                    self.assertEqual(sent[b"Body"], f"Essai n\u00b0{i}".encode())
                elif status == 200:
                    self.assertEqual(sent[b"Channel"], f"Local/{100 + i % 5}@from-internal".encode())
                else:
                    self.assertEqual(a.xml("error"), "action_failed", a)
        print(f"\n  {n} concurrent requests through {ARGS.server}: {elapsed:.2f} s", file=sys.stderr)
        # Every one of them went through eecall's state file (as the web server's user), which
        # still parses and counts them all.
        state = json.loads((ENV["workspace"].state / "recent-actions.json").read_text())
        self.assertGreaterEqual(len(state["keys"][f"host 127.0.0.1:{ENV['sim'].port}"]["actions"]), n)


class NotifyRecorder:
    """The box a background job tells how it ended: an HTTP server on 127.0.0.1 that records
    the path and query of every GET and answers 200."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                received.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def for_job(self, job):
        return [p for p in self.received if f"job={job}&" in p]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def job_state(job, extra=""):
    a = get(f"job={job}&format=json{extra}")
    assert a.status == 200, a
    return a.json()


def job_state_when(job, done, timeout=20.0):
    deadline = time.monotonic() + timeout
    state = job_state(job)
    while not done(state) and time.monotonic() < deadline:
        time.sleep(0.1)
        state = job_state(job)
    assert done(state), f"gave up waiting; last state: {state}"
    return state


def notified(state):
    return state["state"] in ("done", "failed", "cancelled") and state.get("notify", {}).get("state") == "sent"


class Background(unittest.TestCase):
    """background=1: the 202 comes before the call ends, the job finishes detached from the
    web server, job=ID tells its progress and end, the box is told once; cancel hangs up."""

    def test_the_202_comes_before_the_call_ends_and_the_job_still_finishes(self):
        sim = ENV["slow"]  # the phone answers 3 s after the Originate
        started = time.monotonic()
        a = get(pbx(sim) + "&from=100&to=291&wait=10&background=1")
        answered_in = time.monotonic() - started
        self.assertEqual(a.status, 202, a)
        self.assertEqual(a.xml("result"), "1", a)
        job = a.xml("job")
        self.assertRegex(job, r"^[0-9a-f]{32}$")
        self.assertLess(answered_in, 1.0, "the web server held the answer for the job")
        state = job_state(job)
        self.assertIn(state["state"], ("queued", "running"), state)
        self.assertIsNone(state["result"], state)
        end = job_state_when(job, notified)
        self.assertEqual((end["state"], end["result"], end["reason"]), ("done", 1, 4), end)
        self.assertGreaterEqual(end["elapsed_ms"], 2900, "the call went on after the 202")
        self.assertEqual(ENV["notify"].for_job(job), [f"/notify?job={job}&state=done&value=1"])
        print(f"\n  202 through {ARGS.server} in {answered_in * 1000:.0f} ms; job done after "
              f"{end['elapsed_ms']} ms", file=sys.stderr)

    def test_cancel_hangs_up_the_call_by_its_channel_id(self):
        sim = ENV["rings"]  # rings until hung up
        a = get(pbx(sim) + "&from=100&to=291&wait=60&background=1")
        self.assertEqual(a.status, 202, a)
        job = a.xml("job")
        job_state_when(job, lambda s: s.get("detail") == "ringing 100")
        end = job_state(job, "&cancel=1")
        self.assertEqual((end["state"], end["error"], end["result"]), ("cancelled", "cancelled", 0), end)
        received = sim.received()
        channel_id = re.search(rb"Action: Originate\r\n(?:[^\r\n]+\r\n)*?ChannelId: ([^\r\n]+)", received)
        self.assertIsNotNone(channel_id, received)
        self.assertIn(b"Action: Hangup\r\nChannel: " + channel_id.group(1) + b"\r\n", received)
        end = job_state_when(job, notified)
        self.assertEqual(ENV["notify"].for_job(job), [f"/notify?job={job}&state=cancelled&value=0"])


class Token(unittest.TestCase):
    """[general] token = ...: the token in an `Authorization: Bearer` header reaches eecall
    through the server (Apache keeps that header from CGI programs without the snippet's
    CGIPassAuth On), and without it the request is refused before the PBX hears of it."""

    def setUp(self):
        ENV["config"].write_text("[general]\ntoken = t0ken-of-the-box\n")
        self.addCleanup(ENV["config"].write_text, "")

    def test_the_bearer_header_reaches_eecall(self):
        query = pbx() + "&from=100&to=291"
        refused = get(query)
        self.assertEqual((refused.status, refused.xml("error")), (403, "forbidden"), refused)
        wrong = get(query, headers={"Authorization": "Bearer not-the-token"})
        self.assertEqual(wrong.status, 403, wrong)
        a = get(query, headers={"Authorization": "Bearer t0ken-of-the-box"})
        self.assertEqual((a.status, a.xml("result")), (200, "1"), a)
        self.assertIsNotNone(sent_action(a.xml("action_id")))


def setUpModule():
    harness.stop_cleanly_on_signals()
    ws = harness.Workspace(ARGS.eecall, ARGS.server, modules=[ARGS.notify_module])
    ENV["workspace"] = ws
    # An empty configuration of the workspace's own (a test adds a token to it for a while): it
    # may hold a token, so readable by the server's user's group only, as the package makes it.
    config = ENV["config"] = ws.root / "conf" / "eecall.ini"
    config.write_text("")
    os.chmod(config, 0o640)
    if harness.AS_ROOT:
        os.chown(config, 0, pwd.getpwnam(ws.user).pw_gid)
    ws.settings["EECALL_CONFIG"] = str(config)
    ENV["stoppable"] = []
    try:
        for key, extra in (("sim", ()), ("not_asterisk", ("--banner", "SSH-2.0-OpenSSH_9.2p1")),
                           ("hangs_up", ("--fault", "close-mid-reply")),
                           ("stalls", ("--fault", "stall-action")),
                           ("slow", ("--event-delay-ms", "3000")),
                           ("rings", ("--originate-outcome", "none"))):
            ENV[key] = harness.Simulator(ARGS.sim, ws.root, *extra)
            ENV["stoppable"].append(ENV[key])
        ENV["notify"] = NotifyRecorder()
        ENV["stoppable"].append(ENV["notify"])
        ws.settings["EECALL_NOTIFY_URL"] = (f"http://127.0.0.1:{ENV['notify'].port}"
                                            "/notify?job={job}&state={state}&value={value}")
        ENV["port"] = harness.free_port()
        server, ENV["server"] = harness.SERVERS[ARGS.server](ws, ARGS.configs, ENV["port"])
        ENV["stoppable"].insert(0, server)
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    """Stops everything setUpModule started; runs once, also when the run is interrupted."""
    errors = []
    while ENV.get("stoppable"):
        thing = ENV["stoppable"].pop(0)
        try:
            thing.stop()
        except Exception as e:  # keep stopping the others
            errors.append(str(e))
    if errors and "server" in ENV:
        print(harness.read_logs(ENV["server"]["error"]), file=sys.stderr)
    ws = ENV.pop("workspace", None)
    if ws and ARGS.keep:
        print(f"kept {ws.root}", file=sys.stderr)
    elif ws:
        ws.remove()
    if errors:
        raise RuntimeError("; ".join(errors))


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server", choices=sorted(harness.SERVERS))
    parser.add_argument("--eecall", required=True)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--notify-module", required=True, help="eecall-notify.so")
    parser.add_argument("--configs", required=True, type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ARGS, rest = parser.parse_known_args()
    harness.run_tests(rest, tearDownModule)


if __name__ == "__main__":
    main()
