"""Questions the engine asks, answered by the face (TUI, questionary prompts, or flags).

Two kinds: a step's answers (declared once in the core, see core/spec.py; the engine hands them out as
`Question`s with what the session knows about them), and questions mid-step (keep or replace a secret, a masked
secret value, confirm a step's writes, what to do after an error). The apply face answers from flags and raises
NonInteractiveError when it cannot, so nothing ever hangs.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from wizard.core.plan import Plan
    from wizard.core.spec import AnswerSpec
    from wizard.errors import WizardError


@dataclass(frozen=True)
class Choice:
    key: str  # stable id, e.g. "existing-secret:REGISTRY_PAT"
    prompt: str
    options: tuple[str, ...]
    default: str
    title: str = ""  # a few words naming the question (a dialog's title); the prompt says the rest


@dataclass(frozen=True)
class Question:
    """One answer a step asks: its declaration, the value offered, and which options cannot be chosen here."""

    spec: AnswerSpec
    offered: Any
    disabled: dict[str, str] = field(default_factory=dict)  # option -> why not
    # Lines a face shows with the question: why a value is proposed, and values worth knowing, each with why
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name


class Recovery(enum.Enum):
    """What the user may do when a step fails or its writes are declined."""

    CHANGE = "change"  # answer the step's questions again
    SKIP = "skip"  # skip the validation build and finish
    STOP = "stop"


RECOVERY_LABELS = {
    Recovery.CHANGE: "change this step's answers",
    Recovery.SKIP: "skip the validation and finish (run `brik-onboard validate` later)",
    Recovery.STOP: "stop here",
}


class Questioner(Protocol):
    def choose(self, choice: Choice) -> str: ...
    def secret(self, name: str, prompt: str) -> str: ...  # masked; never echoed back
    def confirm(self, step: str, summary: str) -> bool: ...

    def answers(self, step: str, questions: Sequence[Question], plan: Plan) -> dict[str, Any]:
        """Ask a step's answers; the ones that changed, by name (faces that take answers from flags: {})."""
        ...

    def recover(self, step: str, error: WizardError, options: Sequence[Recovery]) -> Recovery:
        """After `error` in `step` (a Cancelled one: its writes were declined): one of `options`."""
        ...
