"""eecall --check against the real Asterisk: for the lab's `eedomus` user, with a phone and a
target of the lab, every line of the report is ✔ (a call, an alert, a message); `readonly` is
told the write class it lacks; a user whose read= lacks the event classes, a wrong secret, a
target outside the dialplan and a phone without contact each get their ✘ and its fix; the
`alertonly` user passes an alert check with its ? lines (no failure unless strict=1). Nothing
rings while it checks: the probe's Originate is of a channel no driver has, and Asterisk says
so in its log."""

import grp
import json
import os
import pwd
import re
import shutil
import subprocess

import reallab

TOKEN = "real-check-token-0123456789"


class Check(reallab.LabTest):
    @classmethod
    def setUpClass(cls):
        cls.dir = cls.lab.work / "check"
        shutil.rmtree(cls.dir, ignore_errors=True)
        for sub in ("state", "audio", "jobs"):
            (cls.dir / sub).mkdir(parents=True)
        cls.config = cls.dir / "eecall.conf"
        profiles = "".join(
            f"\n[{name}]\nhost = 127.0.0.1\nport = {cls.lab.ami_port}\nuser = {user}\nsecret = {secret}\n"
            for name, user, secret in (("lab", reallab.USER, reallab.SECRET),
                                       ("ro", reallab.READONLY_USER, reallab.READONLY_SECRET),
                                       ("wrong", reallab.USER, "not-the-secret"),
                                       ("noread", "noread", "n0read"),
                                       ("alert", "alertonly", "al3rt")))
        cls.config.write_text(f"[general]\ntoken = {TOKEN}\n{profiles}")
        os.chmod(cls.config, 0o600)
        cls.install_for_the_web_server()
        cls.environ = {"EECALL_CONFIG": str(cls.config), "EECALL_STATE_DIR": str(cls.dir / "state"),
                       "EECALL_JOBS_DIR": str(cls.dir / "jobs"), "EECALL_AUDIO_DIR": str(cls.dir / "audio")}

    @classmethod
    def install_for_the_web_server(cls):
        """As the package installs them: the configuration readable by www-data's group, the
        directories www-data's (the command line, run as root, judges them for www-data; as
        CGI the check judges them for the user it runs as)."""
        os.chmod(cls.dir / "jobs", 0o700)
        os.chmod(cls.dir / "audio", 0o2750)
        try:
            www = pwd.getpwnam("www-data")
            group = grp.getgrnam("www-data")
        except KeyError:
            return  # no web server's user here: the current user is judged
        os.chown(cls.config, 0, group.gr_gid)
        os.chmod(cls.config, 0o640)
        for sub in ("state", "jobs", "audio"):
            os.chown(cls.dir / sub, www.pw_uid, www.pw_gid)

    def check(self, profile="lab", **params):
        """check=1 through the CGI interface, as JSON: the answer and its checks by name."""
        raw = reallab.query(check=1, profile=profile, token=TOKEN, format="json", **params)
        answer = self.eecall(raw_query=raw, environ=self.environ)
        self.assertEqual(answer.status, 200, answer)
        self.assertEqual(answer.get("action"), "check", answer)
        return answer, {c["name"]: c for c in answer.get("checks")}

    def assertAllOk(self, answer, checks):
        bad = {name: c for name, c in checks.items() if c["status"] != "ok"}
        self.assertEqual(bad, {}, json.dumps(answer.fields, indent=1))
        self.assertEqual(answer.get("result"), 1, answer)

    def assertFailedWith(self, checks, name, found=None, fix=None):
        self.assertIn(name, checks, list(checks))
        c = checks[name]
        self.assertEqual(c["status"], "failed", c)
        if found:
            self.assertIn(found, c["found"], c)
        if fix:
            self.assertIn(fix, c.get("fix", ""), c)

    def test_a_call_check_of_eedomus_is_all_ok_and_rings_nothing(self):
        phone, log = self.lab.phone(100), self.lab.asterisk_log()
        answer, checks = self.check(**{"from": "100", "to": "291", "wait": "20"})
        self.assertAllOk(answer, checks)
        for name in ("configuration", "policy", "connection", "ami", "login", "rights", "events call",
                     "asterisk", "dialplan 100", "dialplan 291", "phone 100", "state_dir", "jobs_dir"):
            self.assertIn(name, checks)
        self.assertIn("Asterisk 20.", checks["asterisk"]["found"])
        self.assertIn("Asterisk Call Manager/", checks["ami"]["found"])
        log.wait_for(r"No channel type registered for 'eecall-check'")
        self.assertNothingReached(phone)

    def test_an_alert_check_of_eedomus_is_all_ok(self):
        answer, checks = self.check(**{"from": "105,106", "say": "Fuite d'eau au sous-sol", "ack": "1"})
        self.assertAllOk(answer, checks)
        for name in ("events call", "events dialplan", "module app_read", "module format_wav",
                     "dialplan 105", "dialplan 106", "phone 105", "phone 106", "audio_dir",
                     "audio for asterisk", "speech"):
            self.assertIn(name, checks)

    def test_an_alert_check_of_alertonly_passes_with_what_it_cannot_ask(self):
        """The user docs/freepbx.md recommends for alerts (write = originate,call) may not send
        ModuleCheck (write = system): app_read and format_wav are ?, which is no failure; the
        message names them to verify by hand. strict=1 makes a ? fail (permission_denied)."""
        params = {"from": "105,106", "say": "Fuite d'eau au sous-sol", "ack": "1"}
        answer, checks = self.check(profile="alert", **params)
        self.assertEqual(answer.get("result"), 1, json.dumps(answer.fields, indent=1))
        for name in ("module app_read", "module format_wav"):
            self.assertEqual(checks[name]["status"], "unknown", checks[name])
            self.assertIn("module show like", checks[name]["fix"], checks[name])
        self.assertIn("could not be known, verify by hand", answer.get("message"), answer)
        self.assertIn("module app_read, module format_wav", answer.get("message"), answer)
        answer, checks = self.check(profile="alert", strict=1, **params)
        self.assertEqual(answer.get("result"), 0, answer)
        self.assertEqual(answer.get("error"), "permission_denied", answer)
        self.assertEqual(answer.get("step"), "module app_read", answer)

    def test_message_checks_find_the_phone_without_contact(self):
        answer, checks = self.check(to="101", drv="pjsip")
        self.assertAllOk(answer, checks)
        self.assertIn("module res_pjsip_messaging", checks)
        answer, checks = self.check(to="100", drv="sip")
        self.assertAllOk(answer, checks)
        self.assertIn("chan_sip peer 100", checks["phone 100"]["found"])
        answer, checks = self.check(to="103", drv="pjsip")
        self.assertEqual(answer.get("error"), "call_failed", answer)
        self.assertFailedWith(checks, "phone 103", found="has no contact: the phone is not registered",
                              fix="register the phone")

    def test_readonly_is_told_the_missing_write_class(self):
        answer, checks = self.check(profile="ro", **{"from": "100", "to": "291"})
        self.assertEqual(answer.get("result"), 0, answer)
        self.assertEqual(answer.get("error"), "permission_denied", answer)
        self.assertEqual(answer.get("step"), "rights", answer)
        self.assertFailedWith(checks, "rights", found="its write = line lacks originate",
                              fix="add originate to the write = line of [readonly] in manager.conf")
        self.assertEqual(checks["dialplan 291"]["status"], "unknown", checks["dialplan 291"])

    def test_a_target_outside_the_dialplan(self):
        answer, checks = self.check(**{"from": "100", "to": "999"})
        self.assertEqual(answer.get("step"), "dialplan 999", answer)
        self.assertFailedWith(checks, "dialplan 999", found="Extension does not exist.",
                              fix="context = to the context your phones use")

    def test_a_wrong_secret_is_tried_once_and_explained(self):
        log = self.lab.asterisk_log()
        answer, checks = self.check(profile="wrong")
        self.assertEqual(answer.get("error"), "auth_failed", answer)
        self.assertFailedWith(checks, "login", found="Authentication failed after 1.",
                              fix="permit = 127.0.0.1/255.255.255.255")
        log.wait_for(r"127\.0\.0\.1 failed to authenticate as 'eedomus'")
        self.assertEqual(len(log.lines(r"failed to authenticate as 'eedomus'")), 1, "never retried")

    def test_a_user_without_read_classes_is_told_which_to_add(self):
        conf = self.lab.manager_conf()
        original = conf.read_text()
        conf.write_text(original + "\n[noread]\nsecret = n0read\ndeny = 0.0.0.0/0.0.0.0\n"
                                   "permit = 127.0.0.1/255.255.255.255\nread =\nwrite = originate,call\n")
        try:
            self.lab.cli("manager reload")
            answer, checks = self.check(profile="noread", **{"from": "105", "play": "hello-world", "ack": "1"})
        finally:
            conf.write_text(original)
            self.lab.cli("manager reload")
        self.assertEqual(answer.get("step"), "events call", answer)
        self.assertEqual(checks["rights"]["status"], "ok", checks["rights"])
        self.assertFailedWith(checks, "events call", found="no OriginateResponse event",
                              fix="add call to the read = line of [noread] in manager.conf")
        self.assertFailedWith(checks, "events dialplan", found="no VarSet event",
                              fix="add dialplan to the read = line of [noread] in manager.conf")

    def test_the_command_line_report_and_its_exit_status(self):
        env = {"PATH": "/usr/bin:/bin", **self.environ}
        run = subprocess.run([str(self.eecall_binary), "--check", "--profile", "lab", "--token", TOKEN,
                              "--from", "100", "--to", "291", "--wait", "20"],
                             env=env, capture_output=True, timeout=60)
        text = run.stdout.decode("utf-8")
        print(text, end="")  # ctest -V shows the real lab's report (docs/freepbx.md pastes one)
        self.assertEqual(run.returncode, 0, text + run.stderr.decode(errors="replace"))
        self.assertRegex(text, r"(?m)^\u2714 login: 'eedomus' logged in with an MD5 challenge")
        self.assertRegex(text, r"(?m)^OK check: all \d+ needed checks passed \[")
        self.assertNotRegex(text, r"(?m)^(\u2718|\?) ", "every line is \u2714 for eedomus")
        run = subprocess.run([str(self.eecall_binary), "--check", "--profile", "ro", "--token", TOKEN,
                              "--from", "100", "--to", "291"], env=env, capture_output=True, timeout=60)
        text = run.stdout.decode("utf-8")
        self.assertEqual(run.returncode, 3, text)
        self.assertRegex(text, r"(?m)^\u2718 rights: 'readonly' may not send Originate")
        self.assertRegex(text, re.escape("    fix: add originate to the write = line of [readonly]"))


if __name__ == "__main__":
    reallab.main()
