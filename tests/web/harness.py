"""Real web servers and the AMI simulator for the web tests, each started in the foreground on
127.0.0.1 with a temporary directory, and stopped (with every process it started) at the end.

The servers run the snippets shipped in cgi-bin/ byte for byte, except that /usr/lib/cgi-bin,
the log directory and the fcgiwrap socket are pointed into the temporary directory, and that
eecall gets a state_dir there too (with max_actions_per_minute raised for the load tests).
Nothing under /etc or /var is written and no system service is touched.
"""

import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

# Debian's web servers run CGI programs as www-data; as root we do the same (Apache refuses to
# serve as root at all). As another user, every process simply runs as that user.
AS_ROOT = os.geteuid() == 0
WEB_USER = "www-data"

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    """In the child: get SIGTERM if the test process dies, even by SIGKILL (ctest timeout)."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _raise_on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def stop_cleanly_on_signals():
    """SIGTERM/SIGINT/SIGHUP end the run like Ctrl-C (unittest does not swallow it), through
    the `finally` that stops the servers."""
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _raise_on_signal)


def run_tests(argv, teardown):
    """unittest.main on the calling script's tests; `teardown` (idempotent) runs however the
    run ends: passed, failed, or interrupted by a signal."""
    try:
        unittest.main(module="__main__", argv=[sys.argv[0], *argv], verbosity=2)
    finally:
        teardown()


def free_port():
    """A loopback TCP port nothing listens on now (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, log_files, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with status {process.returncode} before listening\n"
                               + read_logs(log_files))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"not listening on 127.0.0.1:{port} after {timeout} s\n" + read_logs(log_files))


def read_logs(paths):
    out = []
    for p in paths:
        p = Path(p)
        if p.exists():
            out.append(f"--- {p}\n{p.read_text(errors='replace')}")
    return "\n".join(out)


def require_program(name):
    """The path of a server binary; a missing one fails the test (CI installs them all)."""
    found = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{name} is not installed: run scripts/install-deps.sh")
    return found


