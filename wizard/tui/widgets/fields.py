"""Inputs checked as they are typed with the core's own rules and messages (wizard.core.naming, plan checks)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from wizard.errors import InputError


class CoreValidator(Validator):
    """Runs a core check; its InputError message (and hint) is the failure the user reads."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except InputError as exc:
            return self.failure(exc.message + (f" ({exc.hint})" if exc.hint else ""))
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
