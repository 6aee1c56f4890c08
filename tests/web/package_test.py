"""The Debian package: built with `cpack -G DEB` from the build directory, inspected with
dpkg-deb, and its binary run as it is packaged (extracted into a temporary directory, never
installed on this machine): --help, a call against the AMI simulator, and the same call over
HTTP through Apache with the Apache snippet the package ships; its speech module speaks; its
maintainer scripts run on stand-ins for the files they change.

    python3 package_test.py --build-dir build --sim build/eecall-ami-sim --source .
"""

import argparse
import ctypes
import grp
import http.client
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import harness

ARGS = None
PKG = {}  # the .deb, its extracted tree and control files, the simulator

# Every file of the package, with its mode; anything else in it is a packaging mistake.
EXPECTED_FILES = {
    "./usr/lib/cgi-bin/eecall": "-rwxr-xr-x",
    "./usr/lib/eecall/eecall-tls.so": "-rw-r--r--",
    "./usr/lib/eecall/eecall-speech.so": "-rw-r--r--",
    "./usr/lib/eecall/eecall-notify.so": "-rw-r--r--",
    "./etc/eecall/eecall.conf": "-rw-r-----",
    "./etc/apache2/conf-available/eecall.conf": "-rw-r--r--",
    "./etc/lighttpd/conf-available/50-eecall.conf": "-rw-r--r--",
    "./usr/share/man/man1/eecall.1.gz": "-rw-r--r--",
    "./usr/share/doc/eecall/copyright": "-rw-r--r--",
    "./usr/share/doc/eecall/examples/apache-eecall.conf": "-rw-r--r--",
    "./usr/share/doc/eecall/examples/lighttpd-eecall.conf": "-rw-r--r--",
    "./usr/share/doc/eecall/examples/nginx-eecall.conf": "-rw-r--r--",
    "./usr/share/doc/eecall/examples/nginx-eecall-log.conf": "-rw-r--r--",
}
# The user's documentation (cmake/Packaging.cmake: EECALL_USER_DOCS).
for doc in ("README.md", "usage.md", "alerts.md", "background.md", "wait.md", "eedomus.md", "freepbx.md",
            "install.md", "security.md", "troubleshooting.md"):
    EXPECTED_FILES[f"./usr/share/doc/eecall/{doc}"] = "-rw-r--r--"
CONFFILES = ["/etc/eecall/eecall.conf", "/etc/apache2/conf-available/eecall.conf",
             "/etc/lighttpd/conf-available/50-eecall.conf"]


def run(*argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def eecall_env(**extra):
    """The environment of a packaged eecall run by a test: no configuration file and a state,
    jobs and audio directory of the test's own, so that the suite never reads or writes the
    machine's /etc/eecall or /var/lib/eecall (a developer may run it on a PBX host)."""
    work = PKG["work"] / "eecall-run"
    work.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "EECALL_CONFIG": "/dev/null", "EECALL_STATE_DIR": str(work),
           "EECALL_JOBS_DIR": str(work / "jobs"), "EECALL_AUDIO_DIR": str(work / "audio")}
    env.update(extra)
    return env


def hermetic_postinst(text, **paths):
    """The postinst with every path it writes moved under the test's work directory (and those
    named in `paths` where the test wants them): never the machine's own."""
    work = PKG["work"] / "postinst-paths"
    moved = {"conf": work / "etc-eecall" / "eecall.conf", "state": work / "var-lib-eecall",
             "audio": work / "var-lib-eecall" / "audio", "jobs": work / "var-lib-eecall" / "jobs"}
    moved.update(paths)
    for name, path in moved.items():
        lines = re.findall(rf"(?m)^{name}=.*$", text)
        assert len(lines) == 1, f"the postinst sets {name} {len(lines)} times"
        text = text.replace(lines[0], f"{name}={path}")
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    left = [line for line in code if "/var/lib/eecall" in line or "/etc/eecall" in line]
    assert not left, f"the postinst still writes the machine's paths: {left}"
    return text


def field(name):
    return run("dpkg-deb", "--field", str(PKG["deb"]), name).stdout.strip()


def packaged(path):
    return PKG["root"] / path.lstrip("/")


