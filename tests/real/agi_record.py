#!/usr/bin/env python3
"""Records one AGI session: the agi_* block Asterisk sends, then a fixed script of commands and
every reply, byte for byte, with the time since start. Usage (dialplan):
AGI(/abs/agi_record.py,OUTFILE,SCRIPT) where SCRIPT is a name below."""
import os, signal, sys, time
out = open(sys.argv[1], "ab", buffering=0)
t0 = time.monotonic()
def log(direction, data):
    out.write(b"%s %.3f %s\n" % (direction.encode(), time.monotonic() - t0, repr(data).encode()))
def on_hup(*_):
    log("!", b"SIGHUP")
signal.signal(signal.SIGHUP, on_hup)
log("#", ("argv " + " ".join(sys.argv[1:]) + " env AGISIGHUP=" + os.environ.get("AGISIGHUP", "")).encode())
for k in sorted(os.environ):
    if k.startswith("AST_"): log("#", f"env {k}={os.environ[k]}".encode())
stdin = sys.stdin.buffer
while True:
    line = stdin.readline()
    log("<", line)
    if line in (b"\n", b""):
        break
def cmd(text):
    data = text.encode() + b"\n"
    sys.stdout.buffer.write(data); sys.stdout.buffer.flush()
    log(">", data)
    while True:
        reply = stdin.readline()
        log("<", reply)
        if reply.startswith(b"520-"):
            while reply and not reply.startswith(b"520 "):
                reply = stdin.readline()
                log("<", reply)
            return reply
        if reply.startswith(b"HANGUP"):
            continue
        return reply

# The 3 s, 440 Hz, 8 kHz mono WAV played in the recordings (made with Python's wave module).
WAV = "/tmp/callin/agirec/tone"
scripts = {
  "pin": ["ANSWER", 'STREAM FILE hello-world ""', "GET DATA beep 4000 8", "WAIT FOR DIGIT 3000",
          'STREAM FILE /nonexistent/file ""', f'STREAM FILE {WAV} "#"', "GET DATA beep 1500 4",
          "FOO BAR", "GET DATA", "WAIT FOR DIGIT 20000", "NOOP", 'STREAM FILE hello-world ""'],
  "interrupt": ["ANSWER", f'STREAM FILE {WAV} "0123456789*#"', "WAIT FOR DIGIT 20000",
                "WAIT FOR DIGIT 20000", "NOOP"],
}
for c in scripts[sys.argv[2]]:
    r = cmd(c)
    if not r:
        log("#", b"EOF"); break
log("#", b"exit")
