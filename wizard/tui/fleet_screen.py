"""The fleet screen: one row per repository with its live state, current step, writes and last word; above it
the counts, a progress bar, the write budget's use and the time the writes still need.

It renders what the app hands it (the run's events, on the UI thread); it never calls the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, ProgressBar, Static
from textual.widgets.data_table import ColumnKey

from wizard.engine.events import StepWarning
from wizard.engine.fleet_events import (
    FAILED_OUTCOMES,
    QUEUED,
    RUNNING,
    FleetProgress,
    RepoEvent,
    RepoFinished,
    RepoQueued,
    RepoStarted,
    RepoStepStarted,
)
from wizard.text.fleet_text import budget_words, count_words
from wizard.tui.model import LABELS
from wizard.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from wizard.engine.fleet import FleetEvent

# (key, label, width): None sizes the column to its widest cell so far.
COLUMNS = (("repo", "Repository", None), ("state", "State", 17), ("step", "Step", 12), ("writes", "Writes", 6), ("note", "Note", None))
STATE_STYLE = {  # rich colours, as the verdict table's (wizard/tui/widgets/verdict_view.py)
    QUEUED: "dim",
    RUNNING: "bold cyan",
    "done": "bold green",
    "skipped": "dim",
    "planned": "cyan",
    "paused": "yellow",
    "stopped": "yellow",
    **dict.fromkeys(FAILED_OUTCOMES, "bold red"),
}
NOTE_WIDTH = 60  # a long message is cut in the table (the log lines and --json carry it whole)


class FleetScreen(Screen[None]):
    def __init__(self, *, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.progress: FleetProgress | None = None
        self.status_line = "Running. Ctrl+Q stops the run (it asks first)."

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(self.title_text, id="fleet-title")
        yield Static(id="fleet-counts")
        yield ProgressBar(id="fleet-bar", show_eta=False)
        yield Static(id="fleet-budget")
        table: DataTable[Text | str] = DataTable(id="repos", cursor_type="row", zebra_stripes=True)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        yield table
        yield Static(self.status_line, id="fleet-status")
        yield KeyBar()

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#repos", DataTable)

    # -- the run's events -------------------------------------------------------------------------------------
    def show(self, event: FleetEvent) -> None:
        if isinstance(event, RepoQueued):
            self.table.add_row(event.repo, self._state(QUEUED), "", "", "validation build" if event.validate else "", key=event.repo)
        elif isinstance(event, RepoStarted):
            self._cells(event.repo, state=self._state(RUNNING), note="")
        elif isinstance(event, RepoStepStarted):
            self._cells(event.repo, step=LABELS.get(event.step, event.step))
        elif isinstance(event, RepoEvent) and isinstance(event.event, StepWarning):
            self._cells(event.repo, note=self._note(event.event.message, "yellow"))
        elif isinstance(event, RepoFinished):
            failed = event.outcome in FAILED_OUTCOMES
            note = self._note(event.message or "", "red" if failed else "")
            self._cells(event.repo, state=self._state(event.outcome), writes=str(event.writes), note=note)
        elif isinstance(event, FleetProgress):
            self._progress(event)

    def _cells(self, repo: str, **cells: Text | str) -> None:
        table = self.table
        for column, value in cells.items():
            # The note column only grows: asked to fit a narrower cell, the table measures every cell of the column
            # again (a thousand rows, at every repository's start and end).
            width = value.cell_len if isinstance(value, Text) else Text(value).cell_len
            grows = column == "note" and width > table.columns[ColumnKey(column)].content_width
            table.update_cell(repo, column, value, update_width=grows)

    @staticmethod
    def _state(state: str) -> Text:
        return Text(state, style=STATE_STYLE.get(state, ""))

    @staticmethod
    def _note(message: str, style: str) -> Text:
        first = message.splitlines()[0] if message else ""
        return Text(first if len(first) <= NOTE_WIDTH else first[: NOTE_WIDTH - 1] + "…", style=style)

    def _progress(self, p: FleetProgress) -> None:
        self.progress = p
        self.query_one("#fleet-counts", Static).update(count_words(p) + (f" ({p.running} in progress)" if p.running else ""))
        bar = self.query_one("#fleet-bar", ProgressBar)
        bar.update(total=p.total, progress=p.finished)
        budget = budget_words(p)
        self.query_one("#fleet-budget", Static).update(budget[:1].upper() + budget[1:])

    # -- the run's end ------------------------------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.status_line = text
        self.query_one("#fleet-status", Static).update(text)
