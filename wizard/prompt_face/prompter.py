"""Asking one question: a small protocol, and its questionary implementation.

Every prompt goes through `Prompter` so the flow can be driven by a script in tests. The questionary
implementation turns every way of cancelling (Ctrl-C, or questionary answering None) into KeyboardInterrupt,
so the flow has one path for "the user stopped".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from wizard.errors import WizardError

Check = Callable[[str], object]  # raises WizardError when the text is not acceptable


@dataclass(frozen=True)
class Option:
    value: str
    title: str
    disabled: str | None = None  # why it cannot be chosen here


class Prompter(Protocol):
    def text(self, message: str, default: str, check: Check | None = None) -> str: ...
    def select(self, message: str, options: Sequence[Option], default: str) -> str: ...
    def password(self, message: str) -> str: ...
    def confirm(self, message: str, default: bool) -> bool: ...


def problem(check: Check, text: str) -> str | None:
    """The core's own message (and hint) for text, or None when the check accepts it."""
    try:
        check(text)
    except WizardError as exc:
        return f"{exc.message} ({exc.hint})" if exc.hint else exc.message
    return None


def validator(check: Check) -> Callable[[str], bool | str]:
    """A questionary `validate=`: True, or the reason shown under the input as it is typed."""

    def validate(text: str) -> bool | str:
        return problem(check, text) or True

    return validate


def _needs_text(text: str) -> bool | str:
    return True if text else "a value is required (Ctrl-C stops)"


def ask(question: Any) -> Any:
    """Ask; a None answer is questionary's way of saying the user cancelled."""
    answer = question.unsafe_ask()
    if answer is None:
        raise KeyboardInterrupt
    return answer


class QuestionaryPrompter:
    """The real prompts. questionary is imported on first use, so `--help` and the tests stay light."""

    def text(self, message: str, default: str, check: Check | None = None) -> str:
        import questionary

        return str(ask(questionary.text(message, default=default, validate=validator(check) if check else None)))

    def select(self, message: str, options: Sequence[Option], default: str) -> str:
        import questionary

        choices = [questionary.Choice(o.title, value=o.value, disabled=o.disabled) for o in options]
        return str(ask(questionary.select(message, choices=choices, default=default)))

    def password(self, message: str) -> str:
        import questionary

        # Masked with '*': the value is never drawn, so it cannot end up in a terminal's scrollback.
        return str(ask(questionary.password(message, validate=_needs_text)))

    def confirm(self, message: str, default: bool) -> bool:
        import questionary

        return bool(ask(questionary.confirm(message, default=default)))
