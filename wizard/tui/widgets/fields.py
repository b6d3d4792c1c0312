"""Inputs checked as they are typed with the core's own rules and messages (wizard.core.naming, plan checks)."""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from wizard.errors import InputError


def field_name(prompt: str) -> str:
    """The name of what a field asks, for its messages: "Service name (the last part…)" -> "service name"."""
    return prompt.split(" (", 1)[0].strip().lower()


def own_words(error: InputError) -> str:
    """A core error as a field shows it: the message, and the hint unless it names a command-line flag (a hint
    for the commands, not for a form)."""
    hint = error.hint if error.hint and not re.search(r"(?:^|\s)--[a-z]", error.hint) else None
    return error.message + (f" ({hint})" if hint else "")


class CoreValidator(Validator):
    """Runs a core check; its InputError message (and hint) is the failure the user reads. An empty field says
    what to enter (`label`) unless the answer may be left out (`allow_empty`)."""

    def __init__(self, check: Callable[[str], object], *, label: str = "", allow_empty: bool = True) -> None:
        super().__init__()
        self.check = check
        self.label = label
        self.allow_empty = allow_empty

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() and not self.allow_empty:
            return self.failure(f"Enter the {self.label}" if self.label else "Enter a value")
        try:
            self.check(value)
        except InputError as exc:
            return self.failure(own_words(exc))
        return self.success()


class Field(Vertical):
    """A label, an input validated as typed (red when invalid), and the reason under it."""

    DEFAULT_CSS = """
    Field { height: auto; }
    """

    def __init__(self, label: str, input_widget: Input, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="field")
        self.label = label
        self.input = input_widget

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.input
        yield Static(classes="field-error")

    def show_result(self, result: ValidationResult | None) -> bool:
        """Show why the value is refused (or nothing); True when it is valid."""
        error = self.query_one(".field-error", Static)
        if result is None or result.is_valid:
            error.update("")
            error.display = False
            return True
        error.update(Text("✖ " + "; ".join(result.failure_descriptions), style="red"))
        error.display = True
        return False

    @property
    def valid(self) -> bool:
        return not self.input.has_class("-invalid") and not self.query_one(".field-error").display
