"""The recording proxy (ami_record.py) writes the transcript format of tests/data/ exactly:
it re-renders every chunk of the recorded transcripts line for line, and a session through it
with the real Asterisk unescapes (shared/ami-transcripts/unescape.py) to the very bytes each
side sent."""

import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ami_record
import reallab

TEST_DATA = Path(__file__).resolve().parent.parent / "data"
MARKER = re.compile(r"# ([CS]) \+([0-9.]+)s (\d+) bytes")


def unescape_py(lab):
    return lab.script.parent.parent / "ami-transcripts" / "unescape.py"


class Format(reallab.LabTest):
    def test_every_recorded_chunk_renders_line_for_line(self):
        files = sorted(p for p in TEST_DATA.glob("*.txt") if not p.name.endswith(".sip.txt"))
        self.assertGreater(len(files), 5)
        chunks = 0
        for path in files:
            lines = path.read_text(encoding="utf-8").split("\n")
            i = 0
            while i < len(lines):
                m = MARKER.fullmatch(lines[i])
                if not m:
                    i += 1
                    continue
                j = i + 1
                while j < len(lines) and lines[j].startswith(m.group(1) + ": "):
                    j += 1
                raw = reallab.transcript_bytes("\n".join(lines[i + 1:j]), m.group(1))
                self.assertEqual(len(raw), int(m.group(3)), f"{path.name}:{i + 1}")
                self.assertEqual(ami_record.render_chunk(m.group(1), float(m.group(2)), raw),
                                 lines[i:j], f"{path.name}:{i + 1}")
                chunks += 1
                i = j
        self.assertGreater(chunks, 100)

    def test_every_byte_value_survives_unescape_py(self):
        script = unescape_py(self.lab)
        if not script.is_file():
            self.skipTest(f"{script} not found")
        data = bytes(range(256)) + b"\\x41 \\\\ end\r\nlast line without end"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.txt"
            lines = ["# scenario: bytes", ""] + ami_record.render_chunk("S", 0.0, data)
            path.write_text("\n".join(lines) + "\n", encoding="ascii")
            raw = subprocess.run([sys.executable, str(script), str(path), "S"], check=True,
                                 capture_output=True).stdout
        self.assertEqual(raw, data)
        self.assertTrue(lines[-1].endswith(ami_record.NO_LINE_END), lines[-1])


class ThroughTheLab(reallab.LabTest):
    def test_a_session_unescapes_to_the_bytes_each_side_sent(self):
        script = unescape_py(self.lab)
        if not script.is_file():
            self.skipTest(f"{script} not found")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "session.txt"
            with reallab.AmiRecording(self.lab, out) as recording:
                sent, received = self.converse(recording.port)
                text = recording.finish()
            raw = {d: subprocess.run([sys.executable, str(script), str(out), d], check=True,
                                     capture_output=True).stdout for d in "CS"}
        self.assertEqual(raw["C"], sent)
        self.assertEqual(raw["S"], received)
        self.assertTrue(received.startswith(b"Asterisk Call Manager/"), received[:40])
        lines = text.split("\n")
        self.assertEqual(lines[0], "# scenario: real_test")
        self.assertIn(ami_record.FORMAT_LINE, lines)
        self.assertIn(ami_record.NO_LINE_END, text, "the request was sent in two pieces")
        self.assertRegex(text, r"\n# S \+[0-9.]+s: connection closed by server \(EOF\)\n")
        self.assertRegex(text, r"\n#   Response Goodbye ActionID r3 Message 'Thanks for all the fish.'\n")

    @staticmethod
    def converse(port):
        """Login, a Ping whose ActionID holds a backslash, UTF-8 and a tab, sent in two pieces
        (split mid-line), then Logoff; Asterisk closes. Returns (bytes sent, bytes received)."""
        sent, received = bytearray(), bytearray()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            def send(data):
                s.sendall(data)
                sent.extend(data)
                time.sleep(0.1)  # one recv() chunk each at the proxy

            def read_until(needle):
                while needle not in received:
                    data = s.recv(65536)
                    if not data:
                        raise AssertionError(f"closed before {needle!r}: {bytes(received)!r}")
                    received.extend(data)

            read_until(b"\r\n")
            send(f"Action: Login\r\nUsername: {reallab.USER}\r\nSecret: {reallab.SECRET}\r\n"
                 "Events: off\r\nActionID: r1\r\n\r\n".encode())
            read_until(b"ActionID: r1\r\n")
            read_until(b"\r\n\r\n")
            send(b"Action: Ping\r\nActionID: p\\1 \xc3\xa9\tx")
            send(b"yz\r\n\r\n")
            read_until(b"Ping: Pong")
            send(b"Action: Logoff\r\nActionID: r3\r\n\r\n")
            while data := s.recv(65536):
                received.extend(data)
        return bytes(sent), bytes(received)


if __name__ == "__main__":
    reallab.main()
