"""The engine: the one step driver. For each step: ask its answers, check, confirm the writes, apply.

Answers are declared once in the core (each with the step that asks it); steps declare the answers they read.
So an edit says exactly which steps are stale (`stale_after`): the linear run checks them again before going
on, and the full-screen wizard, which lets the user move between steps, marks them to be checked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from wizard.core.plan import check_plan, step_answers
from wizard.core.resolved import resolve
from wizard.core.spec import AskContext, Kind
from wizard.engine.events import Change, Progress, StepDone, StepStarted
from wizard.engine.questions import Question, Recovery
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


def stale_after(steps: Iterable[Step], changed: Iterable[str]) -> list[str]:
    """The steps that read any of the `changed` answers, in order."""
    keys = set(changed)
    return [st.name for st in steps if st.reads & keys]


class Engine:
    def __init__(self, session: Session, steps: Iterable[Step] | None = None) -> None:
        self.session = session
        self.steps = list(steps) if steps is not None else default_steps()
        self.current: str | None = None  # the step the run has reached
        self.finished: list[str] = []  # steps applied by this run, in order

    def step(self, name: str) -> Step:
        return next(st for st in self.steps if st.name == name)

    # -- answers ----------------------------------------------------------------------------------------------
    def ask_context(self) -> AskContext:
        s = self.session
        return AskContext(
            owner_is_org=s.repo.owner_is_org if s.repo is not None else None,
            has_checkout=s.checkout is not None,
            environments_refused=s.environments_refused,
            stages=tuple(s.dockerfile.targets) if s.dockerfile is not None else (),
        )

    def questions(self, step: str) -> list[Question]:
        """The answers `step` asks, with the values to offer and the options that make no sense here."""
        s = self.session
        plan, context = s.plan, self.ask_context()
        out = []
        for spec in step_answers(step):
            disabled = {o: why for o in spec.choices if (why := spec.disabled(o, context)) is not None}
            offered = spec.offered(plan)
            if offered in disabled:
                offered = next((o for o in spec.choices if o not in disabled), offered)
            notes: tuple[str, ...] = ()
            # A proposal from what the session found, on a first onboarding only: a recorded empty answer was chosen.
            proposed = spec.meta.propose(context) if spec.meta.propose and s.recorded is None else None
            if proposed is not None and not offered and spec.name not in s.explicit:
                offered, why = proposed
                notes = (f"proposed: {why}",)
            if spec.kind is Kind.LIST and spec.meta.options:
                notes += tuple(f"{o.value}: {o.help}" for o in spec.meta.options)
            out.append(Question(spec, offered, disabled, notes))
        return out

    def stale_after(self, changed: Iterable[str]) -> list[str]:
        return stale_after(self.steps, changed)

    def edit(self, edits: Mapping[str, Any]) -> list[str]:
        """Put answers into the plan (checked whole first: a bad value changes nothing); the steps now stale."""
        s = self.session
        changed = {k: v for k, v in edits.items() if getattr(s.plan, k) != v}
        if not changed:
            return []
        plan = replace(s.plan, **changed)  # not Plan.updated: setting an answer back to None is an edit too
        check_plan(plan)
        resolved = resolve(plan, s.build_secrets) if s.resolved is not None else None  # steps after the image read it
        s.plan = plan
        s.explicit.update(changed)
        if resolved is not None:
            s.resolved = resolved
        return self.stale_after(changed)

    # -- one step ---------------------------------------------------------------------------------------------
    def check(self, step: Step, *, announce: bool = True) -> list[Change]:
        if announce:
            self.session.emit(StepStarted(step.name, step.title))
        return step.check(self.session)

    def apply(self, step: Step, changes: list[Change]) -> StepDone:
        s = self.session
        writes = [c for c in changes if c.is_write]
        if writes and not s.questioner.confirm(step.name, "\n".join(c.summary for c in writes)):
            raise Cancelled(step.name, s.applied)
        if writes and s.run_lock is not None:
            s.run_lock.acquire(s.plan.repo)
        result = step.apply(s, changes)
        s.emit(result)
        s.save_state(step.name)
        return result

    # -- the whole run ----------------------------------------------------------------------------------------
    def run(self) -> Session:
        """Every step in order. A pause (PR not merged yet) skips to the summary."""
        lock = self.session.run_lock
        if lock is not None and not self.session.options.dry_run and self.session.plan.repo:
            lock.acquire(self.session.plan.repo)
        try:
            for step in self.steps:
                if self.session.paused and step.name != "summary":
                    continue
                self.current = step.name
                self._run_step(step)
                self.finished.append(step.name)
        finally:
            if lock is not None:
                lock.release()
        return self.session

    def _run_step(self, step: Step) -> None:
        s = self.session
        while True:
            questions = self.questions(step.name)
            try:
                s.emit(StepStarted(step.name, step.title))
                if questions:
                    self._take_answers(step, questions)
                self.apply(step, self.check(step, announce=False))
                return
            except WizardError as exc:
                choice = self._recover(step, exc, bool(questions))
                if choice is Recovery.SKIP:
                    s.options.skip_validation = True
                elif choice is not Recovery.CHANGE:
                    raise

    def _take_answers(self, step: Step, questions: list[Question]) -> None:
        s = self.session
        edits = s.questioner.answers(step.name, questions, s.plan)
        before = s.plan
        stale = self.edit(edits)
        # Steps already done that read what just changed (e.g. the preflight, which checks the token's scopes for
        # the secret scope) are checked again before this one goes on.
        rechecked = False
        for name in stale:
            if name in self.finished:
                earlier = self.step(name)
                keys = ", ".join(sorted(k for k in earlier.reads if getattr(before, k) != getattr(s.plan, k)))
                s.emit(Progress(step.name, f"your answers changed what the {name} step checks ({keys}): checking the {name} step again"))
                self.apply(earlier, self.check(earlier))
                rechecked = True
        if rechecked:
            s.emit(StepStarted(step.name, step.title))  # back to this step

    def _recover(self, step: Step, exc: WizardError, has_questions: bool) -> Recovery:
        options = []
        if has_questions:
            options.append(Recovery.CHANGE)
        if isinstance(exc, Cancelled) and step.name == "validate":
            options.append(Recovery.SKIP)  # declining the builds need not lose the summary and its answers file
        if not options:
            return Recovery.STOP
        return self.session.questioner.recover(step.name, exc, (*options, Recovery.STOP))

    def dry_run(self) -> list[tuple[Step, list[Change]]]:
        """Every step's check, nothing applied: what a run would change."""
        return [(step, self.check(step)) for step in self.steps]
