"""The validation build as it runs: each attempt's status, elapsed time and job steps, then its log's last lines
(GitHub writes a job's log when the job completes; until then its steps are what can be shown live).

The log lines come from the repository's build: they are shown as Text (never parsed as markup), already
cleaned of escape sequences and masked by the engine (wizard.core.log_tail).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from wizard.engine.events import BuildUpdate
from wizard.text.durations import duration

STEP_MARKS = {
    ("completed", "success"): ("✔", "green"),
    ("completed", "failure"): ("✖", "bold red"),
    ("completed", "skipped"): ("–", "dim"),
    ("completed", "cancelled"): ("✖", "yellow"),
    ("in_progress", None): ("⟳", "bold yellow"),
}
TAIL_SHOWN = 5  # log lines under a completed attempt while the build runs
TAIL_WIDTH = 120  # characters of a log line: a longer one would wrap over several rows


def _mark(status: str, conclusion: str | None) -> tuple[str, str]:
    return STEP_MARKS.get((status, conclusion)) or STEP_MARKS.get((status, None)) or ("○", "dim")


def attempt_text(update: BuildUpdate, *, with_steps: bool = True) -> Text:
    text = Text()
    mark, style = _mark(update.status, update.conclusion)
    text.append(f"{mark} Attempt {update.attempt}", style)
    text.append(f"  {update.status}" + (f" ({update.conclusion})" if update.conclusion else ""), "bold")
    if with_steps and update.elapsed_s is not None and update.status != "queued":
        text.append(f"  {duration(update.elapsed_s)}", "bold")
    text.append(f"  run {update.run_id}", "dim")
    # A running attempt lists its steps (what GitHub shows live); a completed one, its log's last lines.
    for name, status, conclusion in update.steps if with_steps and update.status != "completed" else ():
        mark, style = _mark(status, conclusion)
        text.append("\n   ")
        text.append(mark, style)
        text.append(f" {name}")
    if with_steps and update.log_tail:
        text.append("\n   log, last lines:", "dim")
        for line in update.log_tail[-TAIL_SHOWN:]:
            text.append("\n   │ ", "dim")
            # Plain text: brackets in a build's output are not Rich markup.
            text.append(line if len(line) <= TAIL_WIDTH else line[: TAIL_WIDTH - 1] + "…")
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
