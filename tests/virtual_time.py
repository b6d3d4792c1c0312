"""Virtual time for tests: the wizard's clock (wizard/core/clock.py) and the sandbox's runs read one time that
moves with the wall clock and jumps ahead whenever the wizard waits, instead of waiting.

A build the sandbox simulates then completes after the polls that would have waited for it, at once: a test that
runs a whole onboarding costs its requests, not the build's duration. Every wait is recorded (`waits`), so a test
can still see that a Retry-After was honoured.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from wizard.core.clock import CLOCK


class VirtualTime:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.offset = 0.0  # seconds of waits skipped so far
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.offset += max(seconds, 0.0)
        time.sleep(0)  # still a point where other threads (the TUI, the sandbox's server) may run

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


def install(monkeypatch: Any) -> VirtualTime:
    """The wizard's clock on a new virtual time until the test ends (the sandbox fixture points its runs at it)."""
    virtual = VirtualTime()
    for name in ("sleep", "monotonic", "now"):
        monkeypatch.setattr(CLOCK, name, getattr(virtual, name))
    return virtual
