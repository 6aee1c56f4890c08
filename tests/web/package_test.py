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
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
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
    # For people: on the PATH (a symlink, so that the program still finds its modules).
    "./usr/bin/eecall -> ../lib/cgi-bin/eecall": "lrwxrwxrwx",
    "./usr/lib/eecall/eecall-tls.so": "-rw-r--r--",
    "./usr/lib/eecall/eecall-speech.so": "-rw-r--r--",
    "./usr/lib/eecall/eecall-notify.so": "-rw-r--r--",
    "./etc/eecall/eecall.conf": "-rw-r-----",
    "./etc/logrotate.d/eecall": "-rw-r--r--",
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
CONFFILES = ["/etc/eecall/eecall.conf", "/etc/logrotate.d/eecall", "/etc/apache2/conf-available/eecall.conf",
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


# The paths the maintainer scripts read or write, each set once at their top; a test moves
# every one of them under its own directory (hermetic_script).
SCRIPT_PATHS = ("conf", "state", "audio", "jobs", "logs", "defaults", "etc", "units", "agi_dirs", "program")
MACHINE_PATH = re.compile(r"(?<![\w.-])/(etc|var|lib/systemd|usr)/")


def hermetic_script(text, work=None, **paths):
    """A maintainer script with every path it reads or writes moved under `work` (by default the
    test's postinst-paths/), and those named in `paths` where the test wants them: never the
    machine's own. A list is a space-separated list (agi_dirs)."""
    work = Path(work or PKG["work"] / "postinst-paths")
    moved = {"conf": work / "etc-eecall" / "eecall.conf", "state": work / "var-lib-eecall",
             "audio": work / "var-lib-eecall" / "audio", "jobs": work / "var-lib-eecall" / "jobs",
             "logs": work / "var-log-eecall", "defaults": work / "etc" / "default" / "eecall",
             "etc": work / "etc", "units": work / "lib-systemd-system",
             "agi_dirs": [work / "var-lib-asterisk" / "agi-bin", work / "usr-share-asterisk" / "agi-bin"],
             "program": packaged("/usr/lib/cgi-bin/eecall")}
    moved.update(paths)
    for name in SCRIPT_PATHS:
        lines = re.findall(rf"(?m)^{name}=.*$", text)
        assert len(lines) <= 1, f"the script sets {name} {len(lines)} times"
        if lines:
            path = moved[name]
            value = '"' + " ".join(map(str, path)) + '"' if isinstance(path, list) else str(path)
            text = text.replace(lines[0], f"{name}={value}")
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    left = [line for line in code if MACHINE_PATH.search(line)]
    assert not left, f"the script still reads or writes the machine's paths: {left}"
    return text


def hermetic_postinst(text, **paths):
    return hermetic_script(text, **paths)


def run_script(text, name, *argv, env=None, **paths):
    """Writes the hermetic script and runs it with `argv` (as dpkg would: sh, as root)."""
    script = PKG["work"] / name
    script.write_text(hermetic_script(text, **paths))
    return run("sh", str(script), *argv, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **(env or {})})


