"""Answers the engine's questions from flags; asks on a terminal only when there is one; never hangs."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from typing import Any

from wizard.core.plan import Plan
from wizard.engine.questions import Choice, Question, Recovery
from wizard.errors import NonInteractiveError, WizardError


class FlagQuestioner:
    def __init__(self, *, yes: bool, interactive: bool | None = None) -> None:
        self.yes = yes
        self.interactive = sys.stdin.isatty() if interactive is None else interactive

    def choose(self, choice: Choice) -> str:
        # Flags decide (e.g. --replace-secrets); otherwise the safe default (keep what exists).
        return choice.default

    def secret(self, name: str, prompt: str) -> str:
        if not self.interactive:
            raise NonInteractiveError(
                f"the value of secret {name}", f"set BRIK_SECRET_{name}, or pass --secrets-from-stdin with a {name}=value line on stdin"
            )
        return getpass.getpass(f"{prompt} (input hidden): ")

    def confirm(self, step: str, summary: str) -> bool:
        if self.yes:
            return True
        if not self.interactive:
            raise NonInteractiveError(f"confirmation of the {step} step's changes", "pass --yes to apply them without asking")
        print(summary, file=sys.stderr)
        return input(f"apply the {step} step? [y/N] ").strip().lower() in ("y", "yes")

    def answers(self, step: str, questions: Sequence[Question], plan: Plan) -> dict[str, Any]:
        return {}  # flags and the answers file gave them

    def recover(self, step: str, error: WizardError, options: Sequence[Recovery]) -> Recovery:
        return Recovery.STOP
