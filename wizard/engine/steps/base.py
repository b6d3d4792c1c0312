"""What every step is: a name, a title, `check` (read + compute the changes) and `apply` (make them)."""

from __future__ import annotations

from wizard.engine.events import Change, StepDone
from wizard.engine.session import Session


class Step:
    name = ""
    title = ""
    help = ""

    def check(self, s: Session) -> list[Change]:
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        return StepDone(self.name, "unchanged", "nothing to change")


def done(step: str, changes: list[Change], applied_message: str, unchanged_message: str) -> StepDone:
    """A StepDone that says "changed" only when a change was a write."""
    if any(c.is_write for c in changes):
        return StepDone(step, "changed", applied_message)
    return StepDone(step, "unchanged", unchanged_message)
