"""A raw-socket HTTP server on loopback that answers like FakeWeb, or breaks the way servers break.

pytest-httpserver (werkzeug) always answers with a well-formed response, so it cannot reset a
connection, drip a body, cut a body short or lie about its length. This server reads the request
itself, asks a FakeWeb for the genuine answer, and then either sends it or applies a fault.
Every fault is bounded on the server side too (a drip stops after a few seconds, a flood after a
few megabytes), so a client that misbehaves cannot hang the test run.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fakeweb import FakeWeb
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

#: Every fault the server can apply, with what the client must make of it.
FAULTS = (
    "refused",  # nothing listens on the service's port
    "reset",  # the connection is reset (RST) after the request was read
    "timeout",  # the request is read and never answered
    "slow-drip",  # headers at once, then one byte of body every 50 ms
    "429",  # Too Many Requests without Retry-After
    "429-retry-after",  # Too Many Requests, Retry-After: 0
    "429-absurd-retry-after",  # Retry-After of about 30 years
    "500",
    "502",
    "503",
    "html-error-page",  # 200, an HTML maintenance page where JSON or XML is expected
    "truncated",  # the genuine body cut in half, Content-Length matching the cut
    "cut-connection",  # the full Content-Length announced, half sent, then the connection closed
    "malformed",  # a syntax error in the JSON or XML
    "wrong-shape",  # well-formed JSON or XML that is not what the API sends
    "wrong-content-type",  # the genuine body labelled text/html
    "oversized",  # an endless body with no Content-Length
    "redirect-loop",  # 302 to itself, forever
)
#: Not a fault of the matrix: a 400 whose body echoes the request line and headers, as many
#: APIs do in error messages (identification must not leak through it).
ECHO = "echo-400"
#: Faults a random-fault run draws from: the quick ones (no waiting on timeouts).
QUICK_FAULTS = tuple(f for f in FAULTS if f not in {"refused", "timeout", "slow-drip", "oversized"})
#: Faults a retry can get past (a real server's hiccups).
TRANSIENT_FAULTS = ("reset", "429", "429-retry-after", "500", "502", "503")
#: What real services and proxies do at random (issue 14), drawn by fault-rate runs: errors,
#: rate limits, resets, stalls longer than the client's timeout, bodies truncated or cut
#: mid-stream, HTML maintenance pages and empty bodies with status 200.
RANDOM_FAULTS = (
    "500",
    "502",
    "503",
    "429",
    "429-retry-after",
    "reset",
    "stall",
    "truncated",
    "cut-connection",
    "html-error-page",
    "empty-200",
)

REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Unavailable"}


@dataclass
class FaultServer:
    """Serve `fake` on 127.0.0.1; `faults[service]` names the fault for every request to it."""

    fake: FakeWeb
    faults: dict[str, str] = field(default_factory=dict)
    #: With a rate, each request is given a random quick fault with this probability.
    rate: float = 0.0
    #: The faults a random draw picks from.
    choices: tuple[str, ...] = ()
    seed: int = 8
    hang: float = 3.0
    #: Seconds every answer waits before it is sent (a slow but healthy server).
    delay: float = 0.0
    #: How long a slow drip lasts if the client keeps listening.
    drip: float = 20.0
    #: How long a "stall" holds an answer back before sending it (longer than the client waits).
    stall: float = 1.0
    #: (service, fault or "") of every request served
    served: list[tuple[str, str]] = field(default_factory=list)
    #: The head (request line and headers) of every request, as received.
    heads: list[bytes] = field(default_factory=list)
    #: Drips and floods the client let run to their end (a bounded client hangs up first).
    endured: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def stop(self) -> None:
        self._stopped.set()
        # close() alone does not wake a thread blocked in accept() on Linux: the socket would go
        # on listening, and a later server given the same port would have its requests answered
        # by this one (with this one's faults). shutdown() wakes it.
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._socket.close()
        self._thread.join(timeout=5)

    # -- serving ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return
            if self._stopped.is_set():
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn:
            try:
                while self._one(conn):
                    pass
            except OSError:
                pass

    def _one(self, conn: socket.socket) -> bool:
        """Serve one request; False when the connection is done."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        self.heads.append(head)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
        while len(body) < length:
            body += conn.recv(65536)
        parts = urlsplit(target)
        service = parts.path.lstrip("/").partition("/")[0]
        with self._lock:
            fault = self.faults.get(service, "")
            if not fault and self.rate and self._random.random() < self.rate:
                fault = self._random.choice(self.choices or QUICK_FAULTS)
            self.served.append((service, fault))
        if self.delay:
            self._stopped.wait(self.delay)
        if fault == "stall":
            self._stopped.wait(self.stall)
        if fault in {"reset", "timeout", "slow-drip", "cut-connection", "oversized"}:
            self._misbehave(conn, fault)
            return False
        status, content_type, payload, extra = self._answer(method, parts, headers, body, fault)
        reason = REASONS.get(status, "OK" if status == 200 else "Status")
        response = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
        response += [f"Content-Length: {len(payload)}", *extra]
        conn.sendall(("\r\n".join(response) + "\r\n\r\n").encode("latin-1") + payload)
        return True

    def _genuine(self, method: str, parts, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        builder = EnvironBuilder(
            path=parts.path,
            query_string=parts.query,
            method=method,
            headers={k: v for k, v in headers.items() if k.lower() not in {"content-length", "host"}},
            data=body,
        )
        response = self.fake(Request(builder.get_environ()))
        return response.status_code, response.headers.get("Content-Type", "text/plain"), response.get_data()

    def _answer(
        self, method: str, parts, headers: dict[str, str], body: bytes, fault: str
    ) -> tuple[int, str, bytes, list[str]]:
        if fault.startswith("429"):
            extra = {
                "429": [],
                "429-retry-after": ["Retry-After: 0"],
                "429-absurd-retry-after": ["Retry-After: 999999999"],
            }[fault]
            return 429, "text/plain", b"Too Many Requests", extra
        if fault == ECHO:
            echoed = f"Bad request: {method} {parts.path}?{parts.query} {headers}".encode()
            return 400, "text/plain", echoed, []
        if fault in {"500", "502", "503"}:
            return int(fault), "text/plain", f"HTTP {fault}".encode(), []
        if fault == "empty-200":
            return 200, "application/json", b"", []
        if fault == "html-error-page":
            page = b"<!doctype html><html><body><h1>Down for maintenance</h1></body></html>"
            return 200, "text/html; charset=utf-8", page, []
        if fault.startswith("redirect-to:"):  # elsewhere: another host, same server
            return 302, "text/plain", b"", [f"Location: {fault.removeprefix('redirect-to:')}{parts.path}"]
        if fault == "redirect-loop":
            return 302, "text/plain", b"", [f"Location: {parts.path}?{parts.query}"]
        status, content_type, payload = self._genuine(method, parts, headers, body)
        xml = payload.lstrip().startswith(b"<")
        if fault == "truncated":
            payload = payload[: len(payload) // 2]
        elif fault == "malformed":
            payload = b"<PubmedArticleSet><PubmedArticle></PubmedArticleSet" if xml else b'{"status": ok,'
        elif fault == "wrong-shape":
            payload = (
                b"<Unexpected><Id>1</Id></Unexpected>" if xml else b'{"message": 7, "data": [1], "0": null}'
            )
            status = 200
        elif fault == "wrong-content-type":
            content_type = "text/html"
        return status, content_type, payload, []

    def _misbehave(self, conn: socket.socket, fault: str) -> None:
        if fault == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault == "timeout":
            self._stopped.wait(self.hang)
        elif fault == "slow-drip":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            )
            until = time.monotonic() + self.drip
            while time.monotonic() < until and not self._stopped.is_set():
                conn.sendall(b" ")
                time.sleep(0.05)
            self.endured.append(fault)
        elif fault == "cut-connection":
            conn.sendall(
                b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":'
            )
        elif fault == "oversized":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[")
            block = b"0," * 32768
            for _ in range(256):  # at most 16 MB, far beyond the cap the tests set
                conn.sendall(block)
            self.endured.append(fault)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