class Contents(unittest.TestCase):
    def test_metadata(self):
        arch = run("dpkg", "--print-architecture").stdout.strip()
        self.assertEqual(field("Package"), "eecall")
        self.assertEqual(field("Architecture"), arch)
        self.assertRegex(field("Version"), r"^\d+\.\d+\.\d+$")
        self.assertEqual(PKG["deb"].name, f"eecall_{field('Version')}_{arch}.deb")
        self.assertTrue(field("Maintainer"))
        self.assertTrue(field("Description"))
        # Issue 19 item 14: the Description named calls and messages only.
        for what in ("spoken alerts", "background job", "--check", "/usr/share/doc/eecall"):
            self.assertIn(what, " ".join(field("Description").split()), what)

    def test_depends_on_the_shared_libraries_the_binary_links(self):
        depends = {d.split()[0] for d in re.split(r"[,|]", field("Depends"))}
        # What the program and its modules link directly (their NEEDED entries, as
        # dpkg-shlibdeps reads them), by package, as ldd resolves them on this machine. What
        # those libraries need in turn is their packages' business (libcurl4 brings libnghttp2...).
        needed = set()
        for binary in ("/usr/lib/cgi-bin/eecall", "/usr/lib/eecall/eecall-tls.so",
                       "/usr/lib/eecall/eecall-speech.so", "/usr/lib/eecall/eecall-notify.so"):
            direct = set(re.findall(r"NEEDED\s+(\S+)", run("objdump", "-p", str(packaged(binary))).stdout))
            for line in run("ldd", str(packaged(binary))).stdout.splitlines():
                m = re.search(r"^\s*(\S+) => (/\S+)", line)
                if m and m.group(1) in direct:
                    needed.add(self.owner(m.group(2)))
        self.assertIn(frozenset(["libc6"]), needed)
        self.assertIn("libssl3", set().union(*needed), "the TLS module links the system's OpenSSL")
        for library in ("libespeak-ng1", "libsoxr0", "libsndfile1"):
            self.assertIn(library, set().union(*needed), "the speech module links it")
        self.assertIn("libcurl4", set().union(*needed), "the notify module links the system's libcurl")
        for names in needed:
            self.assertTrue(names & depends, f"none of {sorted(names)} in Depends: {field('Depends')}")

    def test_the_program_itself_needs_only_the_c_library(self):
        # The C++ runtime is linked in (cmake/LeanLink.cmake) and nothing else is loaded at
        # start: each more shared library costs every request page faults and memory
        # (docs/performance.md). std::llround once brought libm in: +10 faults, +460 KiB.
        needed = re.findall(r"NEEDED\s+(\S+)", run("objdump", "-p", str(packaged("/usr/lib/cgi-bin/eecall"))).stdout)
        self.assertEqual([n for n in needed if not n.startswith("ld-linux")], ["libc.so.6"])

    def test_the_program_itself_never_links_openssl_nor_espeak(self):
        # OpenSSL is loaded with the TLS module, and only for a TLS session; espeak-ng and the
        # audio libraries with the speech module, only to synthesize.
        needed = run("objdump", "-p", str(packaged("/usr/lib/cgi-bin/eecall"))).stdout
        self.assertIn("NEEDED", needed)
        for library in ("libssl", "libcrypto", "libespeak", "libsoxr", "libsndfile", "libcurl"):
            self.assertNotIn(library, needed)

    def owner(self, library):
        """The names that the package holding this library file answers to: its own and
        those it provides (libspdlog1.10 provides libspdlog1.10-fmt9, the name its shlibs
        file gives). dpkg knows /lib and /usr/lib apart."""
        real = os.path.realpath(library)
        for path in (library, real, re.sub(r"^/usr/lib/", "/lib/", real)):
            found = run("dpkg", "-S", path)
            if found.returncode == 0:
                package = found.stdout.split(":")[0]
                provides = run("dpkg-query", "-W", "-f=${Provides}", package).stdout
                return frozenset([package, *(p.split()[0] for p in provides.split(",") if p.strip())])
        self.fail(f"no package holds {library}")

    def test_files_owners_and_modes(self):
        listing = run("dpkg-deb", "--contents", str(PKG["deb"])).stdout
        files = {}
        for line in listing.splitlines():
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            if not mode.startswith("d"):
                files[path] = mode
            self.assertEqual(owner, "root/root", line)
        self.assertEqual(files, EXPECTED_FILES)

    def test_the_state_dir_is_shipped(self):
        listing = run("dpkg-deb", "--contents", str(PKG["deb"])).stdout
        self.assertRegex(listing, r"(?m)^drwxr-xr-x root/root .* \./var/lib/eecall/$")

    def test_config_files_are_conffiles_and_the_postinst_gives_the_config_to_www_data(self):
        self.assertEqual((PKG["control"] / "conffiles").read_text().split(), CONFFILES)
        postinst = PKG["control"] / "postinst"
        self.assertTrue(postinst.stat().st_mode & stat.S_IXUSR)
        text = postinst.read_text()
        self.assertTrue(text.startswith("#!/bin/sh"))
        self.assertIn('chgrp www-data "$conf"', text)
        self.assertIn("conf=/etc/eecall/eecall.conf", text)
        self.assertIn("state=/var/lib/eecall", text)
        # Run it on stand-ins for the config file and the state dir (as root, like dpkg does).
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        conf = PKG["work"] / "eecall.conf"
        shutil.copy(packaged("/etc/eecall/eecall.conf"), conf)
        os.chmod(conf, 0o600)
        state = PKG["work"] / "var-lib-eecall"
        self.assertIn("jobs=/var/lib/eecall/jobs", text)
        jobs = state / "jobs"
        script = PKG["work"] / "postinst"
        script.write_text(hermetic_postinst(text, conf=conf, state=state, jobs=jobs))
        out = run("sh", str(script), "configure")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual((conf.stat().st_gid, stat.S_IMODE(conf.stat().st_mode)),
                         (grp.getgrnam("www-data").gr_gid, 0o640))
        # The web server's user keeps max_actions_per_minute's memory there.
        www = pwd.getpwnam("www-data")
        self.assertEqual((state.stat().st_uid, state.stat().st_gid, stat.S_IMODE(state.stat().st_mode)),
                         (www.pw_uid, www.pw_gid, 0o755))
        # The background jobs' directory: the web server's user's alone.
        self.assertEqual((jobs.stat().st_uid, jobs.stat().st_gid, stat.S_IMODE(jobs.stat().st_mode)),
                         (www.pw_uid, www.pw_gid, 0o700))

    def postinst_for_audio(self, audio, group):
        """The postinst, made to work on `audio` with `group` for Asterisk's, and run."""
        text = (PKG["control"] / "postinst").read_text()
        for line in ("audio=/var/lib/eecall/audio", "audio_group=asterisk"):
            self.assertIn(line, text)
        script = PKG["work"] / "postinst-audio"
        script.write_text(hermetic_postinst(text.replace("audio_group=asterisk", f"audio_group={group}"),
                                            conf="/nonexistent/eecall.conf", audio=audio))
        out = run("sh", str(script), "configure")
        self.assertEqual(out.returncode, 0, out.stderr)
        st = audio.stat()
        return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)

    def test_the_postinst_makes_the_audio_directory_for_the_web_server_and_asterisk(self):
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        www_data = pwd.getpwnam("www-data")
        # Asterisk's group exists: www-data writes, the group reads, setgid so files get it.
        # ("daemon" stands for "asterisk", which a test machine need not have.)
        audio = PKG["work"] / "var-lib-eecall" / "audio"
        self.assertEqual(self.postinst_for_audio(audio, "daemon"),
                         (www_data.pw_uid, grp.getgrnam("daemon").gr_gid, 0o2750))
        # No such group: readable by all, still written by www-data only.
        self.assertEqual(self.postinst_for_audio(audio, "no-such-group-eecall"),
                         (www_data.pw_uid, www_data.pw_gid, 0o755))

    def test_the_postrm_purges_the_audio_cache_and_nothing_else(self):
        text = (PKG["control"] / "postrm").read_text()
        self.assertTrue((PKG["control"] / "postrm").stat().st_mode & stat.S_IXUSR)
        audio = PKG["work"] / "purge" / "audio"
        script = PKG["work"] / "postrm"
        script.write_text(text.replace("audio=/var/lib/eecall/audio", f"audio={audio}"))
        cache = ["a" * 64 + ".wav", "." + "b" * 64 + ".Ab12Yz.tmp"]
        for keep_foreign in (True, False):
            audio.mkdir(parents=True, exist_ok=True)
            for name in cache + (["alarme.wav"] if keep_foreign else []):
                (audio / name).write_bytes(b"x")
            for argument in ("remove", "purge"):
                out = run("sh", str(script), argument)
                self.assertEqual(out.returncode, 0, out.stderr)
                if argument == "remove":
                    self.assertEqual(len(list(audio.iterdir())), len(cache) + keep_foreign)
            if keep_foreign:
                self.assertEqual([p.name for p in audio.iterdir()], ["alarme.wav"])
                (audio / "alarme.wav").unlink()
            else:
                self.assertFalse(audio.parent.exists(), "the cache and its parent are gone")

    def test_shipped_snippets_are_the_ones_in_cgi_bin(self):
        source = ARGS.source / "cgi-bin"
        self.assertEqual(packaged("/etc/apache2/conf-available/eecall.conf").read_bytes(),
                         (source / "apache-eecall.conf").read_bytes())
        self.assertEqual(packaged("/etc/lighttpd/conf-available/50-eecall.conf").read_bytes(),
                         (source / "lighttpd-eecall.conf").read_bytes())
        for name in ("apache-eecall.conf", "lighttpd-eecall.conf", "nginx-eecall.conf",
                     "nginx-eecall-log.conf"):
            self.assertEqual(packaged(f"/usr/share/doc/eecall/examples/{name}").read_bytes(),
                             (source / name).read_bytes())

    def test_man_page_renders_without_warnings(self):
        page = run("man", "--warnings", "-l", str(packaged("/usr/share/man/man1/eecall.1.gz")),
                   env={"PATH": os.environ["PATH"], "MANWIDTH": "80", "LC_ALL": "C.UTF-8"})
        self.assertEqual(page.returncode, 0, page.stderr)
        self.assertEqual(page.stderr, "")
        text = re.sub(".\b", "", page.stdout)  # bold and underline as overstrikes
        for section in ("NAME", "SYNOPSIS", "PARAMETERS", "ENVIRONMENT", "FILES", "ANSWERS",
                        "EXIT STATUS", "EXAMPLES"):
            self.assertRegex(text, rf"(?m)^{section}$")
        self.assertRegex(text, r"eecall\s+- make an Asterisk/FreePBX PBX place a call")


