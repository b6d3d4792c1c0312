"""The engine's Questioner as prompts: a step's answers, choices, masked secrets, confirms, what to do after an error.

A step's answers are rendered from their declarations (core/spec.py): a choice is a select, a yes/no a confirm,
anything else a text field checked while typing by the answer's own check, so the reason shown is the one
`apply` would give. Secret answers are held for the session because the engine asks for a value in a step's
check and again in its apply; the user types it once, and again only after the step is answered anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from wizard.core.plan import Plan
from wizard.core.spec import Kind
from wizard.engine.events import Event, StepChecked
from wizard.engine.questions import RECOVERY_LABELS, Choice, Question, Recovery
from wizard.engine.runner import Cancelled
from wizard.errors import WizardError
from wizard.prompt_face.prompter import Option, Prompter

STEP_CONFIRMS = {
    "validate": "Start the validation build (two builds of the default branch)?",
    "summary": "Write the answers file for the next run?",
}


class PromptQuestioner:
    def __init__(self, prompter: Prompter, out: TextIO) -> None:
        self.prompter = prompter
        self.out = out
        self.approved: list[str] = []  # steps whose writes the user accepted: writes may have started
        self._secrets: dict[str, str] = {}
        self._listed: tuple[str, str] | None = None  # (step, its writes) the renderer has just printed

    def seen(self, event: Event) -> None:
        """Every event, after the renderer printed it: a step's checked changes are on screen above its confirm."""
        if isinstance(event, StepChecked):
            self._listed = (event.step, "\n".join(c.summary for c in event.changes if c.is_write))

    def answers(self, step: str, questions: Sequence[Question], plan: Plan) -> dict[str, Any]:
        edits: dict[str, Any] = {}
        for q in questions:
            draft = plan.updated(**edits)
            if not q.spec.shown(draft):
                continue
            value = self._ask(q, draft)
            if getattr(plan, q.name) is None and value == q.offered:
                continue  # the suggestion accepted: keep "not given", so the answers file stays as it was
            if value != getattr(plan, q.name):
                edits[q.name] = value
        return edits

    def _ask(self, q: Question, draft: Plan) -> Any:
        spec, message = q.spec, q.spec.prompt + ":"
        if q.notes:  # why a value is proposed, and the values worth knowing, one line each
            for note in q.notes:
                print(f"   {note}", file=self.out)
            self.out.flush()
        if spec.kind is Kind.CHOICE:
            options = [Option(o.value, f"{o.label}: {o.help}" if o.help else o.label, q.disabled.get(o.value)) for o in spec.meta.options]
            return self.prompter.select(message, options, q.offered)
        if spec.kind is Kind.BOOL:
            return self.prompter.confirm(spec.prompt + "?", bool(q.offered))

        def check(text: str) -> None:
            spec.check(spec.parse_text(text), draft)

        return spec.parse_text(self.prompter.text(message, spec.text_of(q.offered), check=check))

    def choose(self, choice: Choice) -> str:
        options = [Option(value, value) for value in choice.options]
        return self.prompter.select(choice.prompt, options, choice.default)

    def secret(self, name: str, prompt: str) -> str:
        if name not in self._secrets:
            self._secrets[name] = self.prompter.password(f"{prompt} (input hidden)")
        return self._secrets[name]

    def confirm(self, step: str, summary: str) -> bool:
        if self._listed != (step, summary):  # listed once: only when the renderer has not just shown these changes
            print(f"The {step} step will:", file=self.out)
            for line in summary.splitlines():
                print(f"   - {line}", file=self.out)
            self.out.flush()
        self._listed = None
        ok = self.prompter.confirm(STEP_CONFIRMS.get(step, f"Apply the {step} step's changes?"), True)
        if ok:
            self.approved.append(step)
        return ok

    def recover(self, step: str, error: WizardError, options: Sequence[Recovery]) -> Recovery:
        """Say what went wrong (a declined step needs no telling), then offer what the engine allows."""
        if not isinstance(error, Cancelled):
            print(error.render(), file=self.out, flush=True)
        choices = [Option(o.value, RECOVERY_LABELS[o]) for o in options]
        choice = Recovery(self.prompter.select("What now?", choices, options[0].value))
        if choice is Recovery.CHANGE:
            self._secrets.clear()  # a refused PAT is asked for again, not reused
        return choice
