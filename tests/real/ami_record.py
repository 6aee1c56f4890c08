#!/usr/bin/env python3
"""ami_record.py - record AMI sessions through a proxy, in the transcript format of tests/data/.

Listens on 127.0.0.1, forwards each accepted connection to a real Asterisk's AMI, and writes
every byte of both directions to a transcript exactly like the recordings in tests/data/
(format: tests/data/README.md): header comment lines, `# S +0.006s 495 bytes` before each
recv() chunk (time since the first connection was accepted), `C: ` / `S: ` lines with `\\r`,
`\\n`, `\\\\` and `\\xNN` escaped and `   # (no line end: chunk ends here)` where a chunk ends
mid-line, `# --- new TCP connection: N ---` between connections, and summary `#` lines at the
end. The proxy changes nothing: what the client sends is what Asterisk gets.

Usage (the lab of tests/real, or any Asterisk on loopback):

  python3 tests/real/ami_record.py --target 127.0.0.1:15038 --out tests/data/i1_example.txt \\
      --scenario i1_example --comment "eecall call with wait=15 to phone 100" &
  # prints "ami_record listening on 127.0.0.1:PORT" once ready, then records
  build/eecall --ip 127.0.0.1 --port PORT --user eedomus --secret s3cret --from 100 --to 291 --wait 15

It exits after --connections connections (default 1) are over, or after --max-seconds
(default 600). `shared/ami-transcripts/unescape.py FILE C|S` gives back the raw bytes of
one direction; tests/real/test_record.py checks that round trip. Python 3 standard library only.
"""

import argparse
import re
import selectors
import socket
import sys
import time

NO_LINE_END = "   # (no line end: chunk ends here)"
FORMAT_LINE = (r"# format: C: = client->server, S: = server->client, bytes escaped "
               r"(\r \n \xNN \\), see README.md")
_PRINTABLE = {b: chr(b) for b in range(0x20, 0x7F)}
_PRINTABLE.update({0x0D: r"\r", 0x0A: r"\n", 0x5C: "\\\\"})


def escape(data):
    """Bytes to the transcript's escaped text: printable ASCII as is, \\r \\n \\\\, else \\xNN."""
    return "".join(_PRINTABLE.get(b) or f"\\x{b:02x}" for b in data)


def render_chunk(direction, seconds, data):
    """The lines of one recv() chunk: its marker, then one line per line of the data."""
    lines = [f"# {direction} +{seconds:.3f}s {len(data)} bytes"]
    for part in _split_lf(data):
        text = f"{direction}: {escape(part)}"
        lines.append(text if part.endswith(b"\n") else text + NO_LINE_END)
    return lines


def _split_lf(data):
    """Lines end at LF only (a lone CR stays inside its line, as in the recordings)."""
    parts = data.split(b"\n")
    out = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def ami_messages(stream):
    """The AMI messages of one direction's bytes (after the banner line), as header dicts."""
    _, _, rest = stream.partition(b"\r\n")
    out = []
    for block in rest.split(b"\r\n\r\n"):
        headers = {}
        for line in block.decode("utf-8", "replace").split("\r\n"):
            name, sep, value = line.partition(": ")
            if sep:
                headers.setdefault(name, value)
        if headers:
            out.append(headers)
    return out


def summarise(number, client, server, closed_by):
    """`#` lines at the end: what each connection carried and what Asterisk answered (values
    escaped like the C:/S: lines, so the file stays ASCII)."""
    lines = [f"# connection {number}: client {len(client)} chunks {sum(map(len, client))} bytes, "
             f"server {len(server)} chunks {sum(map(len, server))} bytes; closed by {closed_by}"]
    events = {}
    for m in ami_messages(b"".join(server)):
        if "Response" in m:
            lines.append(f"#   Response {m['Response']} ActionID {m.get('ActionID', '-')}"
                         f" Message '{m.get('Message', '-')}'")
        elif m.get("Event") == "OriginateResponse":
            lines.append(f"#   OriginateResponse {m.get('Response')} Reason {m.get('Reason')} "
                         f"Channel {m.get('Channel')} ActionID {m.get('ActionID', '-')}")
        elif "Event" in m:
            events[m["Event"]] = events.get(m["Event"], 0) + 1
    if events:
        lines.append("#   events: " + ", ".join(f"{k} x{v}" for k, v in events.items()))
    return [escape(line.encode("utf-8")) for line in lines]


