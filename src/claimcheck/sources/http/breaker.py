"""A circuit breaker per service: declared down only after sustained failure, probed again later.

One request that exhausts its retries is bad luck, not an outage: the breaker opens only after
`breaker_after` consecutive failed requests (each having spent its own retries), or after
`cooldown_after` consecutive 429s. While open, requests fail at once (the run does not wait on a
dead service); after the cool-down one probe request is let through (half-open): its success
closes the circuit, its failure opens it for another cool-down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitOpen(Exception):
    """The service is considered down right now; the message says why and since when."""


class Breaker:
    def __init__(
        self, failures_to_open: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures_to_open = max(1, failures_to_open)
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self.consecutive_429 = 0
        self.open_until = 0.0
        self.reason = ""
        self._probing = False

    @property
    def is_open(self) -> bool:
        return bool(self.reason)

    def allow(self) -> bool:
        """Raise CircuitOpen when the service is down; True when this request is the probe."""
        with self._lock:
            if not self.reason:
                return False
            now = self.clock()
            if now < self.open_until or self._probing:
                wait = max(0.0, self.open_until - now)
                raise CircuitOpen(f"{self.reason}; not asked again for {wait:.0f}s")
            self._probing = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            self.failures = 0
            self.consecutive_429 = 0
            self.reason = ""
            self._probing = False

    def failed(self, reason: str, probe: bool) -> None:
        """A request failed after its retries: open after enough of them (or a failed probe)."""
        with self._lock:
            self.failures += 1
            if probe or self.failures >= self.failures_to_open:
                self._open(f"down after {self.failures} failed request(s), last: {reason}")
            if probe:
                self._probing = False

    def rate_limited(self, threshold: int) -> bool:
        """Count a 429; True (and open) when `threshold` came in a row."""
        with self._lock:
            self.consecutive_429 += 1
            if self.consecutive_429 >= max(1, threshold):
                self._open(f"rate-limited (HTTP 429 {self.consecutive_429} times in a row); cooling down")
                return True
            return False

    def answered(self) -> None:
        """Any non-429 answer breaks a run of 429s."""
        with self._lock:
            self.consecutive_429 = 0

    def end_probe(self) -> None:
        """The probe ended some other way (an error of ours, not the service's): allow the next."""
        with self._lock:
            self._probing = False

    def _open(self, reason: str) -> None:
        self.reason = reason
        self.open_until = self.clock() + self.cooldown
        self._probing = False  # a new cool-down: its end lets the next probe through
