"""The fleet run on a terminal (not under Textual): one rich progress bar for the whole run (finished of total,
ok / failed / to go, the writes of the last minute against the budget, the time the writes still need), a line
under it for each repository in progress (its current step), and each outcome printed above as it comes, so
the terminal keeps the record once the bar is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.text import Text

from wizard.commands.fleet_progress import Start
from wizard.core.pacing import Pacer
from wizard.engine.fleet import FleetEvent, FleetProgress, FleetResult, RepoFinished, RepoStarted, RepoStepStarted
from wizard.engine.fleet_events import FAILED_OUTCOMES, STOPPED
from wizard.text.durations import duration
from wizard.text.fleet_text import text_totals

OUTCOME_STYLE = {"done": "green", "skipped": "dim", "planned": "cyan", "paused": "yellow", STOPPED: "yellow"}
MAX_RUNNING_LINES = 8  # repositories in progress listed under the bar (the rest are counted)


class _FleetProgress(Progress):
    """The bar, then the repositories in progress."""

    def __init__(self, *columns: Any, console: Console) -> None:
        self._running: dict[str, str] = {}  # repo -> its current step; the workers write, the refresh thread reads
        self._running_lock = threading.Lock()
        super().__init__(*columns, console=console, transient=False, refresh_per_second=4)  # renders once: after these

    def set_running(self, repo: str, step: str | None) -> None:
        """`step` None: the repository is no longer in progress."""
        with self._running_lock:
            if step is None:
                self._running.pop(repo, None)
            else:
                self._running[repo] = step

    def is_running(self, repo: str) -> bool:
        with self._running_lock:
            return repo in self._running

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        with self._running_lock:
            running = list(self._running.items())
        for repo, step in running[:MAX_RUNNING_LINES]:
            yield Text.assemble("  ", (repo, "bold"), (f"  {step}", "dim"))
        if len(running) > MAX_RUNNING_LINES:
            yield Text(f"  … and {len(running) - MAX_RUNNING_LINES} more in progress", style="dim")


class RichFace:
    def __init__(self, console: Console, *, total: int) -> None:
        self.console, self.total = console, total
        self.progress = _FleetProgress(
            SpinnerColumn(),
            TextColumn("[bold]fleet"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("{task.fields[budget]}", style="dim"),
            console=console,
        )
        self.task = self.progress.add_task("fleet", total=total, counts="", budget="")

    def run(self, start: Start) -> FleetResult:
        with self.progress:
            return start(self.event).run()

    def event(self, event: FleetEvent) -> None:
        if isinstance(event, RepoStarted):
            self.progress.set_running(event.repo, "starting")
        elif isinstance(event, RepoStepStarted) and self.progress.is_running(event.repo):
            self.progress.set_running(event.repo, event.step)
        elif isinstance(event, RepoFinished):
            self.progress.set_running(event.repo, None)
            style = "red" if event.outcome in FAILED_OUTCOMES else OUTCOME_STYLE.get(event.outcome, "")
            line = Text.assemble((event.repo, "bold"), ": ", (event.outcome, style))
            if event.writes:
                line.append(f", {event.writes} write{'s' * (event.writes != 1)}")
            if event.message:
                line.append(f": {event.message}")
            self.progress.console.print(line)
        elif isinstance(event, FleetProgress):
            self.progress.update(self.task, completed=event.finished, counts=self._counts(event), budget=self._budget(event))

    @staticmethod
    def _counts(p: FleetProgress) -> str:
        return f"{p.ok} ok · {p.failed} failed · {p.remaining} to go"

    @staticmethod
    def _budget(p: FleetProgress) -> str:
        if not p.writes_per_minute:
            return ""
        parts = [f"{p.writes_last_minute}/{p.writes_per_minute} writes/min"]
        if p.paused_for_s > 0:
            parts.append(f"paused {duration(p.paused_for_s)}")
        if p.eta_s is not None and p.remaining:
            parts.append(f"ETA {duration(p.eta_s)}")
        return " · ".join(parts)

    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None:
        text_totals(result, pacer, planned=planned, out=self.console.file)
