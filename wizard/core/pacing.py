"""One pace for every request a run sends with one token, however many repositories it works on at once.

GitHub's secondary limits are per token: at most about 80 content-creating requests a minute, and after a 403 or
429 with `Retry-After` (or an exhausted primary limit) nothing should be sent until that time. A fleet run has
several workers; each asks the pacer before a request, so one worker's rate limit pauses them all, and the writes
of all of them together stay within the budget (a sliding minute, with a second's margin for the time a request
takes to arrive).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from wizard.core.clock import CLOCK

WINDOW_S = 60.0
MARGIN_S = 1.0  # GitHub counts a write when it arrives, the pacer when it leaves
DEFAULT_WRITES_PER_MINUTE = 80


@dataclass
class PacerStats:
    writes: int = 0  # content-creating requests let through
    budget_waits: int = 0  # times a write waited for the budget
    pauses: int = 0  # rate limits that paused every worker
    waited_s: float = 0.0  # time spent waiting, on the run's clock


@dataclass(frozen=True)
class PaceNow:
    """The budget as it stands: what a progress display shows."""

    writes: int  # content-creating requests let through so far
    writes_last_minute: int  # in the budget's window (a minute and the margin): never over the budget
    writes_per_minute: int  # the budget
    paused_for_s: float  # a rate limit holds every request this much longer (0: none)
    waiting: int  # requests waiting right now, for the budget or a pause


class Pacer:
    def __init__(self, writes_per_minute: int = DEFAULT_WRITES_PER_MINUTE) -> None:
        if writes_per_minute < 1:
            raise ValueError("writes_per_minute must be at least 1")
        self.writes_per_minute = writes_per_minute
        self.stats = PacerStats()
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()  # when each write of the last minute left
        self._paused_until = 0.0
        self._waiting = 0
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        """`listener()` is called (on the requesting thread, outside the pacer's lock) after a write is let through,
        when a request starts waiting and when a rate limit pauses every worker: a progress display's cue."""
        self._listeners.append(listener)

    def now(self) -> PaceNow:
        with self._lock:
            now = CLOCK.monotonic()
            recent = sum(1 for at in self._sent if now - at < WINDOW_S + MARGIN_S)  # the window the budget holds in
            return PaceNow(self.stats.writes, recent, self.writes_per_minute, max(self._paused_until - now, 0.0), self._waiting)

    def eta_seconds(self, writes: int) -> float:
        """How long `writes` more content-creating requests take from now: those the current minute still has room
        for go at once, the rest at the budget; a pause comes first."""
        pace = self.now()
        room = max(self.writes_per_minute - pace.writes_last_minute, 0)
        beyond = max(writes - room, 0)
        return pace.paused_for_s + beyond / self.writes_per_minute * (WINDOW_S + MARGIN_S)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def expected_seconds(self, writes: int) -> float:
        """How long `writes` content-creating requests take at this budget (the first minute's are free)."""
        if writes <= self.writes_per_minute:
            return 0.0
        return (writes - self.writes_per_minute) / self.writes_per_minute * (WINDOW_S + MARGIN_S)

    def pause(self, seconds: float) -> None:
        """GitHub asked to wait: no worker sends anything before then."""
        with self._lock:
            until = CLOCK.monotonic() + max(0.0, seconds)
            paused = until > self._paused_until
            if paused:
                self._paused_until = until
                self.stats.pauses += 1
        if paused:
            self._notify()

    def before_read(self) -> None:
        while (wait := self._paused_for()) > 0:
            self._wait(wait)

    def before_write(self) -> None:
        """Wait until this write fits the budget and no pause holds, then count it as sent."""
        while True:
            with self._lock:
                now = CLOCK.monotonic()
                while self._sent and now - self._sent[0] >= WINDOW_S + MARGIN_S:
                    self._sent.popleft()
                wait = max(self._paused_until - now, 0.0)
                if wait <= 0 and len(self._sent) >= self.writes_per_minute:
                    wait = WINDOW_S + MARGIN_S - (now - self._sent[0])
                    self.stats.budget_waits += 1
                if wait <= 0:
                    self._sent.append(now)
                    self.stats.writes += 1
                    break
            self._wait(wait)
        self._notify()

    def _paused_for(self) -> float:
        with self._lock:
            return self._paused_until - CLOCK.monotonic()

    def _wait(self, seconds: float) -> None:
        with self._lock:
            self.stats.waited_s += seconds
            self._waiting += 1
        self._notify()
        try:
            CLOCK.sleep(seconds)
        finally:
            with self._lock:
                self._waiting -= 1
