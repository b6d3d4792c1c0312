"""A scripted Prompter for the prompt mode's in-process tests, and a session on the demo sandbox.

Each script line is (words the question must contain, answer). A text answer the core's check refuses is
recorded with the core's message and the next line is taken, as a user retypes after reading the reason.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from wizard.prompt_face.prompter import Check, Option, problem

DEFAULT = object()  # accept the offered default
INTERRUPT = object()  # the user presses Ctrl-C here
# The workflow step's build answers, each left at what is offered (before the builder and the delivery).
BUILD_DEFAULTS = (
    ("Build arguments", DEFAULT),
    ("Runner label", DEFAULT),
    ("Kaniko executor", DEFAULT),
    ("Registry mirrors", DEFAULT),
    ("Further Kaniko flags", DEFAULT),
)


@dataclass
class Asked:
    kind: str
    message: str
    default: Any
    options: tuple[str, ...] = ()


@dataclass
class ScriptedPrompter:
    script: list[tuple[str, Any]]
    asked: list[Asked] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (typed text, the check's message)

    def _answer(self, asked: Asked) -> Any:
        self.asked.append(asked)
        assert self.script, f"unexpected question {asked.message!r}"
        words, answer = self.script.pop(0)
        assert words in asked.message, f"asked {asked.message!r}, the script expected {words!r}"
        if answer is INTERRUPT:
            raise KeyboardInterrupt
        return asked.default if answer is DEFAULT else answer

    def text(self, message: str, default: str, check: Check | None = None) -> str:
        while True:
            answer = self._answer(Asked("text", message, default))
            reason = problem(check, answer) if check else None
            if reason is None:
                return answer
            self.refused.append((answer, reason))

    def select(self, message: str, options: Sequence[Option], default: str) -> str:
        enabled = tuple(o.value for o in options if not o.disabled)
        answer = self._answer(Asked("select", message, default, tuple(o.value for o in options)))
        assert answer in enabled, f"{answer!r} is not an enabled option of {message!r}: {enabled}"
        return answer

    def password(self, message: str) -> str:
        return self._answer(Asked("password", message, ""))

    def confirm(self, message: str, default: bool) -> bool:
        return self._answer(Asked("confirm", message, default))

    def defaults_of(self, words: str) -> list[Any]:
        return [a.default for a in self.asked if words in a.message]


@dataclass
class PromptRun:
    code: int
    out: str
    err: str


def run_scripted(env: Any, prompter: ScriptedPrompter, environ: dict[str, str] | None = None, **overrides: Any) -> PromptRun:
    """The prompt mode on the demo environment `env`, answered by `prompter`."""
    from wizard.engine.session import Options
    from wizard.prompt_face.run import run_prompts

    out, err = io.StringIO(), io.StringIO()
    factory = env.factory(Options(poll_interval_s=0.05), environ=environ, **overrides)
    code = run_prompts(factory, prompter=prompter, out=out, err=err)
    return PromptRun(code, out.getvalue(), err.getvalue())


@contextmanager
def demo() -> Iterator[Any]:
    from wizard.app.demo import demo_environment

    with demo_environment(time_factor=0.01, registry_pat=False) as env:
        yield env
