"""What the wizard knows about each step, on the UI thread: status, the last check, warnings, builds, verdict.

Screens render from this model (so a screen created late, or shown again, shows everything so far); the app
updates it from the workers' messages and the engine's events.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.engine.step_info import STEPS

if TYPE_CHECKING:  # the first frame does not import the engine's steps
    from wizard.engine.events import BuildUpdate, Change, StepDone, StepWarning, VerdictReady
    from wizard.engine.results import StepResult

STEP_NAMES = tuple(info.name for info in STEPS)
LABELS = {info.name: info.label for info in STEPS}

PENDING, CHECKING, READY, APPLYING, DONE, FAILED = "pending", "checking", "ready", "applying", "done", "failed"


@dataclass
class StepState:
    name: str
    status: str = PENDING
    check_seq: int = 0  # the newest check asked for; older results are ignored
    apply_when_checked: bool = False  # Next was pressed while a check was running
    changes: list[Change] = field(default_factory=list)
    result: StepResult | None = None  # what the step's last check found
    warnings: list[StepWarning] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    builds: dict[int, BuildUpdate] = field(default_factory=dict)  # attempt -> latest update
    verdict: VerdictReady | None = None
    done: StepDone | None = None
    stale: bool = False  # an answer it depends on changed while it was being applied
    error: str | None = None
    confirming: bool = False  # the engine asked to confirm its writes: nothing is written until the answer

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.is_write]

    def start_check(self) -> None:
        self.changes, self.result, self.warnings, self.progress, self.error = [], None, [], [], None

    def start_apply(self) -> None:
        self.builds, self.verdict, self.done, self.error, self.progress = {}, None, None, None, []


class Move(enum.StrEnum):
    """What Ctrl+N (and Enter on a step without inputs) does next; the status line says the same (see next_move)."""

    CONNECTING = "connecting"
    BUSY = "busy"
    CONFIRM = "confirm"
    FIX = "fix"
    SEND = "send"
    WAIT_CHECK = "wait-check"
    APPLY = "apply"
    CONTINUE = "continue"
    LEAVE = "leave"
    CHECK = "check"


def next_move(st: StepState, *, connected: bool, problem: str | None, unsent: bool) -> Move:
    """The one decision both the Next key and the status line read: what going on from this step means now,
    from the step's state and whether its answers are valid (`problem`) and sent (`unsent`: typed, not checked)."""
    if not connected:
        return Move.CONNECTING
    if st.status == APPLYING:
        return Move.CONFIRM if st.confirming else Move.BUSY
    if problem:
        return Move.FIX
    if unsent:
        return Move.SEND
    if st.status == CHECKING:
        return Move.WAIT_CHECK
    if st.status == READY:
        return Move.APPLY if st.writes else Move.CONTINUE
    if st.status == DONE:
        return Move.LEAVE
    return Move.CHECK


class Journey:
    """Every step's state and where the user is."""

    def __init__(self) -> None:
        self.steps = {name: StepState(name) for name in STEP_NAMES}
        self.current = STEP_NAMES[0]
        self.finished = False

    def __getitem__(self, name: str) -> StepState:
        return self.steps[name]

    def index(self, name: str) -> int:
        return STEP_NAMES.index(name)

    def frontier(self) -> str:
        """The first step not done yet: the furthest the user may go."""
        return next((n for n in STEP_NAMES if self.steps[n].status != DONE), STEP_NAMES[-1])

    def reachable(self, name: str) -> bool:
        return self.index(name) <= self.index(self.frontier())

    def next_of(self, name: str) -> str | None:
        i = self.index(name) + 1
        return STEP_NAMES[i] if i < len(STEP_NAMES) else None

    def previous_of(self, name: str) -> str | None:
        i = self.index(name) - 1
        return STEP_NAMES[i] if i >= 0 else None

    def invalidate_after_edit(self, name: str, readers: list[str]) -> list[str]:
        """Answers of `name` changed: it and the steps that read them (the engine says which) must be checked
        (and applied) again; the stale steps, in order."""
        stale = [n for n in STEP_NAMES if n == name or n in readers]
        for step in stale:
            st = self.steps[step]
            if st.status in (DONE, READY, FAILED):
                st.status = PENDING
            elif st.status == APPLYING:
                st.stale = True
        self.finished = False
        return stale

    def busy(self) -> str | None:
        """The step whose apply (a write or a build) is in flight, if any."""
        return next((n for n in STEP_NAMES if self.steps[n].status == APPLYING), None)
