"""The engine's Questioner as prompts: choose -> select, secret -> masked password, confirm -> yes/no.

Secret answers are held for the session because the engine asks for a value in a step's check and again in
its apply; the user types it once. `forget_secrets()` drops them when a step is re-asked after an error.
"""

from __future__ import annotations

from typing import TextIO

from wizard.engine.questions import Choice
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

    def choose(self, choice: Choice) -> str:
        options = [Option(value, value) for value in choice.options]
        return self.prompter.select(choice.prompt, options, choice.default)

    def secret(self, name: str, prompt: str) -> str:
        if name not in self._secrets:
            self._secrets[name] = self.prompter.password(f"{prompt} (input hidden)")
        return self._secrets[name]

    def forget_secrets(self) -> None:
        self._secrets.clear()

    def confirm(self, step: str, summary: str) -> bool:
        print(f"The {step} step will:", file=self.out)
        for line in summary.splitlines():
            print(f"   - {line}", file=self.out)
        self.out.flush()
        ok = self.prompter.confirm(STEP_CONFIRMS.get(step, f"Apply the {step} step's changes?"), True)
        if ok:
            self.approved.append(step)
        return ok
