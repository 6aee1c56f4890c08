"""How eecall logs in to the real Asterisk: the MD5 challenge by default (the AMI session,
recorded through ami_record.py, carries the key and never the secret), plain login when asked,
and TLS to AMI, enabled in the lab's manager.conf with a certificate made now by `openssl`."""

import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import reallab


class Login(reallab.LabTest):
    def recorded(self, params, environ=None):
        """eecall's AMI session through the recorder: (answer, client bytes, server bytes)."""
        with tempfile.TemporaryDirectory() as tmp, \
                reallab.AmiRecording(self.lab, Path(tmp) / "login.txt") as recording:
            answer = self.eecall({"port": recording.port, **params}, environ=environ)
            text = recording.finish()
        return answer, reallab.transcript_bytes(text, "C"), reallab.transcript_bytes(text, "S")

    def test_md5_challenge_is_the_default_and_the_secret_never_crosses(self):
        phone = self.lab.phone(101)
        answer, client, server = self.recorded({"to": "101", "msg": "md5", "drv": "pjsip"})
        self.assertSucceeded(answer, "Message successfully sent")
        phone.wait_for(lambda m: m.is_request("MESSAGE") and m.body == b"md5", what="MESSAGE")
        self.assertIn(b"Action: Challenge\r\nAuthType: MD5\r\n", client)
        challenge = re.search(rb"\r\nChallenge: (\d+)\r\n", server).group(1)
        key = hashlib.md5(challenge + reallab.SECRET.encode()).hexdigest().encode()
        self.assertIn(b"Key: " + key + b"\r\n", client)
        self.assertNotIn(reallab.SECRET.encode(), client)
        self.assertNotIn(b"Secret:", client)
        self.assertIn(b"Message: Authentication accepted\r\n", server)

    def test_plain_login_when_asked(self):
        answer, client, _ = self.recorded({"to": "101", "msg": "plain", "drv": "pjsip"},
                                          environ={"EECALL_AUTH": "plain"})
        self.assertSucceeded(answer, "Message successfully sent")
        self.assertIn(f"Secret: {reallab.SECRET}\r\n".encode(), client)
        self.assertNotIn(b"Action: Challenge", client)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(directory):
    """A private CA and a certificate for 127.0.0.1 that it signed (EC P-256, 2 days)."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=eecall real tests CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.pem",
            cwd=directory)
    openssl("req", "-new", *ec, "-subj", "/CN=asterisk lab", "-keyout", "server.key",
            "-out", "server.csr", cwd=directory)
    (directory / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                          "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
            cwd=directory)


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_listening(port, expected, timeout=10.0):
    deadline = time.monotonic() + timeout
    while listening(port) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"127.0.0.1:{port} {'not ' if expected else ''}listening "
                                 f"after {timeout} s")
        time.sleep(0.1)


class Tls(reallab.LabTest):
    """AMI over TLS on the lab's second AMI port, as `tlsenable` in manager.conf provides."""

    @classmethod
    def setUpClass(cls):
        cls.certs = cls.lab.work / "tls"
        shutil.rmtree(cls.certs, ignore_errors=True)
        cls.certs.mkdir()
        make_certificates(cls.certs)
        conf = cls.lab.manager_conf()
        cls.original = conf.read_text()
        tls = (f"tlsenable = yes\ntlsbindaddr = 127.0.0.1:{cls.lab.tls_port}\n"
               f"tlscertfile = {cls.certs / 'server.pem'}\ntlsprivatekey = {cls.certs / 'server.key'}\n")
        conf.write_text(cls.original.replace("[general]\n", "[general]\n" + tls, 1))
        try:
            cls.lab.cli("manager reload")
            wait_listening(cls.lab.tls_port, True)
        except BaseException:
            cls.restore()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.restore()

    @classmethod
    def restore(cls):
        cls.lab.manager_conf().write_text(cls.original)
        cls.lab.cli("manager reload")
        wait_listening(cls.lab.tls_port, False)

    def tls_environ(self, ca=True):
        environ = {"EECALL_TLS": "yes"}
        if ca:
            environ["EECALL_CA_FILE"] = str(self.certs / "ca.pem")
        return environ

    def test_message_over_tls_reaches_the_phone(self):
        phone, log = self.lab.phone(101), self.lab.asterisk_log()
        answer = self.eecall({"port": self.lab.tls_port, "to": "101", "msg": "over TLS", "drv": "pjsip"},
                             environ=self.tls_environ())
        self.assertSucceeded(answer, "Message successfully sent")
        phone.wait_for(lambda m: m.is_request("MESSAGE") and m.body == b"over TLS", what="MESSAGE")
        log.wait_for(r"Manager 'eedomus' logged on from 127\.0\.0\.1")

    def test_call_with_wait_from_a_tls_profile(self):
        phone = self.lab.phone(100)
        config = self.certs / "eecall.conf"
        config.write_text(f"[lab]\nhost = 127.0.0.1\nport = {self.lab.tls_port}\nuser = {reallab.USER}\n"
                          f"secret = {reallab.SECRET}\ntls = yes\nca_file = {self.certs / 'ca.pem'}\n")
        os.chmod(config, 0o600)
        answer = self.eecall(raw_query="profile=lab&from=100&to=291&wait=15",
                             environ={"EECALL_CONFIG": str(config)})
        self.assertSucceeded(answer, "answered")
        invite = phone.wait_for(lambda m: m.is_request("INVITE"), what="INVITE")
        phone.wait_for(lambda m: m.call_id == invite.call_id and m.is_request("BYE"), timeout=10,
                       what="BYE")

    def test_certificate_of_an_unknown_ca_is_tls_failed(self):
        phone = self.lab.phone(101)
        answer = self.eecall({"port": self.lab.tls_port, "to": "101", "msg": "x", "drv": "pjsip"},
                             environ=self.tls_environ(ca=False))
        self.assertFailed(answer, "tls_failed")
        self.assertIn("certificate not accepted", answer.get("message"))
        self.assertNothingReached(phone)

    def test_tls_to_the_plain_port_is_tls_failed(self):
        answer = self.eecall({"to": "101", "msg": "x", "drv": "pjsip"}, environ=self.tls_environ())
        self.assertFailed(answer, "tls_failed")

    def test_plain_port_still_answers(self):
        phone = self.lab.phone(101)
        answer = self.eecall({"to": "101", "msg": "plain beside TLS", "drv": "pjsip"})
        self.assertSucceeded(answer, "Message successfully sent")
        phone.wait_for(lambda m: m.is_request("MESSAGE") and m.body == b"plain beside TLS",
                       what="MESSAGE")


if __name__ == "__main__":
    reallab.main()
