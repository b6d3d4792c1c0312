"""What every step is: a name, the answers it reads, `check` (read + compute the changes) and `apply` (make them).

`reads` is what makes an edit precise: when an answer changes, exactly the steps that read it are stale and are
checked again, in every face (see `Engine.stale_after`).
"""

from __future__ import annotations

from typing import ClassVar

from wizard.core.plan import ANSWERS
from wizard.engine.events import Change, Outcome, StepDone
from wizard.engine.session import Session
from wizard.engine.step_info import STEP_INFO

ALL_ANSWERS: frozenset[str] = frozenset(a.name for a in ANSWERS)


class Step:
    name: ClassVar[str] = ""
    reads: ClassVar[frozenset[str]] = frozenset()  # the answers (Plan fields) its check depends on

    @property
    def title(self) -> str:
        return STEP_INFO[self.name].title

    @property
    def help(self) -> str:
        return STEP_INFO[self.name].help

    def check(self, s: Session) -> list[Change]:
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        return StepDone(self.name, Outcome.UNCHANGED, "nothing to change")


def done(step: str, changes: list[Change], applied_message: str, unchanged_message: str) -> StepDone:
    """A StepDone that says "changed" only when a change was a write."""
    if any(c.is_write for c in changes):
        return StepDone(step, Outcome.CHANGED, applied_message)
    return StepDone(step, Outcome.UNCHANGED, unchanged_message)
