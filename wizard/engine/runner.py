"""The engine: runs the steps in order, asks the face to confirm each step's writes, and emits events."""

from __future__ import annotations

from collections.abc import Iterable

from wizard.engine.events import Change, StepChecked, StepDone, StepStarted
from wizard.engine.session import Session
from wizard.engine.steps import Step, default_steps
from wizard.errors import WizardError


class Cancelled(WizardError):
    """The user declined a step's changes."""

    def __init__(self, step: str, applied: list[Change]) -> None:
        if applied:
            done = "; ".join(c.summary for c in applied)
            super().__init__(f"stopped at the {step} step; already applied: {done}", "run again with the same answers to resume")
        else:
            super().__init__(f"stopped at the {step} step: no changes were made", None)


class Engine:
    def __init__(self, session: Session, steps: Iterable[Step] | None = None) -> None:
        self.session = session
        self.steps = list(steps) if steps is not None else default_steps()

    def step(self, name: str) -> Step:
        return next(st for st in self.steps if st.name == name)

    def check(self, step: Step) -> list[Change]:
        self.session.emit(StepStarted(step.name, step.title))
        return step.check(self.session)

    def apply(self, step: Step, changes: list[Change]) -> StepDone:
        s = self.session
        writes = [c for c in changes if c.is_write]
        if writes and not s.questioner.confirm(step.name, "\n".join(c.summary for c in writes)):
            raise Cancelled(step.name, s.applied)
        result = step.apply(s, changes)
        s.emit(result)
        s.save_state(step.name)
        return result

    def run(self) -> Session:
        """Every step: check, confirm, apply. A pause (PR not merged yet) skips to the summary."""
        for step in self.steps:
            if self.session.paused and step.name != "summary":
                continue
            self.apply(step, self.check(step))
        return self.session

    def dry_run(self) -> list[tuple[Step, list[Change]]]:
        """Every step's check, nothing applied: what a run would change."""
        return [(step, self.check(step)) for step in self.steps]


def checked_changes(events: Iterable[object]) -> list[Change]:
    return [c for e in events if isinstance(e, StepChecked) for c in e.changes]
