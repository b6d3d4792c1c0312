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
    def __init__(self, *, frozen: bool = False) -> None:
        """`frozen`: only the waits move the time (a test that counts what falls in a window of the pacer's must not
        see the milliseconds a loaded machine takes between two of its calls)."""
        self._lock = threading.Lock()
        self.offset = 0.0  # seconds of waits skipped so far
        self.waits: list[float] = []
        self._frozen_at = (time.monotonic(), datetime.now(UTC)) if frozen else None

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.offset += max(seconds, 0.0)
        time.sleep(0)  # still a point where other threads (the TUI, the sandbox's server) may run

    def monotonic(self) -> float:
        return (self._frozen_at[0] if self._frozen_at else time.monotonic()) + self.offset

    def now(self) -> datetime:
        return (self._frozen_at[1] if self._frozen_at else datetime.now(UTC)) + timedelta(seconds=self.offset)


def install(monkeypatch: Any, *, frozen: bool = False) -> VirtualTime:
    """The wizard's clock on a new virtual time until the test ends (the sandbox fixture points its runs at it)."""
    virtual = VirtualTime(frozen=frozen)
    for name in ("sleep", "monotonic", "now"):
        monkeypatch.setattr(CLOCK, name, getattr(virtual, name))
    return virtual