def docs_command(pattern, doc="install.md"):
    """Group 1 of `pattern` in docs/DOC: a command or an output line the docs show, which the
    test then runs or compares (the docs never drift from what the package does)."""
    text = (ARGS.source / "docs" / doc).read_text()
    found = re.search(pattern, text)
    assert found, f"docs/{doc} no longer holds {pattern!r}"
    return found.group(1)


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

    def test_the_build_packages_are_install_md_s_and_hold_no_web_server(self):
        # scripts/build.sh runs install-deps.sh --build: on a FreePBX box, whose Apache owns port
        # 80, it must install no web server (issue 19 item 11), and docs/install.md names them.
        script = ARGS.source / "scripts" / "install-deps.sh"
        build = run("bash", str(script), "--build", "--print")
        everything = run("bash", str(script), "--print")
        self.assertEqual((build.returncode, everything.returncode), (0, 0), build.stderr + everything.stderr)
        build, everything = build.stdout.split(), everything.stdout.split()
        self.assertIn("--build", (ARGS.source / "scripts" / "build.sh").read_text())
        for server in ("apache2", "lighttpd", "nginx", "fcgiwrap", "sip-tester", "libgtest-dev"):
            self.assertNotIn(server, build)
            self.assertIn(server, everything)
        named = docs_command(r"The build needs `([^`]+)`")
        self.assertEqual(sorted(named.split()), sorted(build))

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
        # No web server's config in its stand-in /etc: www-data, Debian's web servers' user.
        self.assertEqual((PKG["control"] / "conffiles").read_text().split(), CONFFILES)
        postinst = PKG["control"] / "postinst"
        self.assertTrue(postinst.stat().st_mode & stat.S_IXUSR)
        text = postinst.read_text()
        self.assertTrue(text.startswith("#!/bin/sh"))
        self.assertIn('chgrp "$web_group" "$conf"', text)
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
        script.write_text(hermetic_script(text, PKG["work"] / "purge", audio=audio))
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

    def postinst_in(self, work, files, env=None):
        """Runs the postinst with a stand-in /etc (and systemd unit directory) under `work`
        holding `files` ({relative path: text}); answers (its result, the paths it used)."""
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        os.chmod(work, 0o755)
        for relative, text in files.items():
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            (work / relative).write_text(text)
        conf = work / "etc-eecall" / "eecall.conf"
        conf.parent.mkdir()
        shutil.copy(packaged("/etc/eecall/eecall.conf"), conf)
        text = (PKG["control"] / "postinst").read_text()
        return run_script(text, "postinst-web-user", "configure", env=env, work=work), work

    def assert_owned_by(self, work, user):
        pw = pwd.getpwnam(user)
        owners = {name: (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) for name, st in (
            (name, (work / name).stat()) for name in ("var-lib-eecall", "var-lib-eecall/jobs", "var-log-eecall"))}
        self.assertEqual(owners, {"var-lib-eecall": (pw.pw_uid, pw.pw_gid, 0o755),
                                  "var-lib-eecall/jobs": (pw.pw_uid, pw.pw_gid, 0o700),
                                  "var-log-eecall": (pw.pw_uid, pw.pw_gid, 0o750)})
        conf = (work / "etc-eecall" / "eecall.conf").stat()
        self.assertEqual((conf.st_uid, conf.st_gid, stat.S_IMODE(conf.st_mode)), (0, pw.pw_gid, 0o640))
        self.assertEqual((work / "var-lib-eecall" / "audio").stat().st_uid, pw.pw_uid)

    def test_the_postinst_finds_the_user_the_web_server_runs_as(self):
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        # "daemon" and "nobody" stand for asterisk (FreePBX's Apache user), which a test machine
        # need not have; the stand-in /etc holds what each web server's package (or FreePBX's
        # installer) writes.
        debian_apache = {"etc/apache2/apache2.conf": "User ${APACHE_RUN_USER}\nGroup ${APACHE_RUN_GROUP}\n",
                         "etc/apache2/envvars": "export APACHE_RUN_USER=www-data\nexport APACHE_RUN_GROUP=www-data\n"}
        cases = [
            ("no web server", {}, "www-data"),
            ("Debian's Apache", debian_apache, "www-data"),
            ("FreePBX 17: APACHE_RUN_USER in envvars",
             {**debian_apache, "etc/apache2/envvars": "export APACHE_RUN_USER=daemon\nexport APACHE_RUN_GROUP=daemon\n"},
             "daemon"),
            ("older FreePBX installers: User in apache2.conf",
             {**debian_apache, "etc/apache2/apache2.conf": "User daemon\nGroup daemon\n"}, "daemon"),
            ("the FreePBX distro: httpd.conf", {"etc/httpd/conf/httpd.conf": "ServerRoot /etc/httpd\nUser daemon\n"},
             "daemon"),
            ("lighttpd", {"etc/lighttpd/lighttpd.conf": 'server.username             = "daemon"\n'}, "daemon"),
            ("nginx + fcgiwrap", {"lib-systemd-system/fcgiwrap.service": "[Service]\nUser=daemon\nGroup=daemon\n"},
             "daemon"),
            ("fcgiwrap with a drop-in", {"lib-systemd-system/fcgiwrap.service": "[Service]\nUser=www-data\n",
                                         "etc/systemd/system/fcgiwrap.service.d/user.conf": "[Service]\nUser=daemon\n"},
             "daemon"),
            ("/etc/default/eecall as docs/install.md writes it",
             {**debian_apache, "etc/default/eecall": docs_command(r"echo '(EECALL_WEB_USER=asterisk)' \| sudo tee "
                                                                  r"/etc/default/eecall").replace("asterisk", "daemon") + "\n"},
             "daemon"),
        ]
        for title, files, user in cases:
            with self.subTest(title):
                out, work = self.postinst_in(PKG["work"] / "web-user", files)
                self.assertEqual(out.returncode, 0, out.stderr)
                self.assertIn(f"the web server runs eecall as {user}:", out.stdout)
                self.assert_owned_by(work, user)

    def test_eecall_web_user_overrides_and_is_kept_for_upgrades(self):
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        files = {"etc/apache2/envvars": "export APACHE_RUN_USER=daemon\n"}
        # docs/install.md's way: sudo EECALL_WEB_USER=asterisk apt install ./build/eecall_*_amd64.deb
        variable = docs_command(r"sudo (EECALL_WEB_USER)=asterisk apt install")
        out, work = self.postinst_in(PKG["work"] / "web-user-env", files, env={variable: "nobody"})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assert_owned_by(work, "nobody")
        self.assertIn("EECALL_WEB_USER=nobody\n", (work / "etc/default/eecall").read_text())
        # The upgrade, without the variable: still nobody, and a job file made meanwhile follows.
        text = (PKG["control"] / "postinst").read_text()
        again = run_script(text, "postinst-upgrade", "configure", work=work)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assert_owned_by(work, "nobody")
        # Apache's user changed (the admin removed the override): the job files follow it.
        (work / "etc/default/eecall").unlink()
        job = work / "var-lib-eecall" / "jobs" / ("a" * 32 + ".json")
        job.write_text("{}")
        moved = run_script(text, "postinst-moved", "configure", work=work)
        self.assertEqual(moved.returncode, 0, moved.stderr)
        self.assert_owned_by(work, "daemon")
        self.assertEqual(job.stat().st_uid, pwd.getpwnam("daemon").pw_uid)

    def test_a_web_user_that_does_not_exist_falls_back_to_www_data(self):
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        out, work = self.postinst_in(PKG["work"] / "web-user-missing",
                                     {"etc/apache2/envvars": "export APACHE_RUN_USER=no-such-user-eecall\n"})
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("'no-such-user-eecall'", out.stderr)
        self.assertIn("does not exist: using www-data", out.stderr)
        self.assert_owned_by(work, "www-data")

    def test_the_program_is_linked_into_the_agi_bin_directories_that_exist_only(self):
        if os.geteuid() != 0:
            self.skipTest("running the postinst needs root")
        work = PKG["work"] / "agi"
        shutil.rmtree(work, ignore_errors=True)
        freepbx, debian = work / "var-lib-asterisk" / "agi-bin", work / "usr-share-asterisk" / "agi-bin"
        freepbx.mkdir(parents=True)
        postinst, postrm = ((PKG["control"] / name).read_text() for name in ("postinst", "postrm"))
        program = str(packaged("/usr/lib/cgi-bin/eecall"))
        for attempt in ("install", "upgrade"):
            out = run_script(postinst, "postinst-agi", "configure", work=work)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(os.readlink(freepbx / "eecall"), program, attempt)
            self.assertFalse(debian.parent.exists(), "no Asterisk there: nothing made")
        # AGI(eecall) through the link runs the program (and finds its modules from its real path).
        ran = run(str(freepbx / "eecall"), "--help", env=eecall_env())
        self.assertEqual(ran.returncode, 0, ran.stderr)
        # A file of someone else's where the link would go is left alone, and said so.
        debian.mkdir(parents=True)
        (debian / "eecall").write_text("#!/bin/sh\n")
        out = run_script(postinst, "postinst-agi", "configure", work=work)
        self.assertIn("is not eecall's link: left alone", out.stderr)
        self.assertEqual((debian / "eecall").read_text(), "#!/bin/sh\n")
        # apt remove: eecall's link goes, the other file stays.
        out = run_script(postrm, "postrm-agi", "remove", work=work)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(sorted(p.name for p in freepbx.iterdir()), [])
        self.assertEqual((debian / "eecall").read_text(), "#!/bin/sh\n")

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
        for binary in (self.binary(), str(packaged("/usr/bin/eecall"))):
            out = run(binary, "--help", env=eecall_env())
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
            # The CGI program, and /usr/bin/eecall: a symlink, so the same module.
            for binary in (self.binary(), str(packaged("/usr/bin/eecall"))):
                self.tls_call(binary, sim, certs)
        finally:
            sim.stop()

    def tls_call(self, binary, sim, certs):
        out = run(binary, "--ip", "127.0.0.1", "--port", str(sim.port), "--user",
                  "eedomus", "--from", "100", "--to", "291", "--tls", "--ca-file",
                  str(certs / "ca.pem"),
                  env=eecall_env(EECALL_SECRET="s3cret", LD_DEBUG="files"))
        self.assertEqual(out.returncode, 0, binary + ": " + out.stdout + out.stderr[-2000:])
        self.assertEqual(ET.fromstring(out.stdout).findtext("result"), "1", out.stdout)
        self.assertIn(str(packaged("/usr/lib/eecall/eecall-tls.so")), out.stderr)
        self.assertIn(b"Action: Originate\r\n", sim.received())

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

    def test_logrotate_rotates_the_job_log_and_the_next_job_starts_a_new_one(self):
        # The shipped snippet with its one path moved under the test's directory, and
        # logrotate's state file there too: the machine's rotation is never touched.
        logs = PKG["work"] / "logrotate" / "log"
        logs.mkdir(parents=True)
        shipped = packaged("/etc/logrotate.d/eecall").read_text()
        self.assertIn("/var/log/eecall/*.log {", shipped)
        conf = logs.parent / "eecall"
        conf.write_text(shipped.replace("/var/log/eecall/", f"{logs}/"))
        old_line = "eecall[1]: job 0123: info: written before the rotation\n"
        (logs / "jobs.log").write_text(old_line)
        rotated = run("logrotate", "--force", "--state", str(logs.parent / "state"), str(conf))
        self.assertEqual((rotated.returncode, rotated.stderr), (0, ""))
        self.assertEqual((logs / "jobs.log.1").read_text(), old_line, "delaycompress: the newest stays plain")
        self.assertFalse((logs / "jobs.log").exists(), "nocreate: the next job makes it")

        out = run(self.binary(), "--format", "json", "--ip", "127.0.0.1", "--port", str(PKG["sim"].port),
                  "--user", "eedomus", "--from", "100", "--to", "291", "--background",
                  env=eecall_env(EECALL_SECRET="s3cret", EECALL_JOB_LOG=str(logs / "jobs.log")))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        job = json.loads(out.stdout)["job"]
        log = logs / "jobs.log"
        deadline = time.monotonic() + 20  # the job's first line: it starts, dials, logs
        while not (log.exists() and f"job {job}:" in log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn(f"job {job}:", log.read_text() if log.exists() else "(no jobs.log after 20 s)")
        self.assertEqual((logs / "jobs.log.1").read_text(), old_line)

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


class FreePbxBox(unittest.TestCase):
    """A FreePBX box, hermetically: Apache runs as asterisk (FreePBX 17's installer sets
    APACHE_RUN_USER=asterisk in /etc/apache2/envvars), the package's postinst runs on a stand-in
    of that /etc and of eecall's directories, the admin pastes docs/eedomus.md's eecall.conf
    examples as they are, and the box uses the three old URLs and the alarm recipe's background
    alert against the simulator as the PBX; the job tells a stand-in box."""

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: a user asterisk for Apache, and the postinst's chown")
        self.made_user = None
        try:
            pwd.getpwnam("asterisk")
        except KeyError:
            made = run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                       "--shell", "/usr/sbin/nologin", "asterisk")
            self.assertEqual(made.returncode, 0, made.stderr)
            self.made_user = "asterisk"
        self.addCleanup(self.remove_user)
        self.work = PKG["work"] / "freepbx"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(mode=0o755)
        self.addCleanup(shutil.rmtree, self.work, True)

    def remove_user(self):
        if self.made_user:
            run("userdel", self.made_user)
            if run("getent", "group", self.made_user).returncode == 0:
                run("groupdel", self.made_user)

    def docs_config(self, heading):
        """The first ```ini block after `heading` in docs/eedomus.md, as the admin copies it."""
        text = (ARGS.source / "docs" / "eedomus.md").read_text()
        after = text[text.index(heading):]
        return re.search(r"```ini\n(.*?)```", after, re.S).group(1)

    def paste(self, conf, text, sim, box=None):
        """What the admin changes in the docs' example on this box: nothing but the AMI port
        (the simulator's, not 5038) and the box's address (the stand-in box's)."""
        self.assertIn("host = 127.0.0.1\n", text)
        text = text.replace("host = 127.0.0.1\n", f"host = 127.0.0.1\nport = {sim.port}\n")
        if box:
            self.assertIn("http://192.168.0.42/", text)
            text = text.replace("http://192.168.0.42/", f"http://127.0.0.1:{box.port}/")
        with open(conf, "w") as f:  # in place, as an editor does: keeps the postinst's owner and mode
            f.write(text)

    def get(self, port, query, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/eecall?" + query, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def test_the_old_urls_a_profile_and_the_alarm_recipe_under_apache_as_asterisk(self):
        from web_server_test import NotifyRecorder
        work = self.work
        asterisk = pwd.getpwnam("asterisk")
        # The package lands: Apache's envvars as FreePBX 17 leaves them, no Asterisk agi-bin here.
        files = {"etc/apache2/apache2.conf": "User ${APACHE_RUN_USER}\nGroup ${APACHE_RUN_GROUP}\n",
                 "etc/apache2/envvars": "export APACHE_RUN_USER=asterisk\nexport APACHE_RUN_GROUP=asterisk\n"}
        for relative, text in files.items():
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            (work / relative).write_text(text)
        conf = work / "etc-eecall" / "eecall.conf"
        conf.parent.mkdir()
        shutil.copy(packaged("/etc/eecall/eecall.conf"), conf)
        os.chmod(conf, 0o640)
        out = run_script((PKG["control"] / "postinst").read_text(), "postinst-freepbx", "configure", work=work)
        self.assertEqual(out.returncode, 0, out.stderr)
        said = re.search(r"(?m)^eecall: the web server runs eecall as .*$", out.stdout).group(0)
        self.assertEqual(said.replace(str(work), ""), docs_command(r"\n(eecall: the web server runs eecall as .*)\n"),
                         "what docs/install.md shows apt install printing")
        state, jobs, audio = work / "var-lib-eecall", work / "var-lib-eecall" / "jobs", work / "var-lib-eecall" / "audio"

        # The PBX: the AMI user of docs/freepbx.md with the alert rights, phone 100 presses 1.
        # Plus write = reporting, so that --check learns Asterisk's user (asterisk, as on
        # FreePBX) from CoreSettings rather than from whichever Asterisk runs on the test machine.
        sim = harness.Simulator(ARGS.sim, work, "--user",
                                "eedomus:a-long-random-secret:originate,message,call,reporting:call,dialplan",
                                "--keys", "100=1", "--run-user", "asterisk:asterisk")
        self.addCleanup(sim.stop)
        box = NotifyRecorder()
        self.addCleanup(box.stop)
        ws = harness.Workspace(packaged("/usr/lib/cgi-bin/eecall"), "freepbx",
                               modules=[packaged(f"/usr/lib/eecall/eecall-{m}.so") for m in ("tls", "speech", "notify")],
                               user="asterisk")
        self.addCleanup(ws.remove)
        # The package's paths, moved into the test's directory: nothing else is set for eecall.
        ws.settings = {"EECALL_CONFIG": str(conf), "EECALL_STATE_DIR": str(state), "EECALL_JOBS_DIR": str(jobs),
                       "EECALL_AUDIO_DIR": str(audio)}
        configs = ws.root / "configs"
        configs.mkdir()
        shutil.copy(packaged("/etc/apache2/conf-available/eecall.conf"), configs / "apache-eecall.conf")
        port = harness.free_port()
        server, _ = harness.start_apache(ws, configs, port)
        self.addCleanup(server.stop)

        # docs/eedomus.md §5: the three old scenarios, with the profile instead of the secret.
        self.paste(conf, self.docs_config("## 5. Keeping the secret out of the URL"), sim)
        for query in ("profile=home&from=100&to=291", "profile=home&from=0240404040&to=291",
                      "profile=home&from=eedomus&to=100&msg=Alerte%20d%E9bordement%20cuve&drv=sip"):
            status, body = self.get(port, query)
            self.assertEqual((status, ET.fromstring(body).findtext("result")), (200, "1"), (query, body))
        status, body = self.get(port, f"ip=127.0.0.1&port={sim.port}&user=eedomus&secret=a-long-random-secret"
                                      "&from=100&to=291")
        self.assertEqual(status, 403, body)  # allow_url_credentials = no, as pasted
        self.assertIn(b"Action: MessageSend\r\n", sim.received())
        # The flood guard's memory, written by Apache's user.
        remembered = [p for p in state.iterdir() if p.is_file()]
        self.assertTrue(remembered, "state_dir holds the flood guard's memory")
        for path in remembered:
            self.assertEqual(path.stat().st_uid, asterisk.pw_uid, path)

        # The alarm recipe: its config pasted over, its actuator URL, the box told how it ended.
        self.paste(conf, self.docs_config("### 1. eecall's side"), sim, box)
        status, body = self.get(port, "profile=home&from=100,0612345678&say=Fuite%20d'eau%20au%20sous-sol&ack=1"
                                      "&background=1")
        self.assertEqual(status, 202, body)
        job = ET.fromstring(body).findtext("job")
        deadline = time.monotonic() + 60
        while not box.received and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(box.received, ["/api/set?action=periph.value&periph_id=123456&value=1"
                                        "&api_user=USER&api_secret=SECRET"])
        status, body = self.get(port, f"job={job}&format=json")
        self.assertEqual(status, 200, body)
        end = json.loads(body)
        self.assertEqual((end["state"], end["acknowledged_by"]), ("done", "100"), end)
        # Its files: Apache's user's, and the audio readable by Asterisk's group.
        job_files = list(jobs.iterdir())
        self.assertTrue(job_files)
        for path in job_files:
            self.assertEqual(path.stat().st_uid, asterisk.pw_uid, path)
        wavs = list(audio.glob("*.wav"))
        self.assertEqual(len(wavs), 1, list(audio.iterdir()))
        st = wavs[0].stat()
        self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode) & 0o040), (asterisk.pw_uid, asterisk.pw_gid, 0o040))

        # The admin's check of the alarm, from the shell as root (docs/freepbx.md §4): the docs'
        # alert user has no write = system, so the modules are "?" to verify by hand, not a
        # failure; eecall expects the web server's user the package chose (state_dir's owner).
        check = run(str(packaged("/usr/bin/eecall")), "--check", "--format", "text", "--profile", "home",
                    "--from", "100,0612345678", "--say", "Fuite d'eau au sous-sol", "--ack", "1",
                    env={"PATH": "/usr/bin:/bin", **ws.settings})
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertRegex(check.stdout, r"(?m)^✔ configuration: .*readable by asterisk$")
        self.assertRegex(check.stdout, r"(?m)^\? module app_read")
        self.assertRegex(check.stdout, r"(?m)^✔ audio for asterisk: .* readable by asterisk")
        self.assertRegex(check.stdout, r"(?m)^OK check: .*could not be known.*module app_read")

        # [general] token = ... (eedomus.md's option): Apache passes Authorization: Bearer to eecall.
        text = conf.read_text().replace("[general]\n", "[general]\ntoken = t0ken-of-the-box\n", 1)
        with open(conf, "w") as f:
            f.write(text)
        status, body = self.get(port, "profile=home&from=100&to=291")
        self.assertEqual(status, 403, body)
        status, body = self.get(port, "profile=home&from=100&to=291",
                                headers={"Authorization": "Bearer t0ken-of-the-box"})
        self.assertEqual((status, ET.fromstring(body).findtext("result")), (200, "1"), body)


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
