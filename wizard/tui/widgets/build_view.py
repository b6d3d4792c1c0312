"""The validation build as it runs: each attempt's status and its job's steps, from BuildUpdate events."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from wizard.engine.events import BuildUpdate

STEP_MARKS = {
    ("completed", "success"): ("✔", "green"),
    ("completed", "failure"): ("✖", "bold red"),
    ("completed", "skipped"): ("–", "dim"),
    ("completed", "cancelled"): ("✖", "yellow"),
    ("in_progress", None): ("⟳", "bold yellow"),
}


def _mark(status: str, conclusion: str | None) -> tuple[str, str]:
    return STEP_MARKS.get((status, conclusion)) or STEP_MARKS.get((status, None)) or ("○", "dim")


def attempt_text(update: BuildUpdate, *, with_steps: bool = True) -> Text:
    text = Text()
    mark, style = _mark(update.status, update.conclusion)
    text.append(f"{mark} Attempt {update.attempt}", style)
    text.append(f"  {update.status}" + (f" ({update.conclusion})" if update.conclusion else ""), "bold")
    text.append(f"  run {update.run_id}", "dim")
    for name, status, conclusion in update.steps if with_steps else ():
        mark, style = _mark(status, conclusion)
        text.append("\n   ")
        text.append(mark, style)
        text.append(f" {name}")
    return text


class BuildView(Static):
    """Each attempt with its job's steps while building; one line per attempt once the verdict is in."""

    _shown: tuple[tuple[BuildUpdate, ...], bool] | None = None

    def show(self, builds: dict[int, BuildUpdate], *, with_steps: bool = True) -> None:
        key = (tuple(builds.values()), with_steps)
        if key == self._shown:
            return
        self._shown = key
        self.display = bool(builds)
        text = Text()
        for attempt in sorted(builds):
            if text:
                text.append("\n")
            text.append_text(attempt_text(builds[attempt], with_steps=with_steps))
        self.update(text)
