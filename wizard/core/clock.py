"""The clock the wizard reads and waits on: build polls, retry waits, a dispatch settling, a build's elapsed time.

One object, so a test can swap its methods for a virtual time in which a wait jumps ahead instead of passing
(tests/virtual_time.py); the sandbox's runs then read the same time and a build completes without being waited out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self) -> None:
        self.sleep: Callable[[float], None] = time.sleep
        self.monotonic: Callable[[], float] = time.monotonic
        self.now: Callable[[], datetime] = _utcnow  # aware, UTC


CLOCK = Clock()
