"""The prompt mode's run: for each step, its questions, the check, the changes, the confirm, the apply.

The same order as `Engine.run`; the questions come first where they change the plan the check reads. An error
in a step that asks questions offers to change its answers instead of ending the run. The flow remembers
which step it reached so an interrupt can say what was left behind.
"""

from __future__ import annotations

from typing import TextIO

from wizard.core.plan import resolve
from wizard.engine.events import StepStarted
from wizard.engine.runner import Cancelled, Engine
from wizard.engine.steps import Step
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, WizardError
from wizard.prompt_face.prompter import Option, Prompter
from wizard.prompt_face.questioner import PromptQuestioner
from wizard.prompt_face.step_questions import STEP_QUESTIONS

RETRY_OPTIONS = (
    Option("change", "change this step's answers"),
    Option("stop", "stop here"),
)
SKIP_OPTIONS = (
    Option("skip", "skip the validation and finish (run `brik-onboard validate` later)"),
    Option("stop", "stop here"),
)


class PromptFlow:
    def __init__(self, engine: Engine, questioner: PromptQuestioner, prompter: Prompter, out: TextIO) -> None:
        self.engine = engine
        self.questioner = questioner
        self.prompter = prompter
        self.out = out
        self.current: str | None = None
        self.finished: list[str] = []
        self._preflight_basis: tuple[str, str] | None = None  # (scope, delivery) the preflight checked

    def run(self) -> int:
        s = self.engine.session
        for step in self.engine.steps:
            if s.paused and step.name != "summary":
                continue
            self.current = step.name
            self._run_step(step)
            self.finished.append(step.name)
        self._closing()
        return EXIT_VALIDATION_FAILED if s.verdict_passed is False else EXIT_OK

    def _run_step(self, step: Step) -> None:
        s = self.engine.session
        questions = STEP_QUESTIONS.get(step.name)
        while True:
            try:
                if questions is not None:
                    s.emit(StepStarted(step.name, step.title))  # the header above the questions; the check's own is dropped
                    questions(s, self.prompter)
                    self._refresh_resolved()
                    self._recheck_preflight()
                changes = self.engine.check(step)
                if step.name == "preflight":
                    self._preflight_basis = (s.plan.scope, s.plan.delivery)
                self.engine.apply(step, changes)
                return
            except WizardError as exc:
                if isinstance(exc, Cancelled) and step.name == "validate" and self._skip_validation():
                    continue
                if questions is None or not self._change_answers(exc):
                    raise
                self.questioner.forget_secrets()  # a refused PAT is asked for again, not reused

    def _change_answers(self, exc: WizardError) -> bool:
        """Say what went wrong (a declined step needs no telling); True to answer the step's questions again."""
        if not isinstance(exc, Cancelled):
            print(exc.render(), file=self.out, flush=True)
        return self.prompter.select("What now?", RETRY_OPTIONS, "change") == "change"

    def _skip_validation(self) -> bool:
        """Declining the builds need not lose the summary and its answers file: offer to skip them instead."""
        if self.prompter.select("What now?", SKIP_OPTIONS, "skip") != "skip":
            return False
        self.engine.session.options.skip_validation = True
        return True

    def _refresh_resolved(self) -> None:
        """Steps after the image read `session.resolved`; an answer given later (strategy, scope) must reach them."""
        s = self.engine.session
        if s.resolved is not None:
            s.resolved = resolve(s.plan)

    def _recheck_preflight(self) -> None:
        """The token's needed scopes follow the secret scope and the delivery: check again when they changed."""
        s = self.engine.session
        if self._preflight_basis is None or self._preflight_basis == (s.plan.scope, s.plan.delivery):
            return
        preflight = next((st for st in self.engine.steps if st.name == "preflight"), None)
        if preflight is not None:
            print("   (your answers changed what the token needs: checking the preflight again)", file=self.out, flush=True)
            self.engine.check(preflight)
            self._preflight_basis = (s.plan.scope, s.plan.delivery)

    def _closing(self) -> None:
        s = self.engine.session
        for name, url in s.links.items():
            print(f"   {name}: {url}", file=self.out)
        if s.answers_path is not None:
            print(f"   answers: {s.answers_path} (the next run offers them as its defaults)", file=self.out)
        self.out.flush()

    def interrupt_lines(self) -> list[str]:
        """What an interrupt leaves behind: nothing, or the step reached, what was applied, and how to resume."""
        s = self.engine.session
        if not self.questioner.approved:
            return ["interrupted: no changes were made"]
        done = f" (done: {', '.join(self.finished)})" if self.finished else ""
        lines = [f"interrupted at the {self.current} step{done}"]
        if s.applied:
            lines.append("already applied: " + "; ".join(c.summary for c in s.applied))
        else:
            lines.append(f"the {self.questioner.approved[-1]} step's changes may be partly applied")
        if s.state.run_id is not None and "validate" not in self.finished:
            lines.append(
                f"the validation build (run {s.state.run_id}) keeps running on GitHub; a re-run waits for it instead of starting another"
            )
        lines.append("run the wizard again to resume: steps already done find their changes in place and are not repeated")
        return lines