class Group:
    """A child started in its own process group; stop() ends the whole group and checks that
    nothing of it is left."""

    def __init__(self, name, argv, env=None, user=None, stdout=subprocess.DEVNULL):
        """`stdout` also receives stderr unless it is a pipe (the simulator's ready line)."""
        self.name = name
        kwargs = {}
        if user:
            kwargs.update(user=user, group=user, extra_groups=[])
        stderr = subprocess.DEVNULL if stdout == subprocess.PIPE else subprocess.STDOUT
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                        stderr=stderr, start_new_session=True,
                                        preexec_fn=_die_with_parent, **kwargs)
        self.pgid = self.process.pid

    def _group_alive(self):
        try:
            os.killpg(self.pgid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:  # a member we may not signal is still there
            return True

    def stop(self, timeout=10.0):
        """SIGTERM to the group; a group still there after `timeout` is killed, and that is an
        error (a server must stop on SIGTERM)."""
        if self.process.poll() is None or self._group_alive():
            try:
                os.killpg(self.pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process.poll()
            if self.process.returncode is not None and not self._group_alive():
                return
            time.sleep(0.05)
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(5)
        raise RuntimeError(f"{self.name} did not stop within {timeout} s on SIGTERM (killed)")


class Simulator:
    """eecall-ami-sim on 127.0.0.1 with a free port; `received()` is every byte clients sent."""

    def __init__(self, binary, workdir, *extra):
        self.log = Path(workdir) / f"ami-{len(list(Path(workdir).glob('ami-*.log')))}.log"
        self.log.touch()
        self.group = Group("eecall-ami-sim",
                           [binary, "--listen", "127.0.0.1", "--port", "0", "--log", str(self.log),
                            "--max-seconds", "900", *extra],
                           stdout=subprocess.PIPE)
        line = self.group.process.stdout.readline().decode()
        m = re.fullmatch(r"eecall-ami-sim listening on 127\.0\.0\.1:(\d+)\n", line)
        if not m:
            self.group.stop()
            raise RuntimeError(f"simulator did not start: {line!r}")
        self.port = int(m.group(1))

    def received(self):
        return self.log.read_bytes()

    def stop(self):
        try:
            self.group.stop()
        finally:
            self.group.process.stdout.close()


class Workspace:
    """The temporary directory of one server: cgi-bin/ with a copy of eecall, eecall/ with its
    modules, jobs/, conf/, logs/, run/."""

    def __init__(self, eecall_binary, name, modules=(), user=WEB_USER):
        # `user`: the one the server runs CGI programs as when the test runs as root (FreePBX's
        # Apache runs as asterisk).
        self.user = user
        self.root = Path(tempfile.mkdtemp(prefix=f"eecall-web-{name}-"))
        os.chmod(self.root, 0o755)  # the server's user must reach cgi-bin/
        for d in ("cgi-bin", "conf", "logs", "run", "htdocs", "state"):
            (self.root / d).mkdir(mode=0o755)
        if AS_ROOT:
            pw = pwd.getpwnam(user)
            # lighttpd opens its logs after dropping root; eecall writes its state as www-data.
            for d in ("run", "logs", "state"):
                os.chown(self.root / d, pw.pw_uid, pw.pw_gid)
        self.state = self.root / "state"
        self.cgi_bin = self.root / "cgi-bin"
        self.eecall = self.cgi_bin / "eecall"
        shutil.copy2(eecall_binary, self.eecall)
        os.chmod(self.eecall, 0o755)
        # eecall's modules where the installed program finds them: ../eecall/ from its directory.
        for module in modules:
            (self.root / "eecall").mkdir(mode=0o755, exist_ok=True)
            shutil.copy2(module, self.root / "eecall" / Path(module).name)
        # Background jobs' state, as the package makes /var/lib/eecall/jobs: the CGI's user only.
        self.jobs = self.root / "jobs"
        self.jobs.mkdir(mode=0o700)
        if AS_ROOT:
            os.chown(self.jobs, pw.pw_uid, pw.pw_gid)
        # EECALL_* settings added to the snippet next to its own (see snippet()).
        # Its own state_dir, and a limit that the load tests (50 requests at once) stay under.
        # No configuration file: never the machine's /etc/eecall/eecall.conf (a developer may run
        # the suite on a PBX host where eecall is installed).
        self.settings = {"EECALL_JOBS_DIR": str(self.jobs), "EECALL_STATE_DIR": str(self.state),
                         "EECALL_MAX_ACTIONS_PER_MINUTE": "1000", "EECALL_CONFIG": "/dev/null"}

    # How each snippet sets EECALL_CONTEXT, and how one more setting is written after it.
    SETTING_SYNTAX = {
        "apache": ("SetEnv EECALL_CONTEXT from-internal", '\n        SetEnv {name} "{value}"'),
        "lighttpd": ('"EECALL_CONTEXT" => "from-internal"', ', "{name}" => "{value}"'),
        "nginx": ("fastcgi_param EECALL_CONTEXT from-internal;", '\n    fastcgi_param {name} "{value}";'),
    }

    def snippet(self, source, log_dir_from=None, server=None):
        """The shipped snippet with /usr/lib/cgi-bin (and the server's log directory) moved
        into the workspace, and for `server` the workspace's settings (self.settings: the jobs
        directory, the notify URL) added after EECALL_CONTEXT in the snippet's own syntax;
        nothing else is changed."""
        text = Path(source).read_text()
        text = text.replace("/usr/lib/cgi-bin", str(self.cgi_bin))
        if log_dir_from:
            text = text.replace(log_dir_from, str(self.root / "logs"))
        if server:
            anchor, syntax = self.SETTING_SYNTAX[server]
            assert text.count(anchor) == 1, f"{source}: no single '{anchor}' line"
            added = "".join(syntax.format(name=k, value=v) for k, v in self.settings.items())
            text = text.replace(anchor, anchor + added)
        return text

    def console(self, name):
        """A file in logs/ for a server's stdout and stderr (opened, the child inherits it)."""
        path = self.root / "logs" / f"{name}.console"
        return path, open(path, "wb")

    def write(self, relative, text):
        path = self.root / relative
        path.write_text(text)
        return path

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def start_apache(ws, configs, port):
    binary = require_program("apache2")
    modules = "/usr/lib/apache2/modules"
    snippet = ws.write("conf/eecall.conf", ws.snippet(Path(configs) / "apache-eecall.conf", server="apache"))
    if AS_ROOT:
        pw = pwd.getpwnam(ws.user)
        user = f"User {ws.user}\nGroup #{pw.pw_gid}\n"
    else:
        user = ""
    r = ws.root
    # A minimal Debian-like apache2.conf: mpm_event + cgid (Debian's default pair), the stock
    # serve-cgi-bin.conf (/cgi-bin/ → /usr/lib/cgi-bin, open to all), the shipped snippet, and
    # a site like 000-default.conf: a VirtualHost with its own CustomLog (which hides the
    # server's CustomLog lines from it) carrying the `env=!eecall_request` of docs/install.md.
    conf = f"""ServerRoot {r}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
{user}PidFile {r}/run/apache2.pid
DefaultRuntimeDir {r}/run
Mutex file:{r}/run default
ErrorLog {r}/logs/error.log
LogLevel warn
Define APACHE_LOG_DIR {r}/logs
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule authz_host_module {modules}/mod_authz_host.so
LoadModule alias_module {modules}/mod_alias.so
LoadModule cgid_module {modules}/mod_cgid.so
LoadModule env_module {modules}/mod_env.so
LoadModule setenvif_module {modules}/mod_setenvif.so
ScriptSock {r}/run/cgisock
DocumentRoot {r}/htdocs
ScriptAlias /cgi-bin/ {ws.cgi_bin}/
<Directory "{ws.cgi_bin}">
    Options +ExecCGI
    Require all granted
</Directory>
Include {snippet}
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
<VirtualHost *:{port}>
    CustomLog {r}/logs/access.log common env=!eecall_request
</VirtualHost>
"""
    main = ws.write("conf/apache2.conf", conf)
    check = subprocess.run([binary, "-t", "-d", str(r), "-f", str(main)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"apache2 -t refused the config:\n{check.stdout}{check.stderr}")
    console, out = ws.console("apache2")
    logs = [r / "logs/error.log", console]
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
    with out:
        server = Group("apache2", [binary, "-DFOREGROUND", "-d", str(r), "-f", str(main)], env=env,
                       stdout=out)
    wait_for_port(port, server.process, logs)
    return server, {"access": [r / "logs/eecall-access.log", r / "logs/access.log"],
                    "error": logs, "paths": ["/eecall", "/cgi-bin/eecall"]}


def start_lighttpd(ws, configs, port):
    binary = require_program("lighttpd")
    # The snippet's setenv.add-environment (inside its $HTTP["url"] block) replaces any set
    # outside it: snippet(server=...) extends that one.
    snippet = ws.write("conf/eecall.conf", ws.snippet(Path(configs) / "lighttpd-eecall.conf", server="lighttpd"))
    user = f'server.username = "{WEB_USER}"\nserver.groupname = "{WEB_USER}"\n' if AS_ROOT else ""
    r = ws.root
    # Debian's lighttpd.conf loads mod_access and mod_alias itself, 10-accesslog.conf sets
    # accesslog.filename and 10-cgi.conf publishes /cgi-bin/; the snippet must coexist with all.
    conf = f"""server.modules = ( "mod_access", "mod_alias" )
server.document-root = "{r}/htdocs"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{r}/logs/error.log"
{user}server.modules += ( "mod_accesslog" )
accesslog.filename = "{r}/logs/access.log"
server.modules += ( "mod_cgi" )
$HTTP["url"] =~ "^/cgi-bin/" {{
    cgi.assign = ( "" => "" )
    alias.url += ( "/cgi-bin/" => "{ws.cgi_bin}/" )
}}
include "{snippet}"
"""
    main = ws.write("conf/lighttpd.conf", conf)
    check = subprocess.run([binary, "-tt", "-f", str(main)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"lighttpd -tt refused the config:\n{check.stdout}{check.stderr}")
    console, out = ws.console("lighttpd")
    logs = [r / "logs/error.log", console]
    with out:
        server = Group("lighttpd", [binary, "-D", "-f", str(main)], stdout=out)
    wait_for_port(port, server.process, logs)
    return server, {"access": [r / "logs/access.log"], "error": logs,
                    "paths": ["/eecall", "/cgi-bin/eecall"]}


def start_nginx(ws, configs, port):
    binary = require_program("nginx")
    fcgiwrap = require_program("fcgiwrap")
    r = ws.root
    socket_path = r / "run/fcgiwrap.socket"
    log_snippet = ws.write("conf/eecall-log.conf", ws.snippet(Path(configs) / "nginx-eecall-log.conf"))
    snippet_text = ws.snippet(Path(configs) / "nginx-eecall.conf", log_dir_from="/var/log/nginx", server="nginx")
    snippet_text = snippet_text.replace("/run/fcgiwrap.socket", str(socket_path))
    snippet = ws.write("conf/eecall.conf", snippet_text)
    shutil.copy("/etc/nginx/fastcgi_params", r / "conf/fastcgi_params")  # read, never written
    user = f"user {WEB_USER};\n" if AS_ROOT else ""
    conf = f"""{user}worker_processes 2;
pid {r}/run/nginx.pid;
error_log {r}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {r}/run/client_body;
    fastcgi_temp_path {r}/run/fastcgi;
    proxy_temp_path {r}/run/proxy;
    scgi_temp_path {r}/run/scgi;
    uwsgi_temp_path {r}/run/uwsgi;
    access_log {r}/logs/access.log combined;
    include {log_snippet};
    server {{
        listen 127.0.0.1:{port};
        root {r}/htdocs;
        include {snippet};
    }}
}}
"""
    main = ws.write("conf/nginx.conf", conf)
    check = subprocess.run([binary, "-t", "-p", str(r), "-e", str(r / "logs/error.log"), "-c", str(main)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t refused the config:\n{check.stdout}{check.stderr}")
    # fcgiwrap as Debian's fcgiwrap.service starts it (-f: the CGI's stderr goes to nginx's
    # error log), as www-data, on the socket the snippet names.
    wrapper_console, out = ws.console("fcgiwrap")
    with out:
        wrapper = Group("fcgiwrap", [fcgiwrap, "-f", "-s", f"unix:{socket_path}"],
                        user=WEB_USER if AS_ROOT else None, stdout=out)
    console, out = ws.console("nginx")
    logs = [r / "logs/error.log", r / "logs/eecall-error.log", console, wrapper_console]
    deadline = time.monotonic() + 10
    while not socket_path.exists():
        if wrapper.process.poll() is not None or time.monotonic() > deadline:
            wrapper.stop()
            raise RuntimeError("fcgiwrap did not create its socket\n" + read_logs(logs))
        time.sleep(0.05)
    try:
        with out:
            server = Group("nginx", [binary, "-p", str(r), "-e", str(r / "logs/error.log"), "-c",
                                     str(main), "-g", "daemon off;"], stdout=out)
        wait_for_port(port, server.process, logs)
    except BaseException:
        wrapper.stop()
        raise
    return Both(server, wrapper), {"access": [r / "logs/eecall-access.log", r / "logs/access.log"],
                                   "error": logs, "paths": ["/eecall"]}


class Both:
    """nginx and its fcgiwrap, stopped together (nginx first)."""

    def __init__(self, *groups):
        self.groups = groups
        self.process = groups[0].process

    def stop(self):
        errors = []
        for g in self.groups:
            try:
                g.stop()
            except RuntimeError as e:
                errors.append(str(e))
        if errors:
            raise RuntimeError("; ".join(errors))


SERVERS = {"apache": start_apache, "lighttpd": start_lighttpd, "nginx": start_nginx}
