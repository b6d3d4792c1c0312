"""Modal dialogs: the engine's questions (confirm, choose, secret), errors, help, and the quit question."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static

from wizard.engine.questions import Choice

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A centred box with a title; subclasses fill it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    title_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield from self.compose_dialog()

    def compose_dialog(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ErrorModal(Dialog[None]):
    """A WizardError: what was wrong, and the engine's hint for what to do."""

    BINDINGS = [Binding("escape,enter", "cancel", "Close")]

    def __init__(self, title: str, message: str, hint: str | None) -> None:
        super().__init__(classes="error-modal")
        self.title_text, self.message, self.hint = title, message, hint

    def compose_dialog(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-body"):
            yield Static(Text(self.message), classes="error-message")
            if self.hint:
                yield Static(Text.assemble(("hint: ", "bold"), self.hint), classes="error-hint")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Close", id="close", variant="error")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class ConfirmModal(Dialog[bool]):
    """The engine asks before a step writes: the list of writes, then apply (y) or not (n)."""

    BINDINGS = [Binding("y", "answer(True)", "Apply"), Binding("n,escape", "answer(False)", "Don't apply")]
    AUTO_FOCUS = "#yes"

    def __init__(self, title: str, summary: str, kept: list[str] | None = None) -> None:
        super().__init__(classes="confirm-modal")
        self.title_text, self.summary, self.kept = title, summary, list(kept or ())

    def compose_dialog(self) -> ComposeResult:
        yield Label("These changes will be made now:")
        with VerticalScroll(classes="dialog-body"):
            yield Static(Text("\n".join(f"• {line}" for line in self.summary.splitlines())))
            if self.kept:  # what the step found and leaves alone, e.g. secrets at the scope no longer chosen
                kept = Text("Left as they are:\n", style="bold")
                kept.append("\n".join(f"= {line}" for line in self.kept), style="not bold")
                yield Static(kept, classes="confirm-kept")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Apply (y)", id="yes", variant="success")
            yield Button("Not now (n)", id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ChoiceModal(Dialog[str]):
    """One of a few options, e.g. keep or replace an existing secret."""

    def __init__(self, choice: Choice) -> None:
        super().__init__(classes="choice-modal")
        self.title_text, self.choice = choice.title or choice.prompt.split(". ", 1)[0].rstrip("?."), choice

    AUTO_FOCUS = "#options"

    def compose_dialog(self) -> ComposeResult:
        yield Static(Text(self.choice.prompt))
        self._options = OptionList(*self.choice.options, id="options")
        yield self._options

    def on_mount(self) -> None:
        self._options.highlighted = self.choice.options.index(self.choice.default)

    def action_cancel(self) -> None:
        self.dismiss(self.choice.default)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choice.options[event.option_index])


class SecretModal(Dialog[str]):
    """A masked input for a secret the engine needs; the value goes to the engine only, never back on screen."""

    def __init__(self, name: str, prompt: str) -> None:
        super().__init__(classes="secret-modal")
        self.title_text, self.secret_name, self.prompt = f"Secret {name}", name, prompt

    def compose_dialog(self) -> ComposeResult:
        # Static wraps (a Label is cut at the dialog's edge): a build secret's prompt says how to give a file.
        yield Static(Text(f"{self.prompt} (hidden as you type; Enter to use it)"))
        yield Input(password=True, id="secret-value")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss("")


class HelpModal(Dialog[None]):
    """F1: what the current step does, and the keys."""

    BINDINGS = [Binding("escape,f1,enter", "cancel", "Close")]

    def __init__(self, title: str, help_text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="help-modal")
        self.title_text, self.help_text, self.keys = f"Help: {title}", help_text, keys

    def compose_dialog(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-body"):
            yield Static(Text(self.help_text), classes="help-text")
            keys = Text()
            for key, what in self.keys:
                keys.append(f"{key:<9}", "bold")
                keys.append(f"{what}\n")
            keys.rstrip()
            yield Static(keys, classes="help-keys")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class QuitModal(Dialog[bool]):
    """Quitting while a write or a build is in flight (what is running, what a re-run resumes), or with typed
    answers not sent yet (what would be dropped)."""

    BINDINGS = [Binding("y", "answer(True)", "Quit"), Binding("n,escape", "answer(False)", "Stay")]
    AUTO_FOCUS = "#no"

    def __init__(self, running: str, resume: str, *, title: str = "Quit now?") -> None:
        super().__init__(classes="quit-modal")
        self.title_text, self.running, self.resume = title, running, resume

    def compose_dialog(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-body"):
            yield Static(Text(self.running))
            yield Static(Text(self.resume, style="italic"))
        with Horizontal(classes="dialog-buttons"):
            yield Button("Quit (y)", id="yes", variant="error")
            yield Button("Stay (n)", id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
