"""A fleet run's tally: each repository's live state, and from it and the pace the run's FleetProgress.

The writes a run still needs are not known before each repository is checked, so they are estimated: the mean
writes of the repositories that went through so far, times those still to go, less the writes already sent. The
time they take is the pacer's (the budget's room this minute, then the budget; a pause first). A repository done
in an earlier run is skipped and needs none.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from wizard.core.pacing import Pacer
from wizard.engine.fleet_events import QUEUED, RUNNING, SKIPPED, FleetProgress
from wizard.engine.fleet_state import DONE, PAUSED, VALIDATION_FAILED

# Outcomes of a repository that went through every step: their writes are what a repository needs.
_THROUGH = (DONE, VALIDATION_FAILED, PAUSED)


class FleetTally:
    def __init__(self, repos: Iterable[str], pacer: Pacer | None, *, to_go: int, estimate: bool = True) -> None:
        """`to_go`: how many repositories this run will take through the engine (not done in an earlier run);
        `estimate`: False for a plan, which sends no writes."""
        self._lock = threading.Lock()
        self._state = dict.fromkeys(repos, QUEUED)
        self._pacer, self._to_go, self._estimate = pacer, to_go, estimate
        self._start_writes = pacer.now().writes if pacer is not None else 0
        self._through: list[int] = []  # writes of each repository that went through
        self._gone = 0  # repositories of this run finished, whatever their outcome
        self._finished_writes = 0

    def started(self, repo: str) -> None:
        with self._lock:
            self._state[repo] = RUNNING

    def finished(self, repo: str, outcome: str, writes: int) -> None:
        with self._lock:
            self._state[repo] = outcome
            self._finished_writes += writes
            self._gone += outcome != SKIPPED
            if outcome in _THROUGH:
                self._through.append(writes)

    def progress(self) -> FleetProgress:
        pace = self._pacer.now() if self._pacer is not None else None
        with self._lock:
            counts = Counter(self._state.values())
            queued, running = counts.pop(QUEUED, 0), counts.pop(RUNNING, 0)
            sent = pace.writes - self._start_writes if pace is not None else self._finished_writes
            remaining = self._remaining(sent) if self._estimate else None
        eta = self._pacer.eta_seconds(remaining) if self._pacer is not None and remaining is not None else None
        return FleetProgress(
            total=len(self._state),
            queued=queued,
            running=running,
            outcomes=dict(counts),
            writes=sent if self._estimate else 0,
            writes_last_minute=pace.writes_last_minute if pace is not None else 0,
            writes_per_minute=pace.writes_per_minute if pace is not None else 0,
            paused_for_s=pace.paused_for_s if pace is not None else 0.0,
            waiting=pace.waiting if pace is not None else 0,
            remaining_writes=remaining,
            eta_s=eta,
        )

    def _remaining(self, sent: int) -> int | None:
        if self._gone >= self._to_go:
            return 0
        if not self._through:
            return None  # nothing to estimate from yet
        mean = sum(self._through) / len(self._through)
        return max(round(mean * self._to_go) - sent, 0)
