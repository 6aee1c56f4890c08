#!/usr/bin/env python3
"""amd_drive.py - the AsyncAGI + AMD exchanges of tests/data/u*.txt, played by hand on the lab.

One AMI session per run (through tests/real/ami_record.py, which writes the transcript):
Login, Originate Application AGI Data agi:async to PHONE, then on AsyncAGIStart the AGI
commands given (each waits for its AsyncAGIExec, matched by CommandID), then Logoff after the
channel's Hangup. Python 3 standard library only; every wait is bounded.

  python3 tests/real/amd_drive.py --port PORT --phone 109 --user eedomus --secret s3cret \\
      --command 'EXEC AMD 2000,2000,1000,5000' --command 'GET VARIABLE AMDSTATUS' --command HANGUP
"""
import argparse
import socket
import sys
import time


class Ami:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""
        self.sock.recv(100)  # the banner

    def send(self, **headers):
        text = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.sock.sendall(text.encode())

    def read(self, deadline):
        while b"\r\n\r\n" not in self.buf:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError("no message before the deadline")
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("AMI closed")
            self.buf += data
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        msg = {}
        for line in raw.decode(errors="replace").split("\r\n"):
            name, _, value = line.partition(": ")
            msg.setdefault(name.lower(), value)
        return msg

    def until(self, match, seconds):
        deadline = time.monotonic() + seconds
        while True:
            m = self.read(deadline)
            if match(m):
                return m


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", default="eedomus")
    p.add_argument("--secret", default="s3cret")
    p.add_argument("--phone", required=True)
    p.add_argument("--events", default="call,agi")
    p.add_argument("--command", action="append", default=[])
    p.add_argument("--by-uniqueid", action="store_true", help="AGI Channel: our ChannelId")
    p.add_argument("--hangup-action-after", type=float, default=None,
                   help="send AMI Hangup this many seconds after the first AGI command")
    p.add_argument("--redirect", default=None, metavar="CONTEXT,EXTEN",
                   help="after the commands, AMI Redirect of the call (by its ChannelId) to CONTEXT,EXTEN,1")
    a = p.parse_args()
    ami = Ami(a.port)
    ami.send(Action="Login", Username=a.user, Secret=a.secret, Events=a.events, ActionID="amd-1")
    print(ami.until(lambda m: m.get("actionid") == "amd-1", 5))
    chan_id = f"amd-{int(time.time())}"
    ami.send(Action="Originate", Channel=f"Local/{a.phone}@from-internal", Application="AGI",
             Data="agi:async", CallerID='"eeCallUs"', Timeout="30000", ChannelId=chan_id,
             Async="true", ActionID="amd-2")
    reply = ami.until(lambda m: m.get("actionid") == "amd-2", 5)
    print(reply)
    if reply.get("response") != "Success":
        ami.send(Action="Logoff", ActionID="amd-9")
        ami.until(lambda m: m.get("actionid") == "amd-9", 5)
        return
    start = ami.until(lambda m: m.get("event") in ("AsyncAGIStart", "OriginateResponse")
                      and m.get("uniqueid", m.get("channel", "")).startswith(chan_id[:3]), 40)
    print(start)
    if start.get("event") == "OriginateResponse":
        start = ami.until(lambda m: m.get("event") == "AsyncAGIStart", 5)
    channel = chan_id if a.by_uniqueid else start["channel"]
    for n, command in enumerate(a.command, 1):
        cid = f"c{n}"
        ami.send(Action="AGI", Channel=channel, Command=command, CommandID=cid, ActionID=f"amd-a{n}")
        print(ami.until(lambda m: m.get("actionid") == f"amd-a{n}", 5))
        if a.hangup_action_after is not None and n == 1:
            time.sleep(a.hangup_action_after)
            ami.send(Action="Hangup", Channel=chan_id, ActionID="amd-h")
        try:
            print(ami.until(lambda m: m.get("event") in ("AsyncAGIExec", "AsyncAGIEnd")
                            and (m.get("commandid") == cid or m.get("event") == "AsyncAGIEnd"), 40))
        except TimeoutError as e:
            print("timeout", e)
            break
    if a.redirect:
        context, exten = a.redirect.split(",")
        ami.send(Action="Redirect", Channel=chan_id, Context=context, Exten=exten, Priority="1", ActionID="amd-r")
        print(ami.until(lambda m: m.get("actionid") == "amd-r", 5))
    try:
        print(ami.until(lambda m: m.get("event") == "Hangup" and m.get("uniqueid") == chan_id, 40))
    except TimeoutError:
        print("no hangup: AMI Hangup")
        ami.send(Action="Hangup", Channel=chan_id, ActionID="amd-h2")
        ami.until(lambda m: m.get("event") == "Hangup" and m.get("uniqueid") == chan_id, 10)
    ami.send(Action="Logoff", ActionID="amd-9")
    ami.until(lambda m: m.get("actionid") == "amd-9", 5)


if __name__ == "__main__":
    sys.exit(main())
