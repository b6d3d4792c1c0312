"""The step list beside every screen: where the user is, what is done, and what is still to come."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events
from textual.widget import Widget

from wizard.tui.model import APPLYING, CHECKING, DONE, FAILED, LABELS, READY, STEP_NAMES

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp

MARKS = {DONE: "✔", FAILED: "✖", CHECKING: "…", APPLYING: "⟳", READY: "●"}


class StepList(Widget, can_focus=False):
    """Renders the app's Journey; a click on a reachable step jumps there."""

    DEFAULT_CSS = """
    StepList { width: 20; height: 100%; }
    """

    def __init__(self, current: str) -> None:
        super().__init__(classes="step-list")
        self.current = current
        self.border_title = "Steps"

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)  # Textual types a widget's app as App[object]

    def render(self) -> Text:
        journey = self.wizard.journey
        text = Text()
        for number, name in enumerate(STEP_NAMES, start=1):
            state = journey[name]
            mark = MARKS.get(state.status, "○")
            line = Text(f"{mark} {number} {LABELS[name]}")
            if name == self.current:
                line.stylize("bold reverse")
            elif state.status == DONE:
                line.stylize("green")
            elif state.status == FAILED:
                line.stylize("red")
            elif not journey.reachable(name):
                line.stylize("dim")
            text.append_text(line)
            text.append("\n")
        text.rstrip()
        return text

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and 0 <= offset.y < len(STEP_NAMES):
            self.wizard.goto(STEP_NAMES[offset.y])
