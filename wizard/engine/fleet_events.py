"""What a fleet run tells its face: each repository's state changes, and the run's progress (counts, the write
budget, the time the writes still need). Plain frozen data, as wizard/engine/events.py: no secret values, no
terminal; the faces (wizard/commands/fleet_progress.py, wizard/tui/fleet_app.py) render them.

A repository goes queued -> started -> (its steps started and done) -> finished with an outcome: done, failed,
refused, validation-failed, paused (waits for a pull request's merge), skipped (done in an earlier run), planned
(`fleet plan`) or stopped (the run was stopped first; a re-run picks it up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wizard.engine.events import Event

QUEUED, RUNNING = "queued", "running"  # live states before an outcome
SKIPPED, PLANNED, STOPPED = "skipped", "planned", "stopped"
FAILED_OUTCOMES = ("failed", "refused", "validation-failed")


@dataclass(frozen=True)
class RepoQueued:
    repo: str
    validate: bool  # its build will be validated (the sample)


@dataclass(frozen=True)
class RepoStarted:
    repo: str
    validate: bool


@dataclass(frozen=True)
class RepoStepStarted:
    repo: str
    step: str
    title: str


@dataclass(frozen=True)
class RepoStepDone:
    repo: str
    step: str
    outcome: str  # the engine's: changed, unchanged, skipped, paused
    message: str


@dataclass(frozen=True)
class RepoFinished:
    repo: str
    outcome: str  # fleet_state: done, failed, refused, validation-failed, paused; or skipped, planned, stopped
    message: str | None = None
    writes: int = 0  # changes applied (or, in a plan, that would be)
    verdict: bool | None = None


@dataclass(frozen=True)
class RepoEvent:
    repo: str
    event: Event  # any other event of the engine (a build's status, a warning), for a face that shows them


@dataclass(frozen=True)
class FleetProgress:
    """The whole run at one moment: sent after every repository's state change and every change of the budget."""

    total: int
    queued: int
    running: int
    outcomes: Mapping[str, int] = field(default_factory=dict)  # finished repositories by outcome
    writes: int = 0  # content-creating requests sent by this run so far
    writes_last_minute: int = 0
    writes_per_minute: int = 0  # the budget (0: the run has no pacer)
    paused_for_s: float = 0.0  # GitHub's rate limit holds every worker this much longer
    waiting: int = 0  # workers waiting for the budget or a pause right now
    remaining_writes: int | None = None  # estimated from the repositories finished so far; None: none yet
    eta_s: float | None = None  # the remaining writes at the budget; None while there is no estimate

    @property
    def finished(self) -> int:
        return sum(self.outcomes.values())

    @property
    def failed(self) -> int:
        return sum(self.outcomes.get(o, 0) for o in FAILED_OUTCOMES)

    @property
    def ok(self) -> int:
        """Done now, done earlier, planned, or waiting for a merge (nothing wrong)."""
        return self.finished - self.failed - self.outcomes.get(STOPPED, 0)

    @property
    def remaining(self) -> int:
        return self.queued + self.running


FleetEvent = RepoQueued | RepoStarted | RepoStepStarted | RepoStepDone | RepoFinished | RepoEvent | FleetProgress
