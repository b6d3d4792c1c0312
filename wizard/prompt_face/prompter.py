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


def at_word_breaks(validate: Callable[[str], bool | str]) -> Callable[[str], bool | str]:
    """The reason broken into lines at spaces to fit the running prompt's terminal (the toolbar would break words)."""

    def wrapped(text: str) -> bool | str:
        import textwrap

        from prompt_toolkit.application.current import get_app_or_none

        result = validate(text)
        app = get_app_or_none()
        if result is True or app is None:
            return result
        return "\n".join(textwrap.wrap(str(result), max(20, app.output.get_size().columns - 1), break_on_hyphens=False))

    return wrapped


def _needs_text(text: str) -> bool | str:
    return True if text else "a value is required (Ctrl-C stops)"


def wrap_validation_toolbar(app: Any) -> bool:
    """questionary shows why the text is refused in prompt_toolkit's validation toolbar: one line, cut at the
    terminal's width, so the end of the reason and its hint were lost. Let that line wrap and the toolbar grow to fit.
    False when the toolbar is not found (a prompt_toolkit that lays its prompt out otherwise: the line stays cut)."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    for container in app.layout.walk():
        if (
            isinstance(container, Window)
            and isinstance(container.content, FormattedTextControl)
            and "ValidationToolbar" in getattr(container.content.text, "__qualname__", "")
        ):
            container.height = None  # as tall as the wrapped reason
            container.wrap_lines = to_filter(True)
            return True
    return False


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

        question = questionary.text(message, default=default, validate=at_word_breaks(validator(check)) if check else None)
        wrap_validation_toolbar(question.application)
        return str(ask(question))

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
