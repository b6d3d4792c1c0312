"""A step's summary: the changes its check found (writes first), and its warnings with their hints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from wizard.engine.events import Change, StepWarning

# A mark per action; the engine's summary says the verb ("create …", "keep …"), so the mark does not repeat it.
BADGES = {
    "create": ("+", "bold green"),
    "update": ("~", "bold yellow"),
    "replace": ("~", "bold yellow"),
    "add-repo": ("+", "bold green"),
    "keep": ("=", "dim"),
    "unchanged": ("=", "dim"),
}


def change_lines(changes: Iterable[Change]) -> Text:
    text = Text()
    for change in sorted(changes, key=lambda c: not c.is_write):
        badge, style = BADGES.get(change.action, ("•", "bold"))
        text.append(badge, style)
        text.append(" ")
        text.append(change.summary)
        text.append("\n")
    text.rstrip()
    return text


class ChangeList(Static):
    """What applying the step would change; "nothing to change" is a normal answer."""

    _shown: tuple[tuple[Change, ...], bool] | None = None

    def show(self, changes: list[Change], checked: bool) -> None:
        if self._shown == (tuple(changes), checked):
            return  # an update re-lays out the screen: skip it when nothing changed
        self._shown = (tuple(changes), checked)
        self.display = checked
        if not changes:
            self.update(Text("Nothing to write in this step.", style="dim"))
            return
        self.update(change_lines(changes))


class WarningList(Static):
    _shown: tuple[StepWarning, ...] | None = None

    def show(self, warnings: list[StepWarning]) -> None:
        if self._shown == tuple(warnings):
            return
        self._shown = tuple(warnings)
        self.display = bool(warnings)
        text = Text()
        for warning in warnings:
            text.append("⚠ ", "bold yellow")
            text.append(warning.message)
            if warning.hint:
                text.append("\n  hint: ", "dim")
                text.append(warning.hint, "italic")
            text.append("\n")
        text.rstrip()
        self.update(text)
