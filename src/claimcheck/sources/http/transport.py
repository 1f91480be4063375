"""One attempt on the wire, bounded: a deadline that includes the body, a size cap, few redirects.

requests' timeout bounds each socket read, so a server dripping a byte a second never times
out; `BodyReader` reads the body itself (a response hook, before requests-cache stores it) and
checks the clock in between. Every way an attempt can fail becomes a `Fault` with a kind, so the
retry logic decides on kinds, never on message text.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import requests

from claimcheck import __version__
from claimcheck.sources.http.policy import Policy
from claimcheck.sources.http.retry import Fault

USER_AGENT = f"claimcheck/{__version__} (reference auditing; python-requests)"
#: Redirects followed per request (requests' default of 30 lets a loop run long).
MAX_REDIRECTS = 5


class BodyRefused(requests.RequestException):
    """A body that was too large, too slow, or cut off: never cached."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class BodyReader:
    """A response hook that reads the body within the attempt's deadline and size cap."""

    def __init__(self, policy: Policy, where: str) -> None:
        self.policy = policy
        self.where = where
        self.until = time.monotonic() + policy.deadline

    def __call__(self, response: requests.Response, **_: Any) -> requests.Response:
        if getattr(response, "_content_consumed", False):
            return response  # requests-cache dispatches the hooks a second time
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            response.close()
            raise BodyRefused(self._too_large(), "too-large")
        chunks: list[bytes] = []
        size = 0
        raw = response.raw
        try:
            while True:
                if time.monotonic() > self.until:
                    raise BodyRefused(
                        f"no complete answer within {self.policy.deadline:g}s ({self.where})", "slow-body"
                    )
                chunk = raw.read1(65536, decode_content=True) if hasattr(raw, "read1") else raw.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.policy.max_bytes:
                    raise BodyRefused(self._too_large(), "too-large")
                chunks.append(chunk)
        except BodyRefused:
            response.close()
            raise
        except Exception as exc:  # urllib3 protocol errors: a body cut mid-stream or malformed
            response.close()
            raise BodyRefused(f"body cut off ({self.where}): {type(exc).__name__}", "cut-body") from None
        if declared.isdigit() and size < int(declared):
            # The connection closed before the announced length arrived (read1 may not raise).
            response.close()
            raise BodyRefused(f"body cut off at {size} of {declared} bytes ({self.where})", "cut-body")
        response._content = b"".join(chunks)
        response._content_consumed = True
        # Tell requests-cache the body was read and decoded (it would otherwise read it again).
        raw._has_decoded_content = True
        return response

    def _too_large(self) -> str:
        return f"answer larger than {self.policy.max_bytes} bytes ({self.where})"


def send(
    session: requests.Session, method: str, url: str, policy: Policy, where: str, **kwargs: Any
) -> requests.Response | Fault:
    """One attempt: the response (any status), or the fault that prevented one."""
    try:
        return session.request(
            method,
            url,
            timeout=policy.timeout,
            stream=True,
            hooks={"response": BodyReader(policy, where)},
            **kwargs,
        )
    except BodyRefused as exc:
        return Fault(exc.kind, str(exc))
    except requests.Timeout:
        return Fault("timeout", f"timed out after {policy.timeout:g}s ({where})")
    except requests.TooManyRedirects:
        return Fault("redirect-loop", f"more than {MAX_REDIRECTS} redirects ({where})")
    except requests.ConnectionError as exc:
        if _never_connected(exc):
            # No network or no such host rarely heals within seconds.
            return Fault("unreachable", f"connection failed ({where}): {type(exc).__name__}")
        return Fault("reset", f"connection failed ({where}): connection dropped")
    except requests.RequestException as exc:
        return Fault("error", f"request failed ({where}): {type(exc).__name__}")


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Refused, unresolvable or unroutable, as opposed to dropped after connecting.

    Told by urllib3's exception class names (NewConnectionError and its NameResolutionError),
    which requests wraps; urllib3 itself is requests' business, not a dependency of ours.
    """
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", inner)
    names = {cls.__name__ for cls in type(reason).__mro__}
    return bool(names & {"NewConnectionError", "ConnectionRefusedError"})


def without_identity_elsewhere(rebuild_auth: Any, names: set[str]) -> Any:
    """requests drops only Authorization when a redirect leaves the host; drop our keys too."""

    def rebuild(prepared: requests.PreparedRequest, response: requests.Response) -> None:
        rebuild_auth(prepared, response)
        if urlsplit(prepared.url or "").netloc != urlsplit(response.request.url or "").netloc:
            for name in names:
                prepared.headers.pop(name, None)

    return rebuild
