"""Summary: what changed, the links, the verdict, and the answers file written for the next run."""

from __future__ import annotations

from wizard.core.answers import dump_answers
from wizard.engine.events import Action, Change, ChangeKind, Outcome, StepChecked, StepDone
from wizard.engine.results import SummaryResult
from wizard.engine.session import Session
from wizard.engine.steps.base import ALL_ANSWERS, Step
from wizard.fsutil import atomic_write_text, read_text_file


class SummaryStep(Step):
    name = "summary"
    reads = ALL_ANSWERS  # the answers file

    def check(self, s: Session) -> list[Change]:
        changes: list[Change] = []
        if s.answers_path is not None:
            old = read_text_file(s.answers_path, "answers file") if s.answers_path.is_file() else None
            new = dump_answers(s.plan, old)
            action = Action.CREATE if old is None else (Action.UNCHANGED if new == old else Action.UPDATE)
            changes.append(Change(ChangeKind.ANSWERS, str(s.answers_path), action, f"{action} {s.answers_path}"))
        s.emit(StepChecked(self.name, tuple(changes)))
        return changes

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        for change in changes:
            if change.is_write and s.answers_path is not None:
                old = read_text_file(s.answers_path, "answers file") if s.answers_path.is_file() else None
                atomic_write_text(s.answers_path, dump_answers(s.plan, old))
        answers = str(s.answers_path) if s.answers_path else None
        result = SummaryResult(tuple(c.summary for c in s.applied), dict(s.links), answers, s.verdict_passed, s.paused)
        message = s.paused or ("all changes applied" if s.applied else "nothing to change: already onboarded")
        outcome = Outcome.PAUSED if s.paused else (Outcome.CHANGED if s.applied else Outcome.UNCHANGED)
        return StepDone(self.name, outcome, message, result)