class Transcript:
    """The transcript file, written line by line as the session goes."""

    def __init__(self, path, scenario, comments, target):
        self.file = open(path, "w", encoding="ascii", newline="\n")
        self.origin = None
        self.write(f"# scenario: {scenario}")
        for c in comments:
            self.write(f"# {c}")
        self.write(f"# recorded {time.strftime('%Y-%m-%d %H:%M:%S')} against Asterisk on {target}")
        self.write(FORMAT_LINE)
        self.write("")

    def elapsed(self):
        return time.monotonic() - self.origin

    def write(self, line):
        self.file.write(line + "\n")
        self.file.flush()

    def chunk(self, direction, data):
        for line in render_chunk(direction, self.elapsed(), data):
            self.write(line)

    def close(self):
        self.file.close()


def record_connection(client, target, transcript, number, idle_seconds):
    """Forwards one connection both ways until both sides are closed; returns summary lines."""
    server = socket.create_connection(target, timeout=10)
    server.settimeout(None)
    chunks = {"C": [], "S": []}
    closed_by = None
    with selectors.DefaultSelector() as sel:
        sel.register(client, selectors.EVENT_READ, ("C", server))
        sel.register(server, selectors.EVENT_READ, ("S", client))
        open_sides = 2
        while open_sides:
            ready = sel.select(timeout=idle_seconds)
            if not ready:
                transcript.write(f"# +{transcript.elapsed():.3f}s: nothing for {idle_seconds} s, "
                                 "recording stopped")
                closed_by = closed_by or "the recorder (idle)"
                break
            for key, _ in ready:
                direction, peer = key.data
                try:
                    data = key.fileobj.recv(65536)
                except ConnectionResetError:
                    data = b""
                if data:
                    transcript.chunk(direction, data)
                    chunks[direction].append(data)
                    try:
                        peer.sendall(data)
                    except OSError:
                        pass  # the other side is gone; its EOF is recorded when read
                    continue
                who = "server" if direction == "S" else "client"
                transcript.write(f"# {direction} +{transcript.elapsed():.3f}s: "
                                 f"connection closed by {who} (EOF)")
                closed_by = closed_by or who
                sel.unregister(key.fileobj)
                open_sides -= 1
                try:
                    peer.shutdown(socket.SHUT_WR)  # pass the EOF on
                except OSError:
                    pass
    server.close()
    client.close()
    return summarise(number, chunks["C"], chunks["S"], closed_by)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Record AMI sessions through a proxy "
                                                 "(transcript format of tests/data/README.md).")
    parser.add_argument("--target", required=True, help="HOST:PORT of the Asterisk AMI")
    parser.add_argument("--out", required=True, help="transcript file to write")
    parser.add_argument("--listen-port", type=int, default=0, help="127.0.0.1 port (0: any free)")
    parser.add_argument("--scenario", default="recording", help="name on the first line")
    parser.add_argument("--comment", action="append", default=[], help="header line (repeatable)")
    parser.add_argument("--connections", type=int, default=1, help="connections to record")
    parser.add_argument("--idle-seconds", type=float, default=60, help="stop a silent session")
    parser.add_argument("--max-seconds", type=float, default=600, help="give up waiting")
    args = parser.parse_args(argv)
    m = re.fullmatch(r"\[?([^\]]+)\]?:(\d+)", args.target)
    if not m:
        parser.error("--target must be HOST:PORT")
    target = (m.group(1), int(m.group(2)))

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen_port))
    listener.listen(8)
    transcript = Transcript(args.out, args.scenario, args.comment, f"{target[0]}:{target[1]}")
    print(f"ami_record listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    deadline = time.monotonic() + args.max_seconds
    summary = []
    try:
        for number in range(1, args.connections + 1):
            listener.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                client, _ = listener.accept()
            except socket.timeout:
                transcript.write(f"# no connection {number} within --max-seconds")
                print(f"ami_record: no connection {number} within {args.max_seconds} s",
                      file=sys.stderr)
                return 1
            if transcript.origin is None:
                transcript.origin = time.monotonic()
            if number > 1:
                transcript.write(f"# --- new TCP connection: {number} ---")
            summary += record_connection(client, target, transcript, number, args.idle_seconds)
    finally:
        for line in summary:
            transcript.write(line)
        transcript.close()
        listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