class PackagedBinary(unittest.TestCase):
    def binary(self):
        return str(packaged("/usr/lib/cgi-bin/eecall"))

    def test_help(self):
        out = run(self.binary(), "--help", env=eecall_env())
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Usage: eecall", out.stdout)

    def test_places_a_call_against_the_simulator(self):
        sim = PKG["sim"]
        out = run(self.binary(), "--ip", "127.0.0.1", "--port", str(sim.port), "--user", "eedomus",
                  "--from", "100", "--to", "291", env=eecall_env(EECALL_SECRET="s3cret"))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        root = ET.fromstring(out.stdout)
        self.assertEqual(root.findtext("result"), "1", out.stdout)
        self.assertEqual(root.findtext("message"), "Originate successfully queued")
        self.assertIn(f"ActionID: {root.findtext('action_id')}".encode(), sim.received())

    def test_tls_call_uses_the_packaged_tls_module(self):
        # A private CA and a certificate for 127.0.0.1, made here with the openssl command.
        certs = PKG["work"] / "certs"
        certs.mkdir(exist_ok=True)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for argv in (
            ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=eecall test CA"],
            ["req", "-new", *ec, "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "2", "-copy_extensions", "copy"],
        ):
            made = run("openssl", *argv, cwd=certs)
            self.assertEqual(made.returncode, 0, made.stderr)
        sim = harness.Simulator(ARGS.sim, PKG["work"], "--tls-cert", str(certs / "server.pem"),
                                "--tls-key", str(certs / "server.key"))
        try:
            out = run(self.binary(), "--ip", "127.0.0.1", "--port", str(sim.port), "--user",
                      "eedomus", "--from", "100", "--to", "291", "--tls", "--ca-file",
                      str(certs / "ca.pem"),
                      env=eecall_env(EECALL_SECRET="s3cret", LD_DEBUG="files"))
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr[-2000:])
            self.assertEqual(ET.fromstring(out.stdout).findtext("result"), "1", out.stdout)
            self.assertIn(str(packaged("/usr/lib/eecall/eecall-tls.so")), out.stderr)
            self.assertIn(b"Action: Originate\r\n", sim.received())
        finally:
            sim.stop()

    def test_the_packaged_speech_module_speaks_french_at_8_khz(self):
        # Its C table (include/eecall/speech/module_abi.h), called as eecall calls it.
        class Api(ctypes.Structure):
            _fields_ = [("abi_version", ctypes.c_int), ("engine", ctypes.c_char_p),
                        ("synthesize", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                                        ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t))]
        module = ctypes.CDLL(str(packaged("/usr/lib/eecall/eecall-speech.so")))
        entry = module.eecall_speech_module
        entry.restype = ctypes.POINTER(Api)
        api = entry().contents
        self.assertEqual(api.abi_version, 1)
        self.assertIn(b"espeak-ng", api.engine)
        out = PKG["work"] / "speech.wav"
        error = ctypes.create_string_buffer(512)
        with open(out, "w+b") as f:
            status = api.synthesize("Fuite d'eau au sous-sol".encode(), b"fr", f.fileno(), error, 512)
        self.assertEqual(status, 0, error.value)
        with wave.open(str(out)) as w:
            self.assertEqual((w.getframerate(), w.getnchannels(), w.getsampwidth()), (8000, 1, 2))
            self.assertGreater(w.getnframes(), 8000)

    def test_the_speech_module_opens_no_sound_server(self):
        # A synthesis in a process of its own whose HOME and TMPDIR are empty directories of the
        # test: espeak-ng's audio output probe made $HOME/.config/pulse and $TMPDIR/pulse-* (and
        # logged "Failed to create secure directory") though eecall never plays a sound.
        home, tmp = PKG["work"] / "speech-home", PKG["work"] / "speech-tmp"
        for d in (home, tmp):
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
        program = (
            "import ctypes, sys\n"
            "class Api(ctypes.Structure):\n"
            "    _fields_ = [('abi_version', ctypes.c_int), ('engine', ctypes.c_char_p),\n"
            "                ('synthesize', ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,\n"
            "                                                ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t))]\n"
            "entry = ctypes.CDLL(sys.argv[1]).eecall_speech_module\n"
            "entry.restype = ctypes.POINTER(Api)\n"
            "error = ctypes.create_string_buffer(512)\n"
            "with open(sys.argv[2], 'w+b') as f:\n"
            "    sys.exit(entry().contents.synthesize(b'Fuite', b'fr', f.fileno(), error, 512))\n")
        out = run(sys.executable, "-c", program, str(packaged("/usr/lib/eecall/eecall-speech.so")),
                  str(tmp / "speech.wav"), env={"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(tmp)})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn("secure directory", out.stderr)
        self.assertEqual(sorted(p.name for p in home.iterdir()), [])
        self.assertEqual(sorted(p.name for p in tmp.iterdir()), ["speech.wav"])

    def test_refuses_a_wrong_secret_with_exit_status_3(self):
        out = run(self.binary(), "--ip", "127.0.0.1", "--port", str(PKG["sim"].port),
                  "--user", "eedomus", "--secret", "wrong", "--from", "100", "--to", "291",
                  env=eecall_env())
        self.assertEqual(out.returncode, 3, out.stdout + out.stderr)
        self.assertEqual(ET.fromstring(out.stdout).findtext("error"), "auth_failed")

    def test_answers_through_apache_with_the_packaged_apache_snippet(self):
        ws = harness.Workspace(self.binary(), "deb-apache")
        port = harness.free_port()
        server = None
        try:
            # The packaged snippet, in the place the harness reads the Apache one from.
            configs = ws.root / "configs"
            configs.mkdir()
            shutil.copy(packaged("/etc/apache2/conf-available/eecall.conf"),
                        configs / "apache-eecall.conf")
            server, _ = harness.start_apache(ws, configs, port)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", f"/eecall?ip=127.0.0.1&port={PKG['sim'].port}&user=eedomus"
                                "&secret=s3cret&from=eedomus&to=100&msg=Alerte%20d%E9bordement&drv=sip")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            self.assertEqual(response.status, 200, body)
            self.assertEqual(response.getheader("Content-Type"), "text/xml; charset=utf-8")
            self.assertEqual(ET.fromstring(body).findtext("result"), "1", body)
        finally:
            if server:
                server.stop()
            ws.remove()


def setUpModule():
    harness.stop_cleanly_on_signals()
    for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "man"):
        harness.require_program(tool)
    work = Path(tempfile.mkdtemp(prefix="eecall-deb-"))
    PKG["work"] = work
    build = run("cpack", "-G", "DEB", "-B", str(work / "out"), cwd=ARGS.build_dir)
    debs = list((work / "out").glob("*.deb"))
    if build.returncode != 0 or len(debs) != 1:
        raise RuntimeError(f"cpack -G DEB failed ({build.returncode}):\n{build.stdout}{build.stderr}")
    PKG["deb"] = debs[0]
    PKG["root"] = work / "root"
    PKG["control"] = work / "control"
    for option, target in (("--extract", PKG["root"]), ("--control", PKG["control"])):
        out = run("dpkg-deb", option, str(PKG["deb"]), str(target))
        if out.returncode != 0:
            raise RuntimeError(f"dpkg-deb {option} failed: {out.stderr}")
    os.chmod(work, 0o755)
    PKG["sim"] = harness.Simulator(ARGS.sim, work)


def tearDownModule():
    sim = PKG.pop("sim", None)
    if sim:
        sim.stop()
    work = PKG.pop("work", None)
    if work:
        shutil.rmtree(work, ignore_errors=True)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True, type=Path)
    parser.add_argument("--sim", required=True)
    parser.add_argument("--source", required=True, type=Path)
    ARGS, rest = parser.parse_known_args()
    harness.run_tests(rest, tearDownModule)


if __name__ == "__main__":
    main()
