"""The verdict: one row per Dockerfile instruction (attempt 1, attempt 2), the saving, the leak audit, the diagnosis."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wizard.engine.events import VerdictReady

RESULT_STYLES = {"hit": "bold green", "miss": "bold red", "built": "yellow", "not cached": "dim", "not built": "dim"}
ATTEMPT_WIDTHS = (22, 10)  # the longest results: "built, pushed to cache", "not cached"


def _result(value: str) -> Text:
    style = next((s for word, s in RESULT_STYLES.items() if value.startswith(word)), "")
    return Text(value, style=style)


def verdict_head(event: VerdictReady) -> Text:
    text = Text()
    text.append(" PASS " if event.passed else " FAIL ", "bold reverse green" if event.passed else "bold reverse red")
    text.append("  the second build hit the layer cache" if event.passed else "  the cache did not prove itself")
    return text


def verdict_tail(event: VerdictReady) -> Text:
    f = event.facts
    text = Text()
    width = max((len(t.target) for t in event.targets), default=0)
    for t in event.targets:  # several targets: each one's own verdict and times
        text.append(f"Target {t.target:<{width}}  ", "bold")
        text.append("PASS" if t.passed else "FAIL", "bold green" if t.passed else "bold red")
        if t.attempt1_s is not None and t.attempt2_s is not None:
            text.append(f"  attempt 1 {t.attempt1_s:.0f}s, attempt 2 {t.attempt2_s:.0f}s")
        text.append("\n")
    if f is not None and f.attempt1_s is not None and f.attempt2_s is not None and not event.targets:
        text.append("Build time  ", "bold")
        text.append(f"attempt 1 {f.attempt1_s:.0f}s, attempt 2 {f.attempt2_s:.0f}s")
        if f.saving_s is not None:
            text.append(f", saved {f.saving_s:.0f}s", "bold green" if f.saving_s > 0 else "")
        text.append("\n")
    if f is not None and f.warmed_before:
        text.append("Note        attempt 1 already hit a cache an earlier build warmed\n", "italic")
    text.append("Leak audit  ", "bold")
    text.append("clean" if not event.leaks else f"{event.leaks} finding(s)", "green" if not event.leaks else "bold red")
    for reason in event.reasons:
        text.append("\n• ", "bold red" if not event.passed else "dim")
        text.append(str(reason))
    return text


class VerdictView(Vertical):
    DEFAULT_CSS = """
    VerdictView { height: auto; }
    VerdictView DataTable { height: auto; max-height: 20; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="verdict-head")
        yield DataTable(id="verdict-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="verdict-tail")

    _event: VerdictReady | None = None
    _width = 0

    def on_resize(self, event: events.Resize) -> None:
        # The view is hidden (width 0) until the verdict arrives: size the columns again once it is laid out.
        if self._event is not None and event.size.width != self._width:
            self.show(self._event)

    def show(self, event: VerdictReady | None) -> None:
        self.display = event is not None
        if event is None or (event is self._event and self.size.width == self._width):
            return
        self._event = event
        self.query_one("#verdict-head", Static).update(verdict_head(event))
        self.query_one("#verdict-tail", Static).update(verdict_tail(event))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self._width = self.size.width
        width = max(self.size.width or 60, 40)
        # One target: the two attempts' columns as wide as their longest results. Several: a column per target
        # and attempt, each as wide as what it holds (the table scrolls sideways when they do not fit).
        widths: tuple[int, ...] = ATTEMPT_WIDTHS
        if len(event.columns) > 2:
            widths = tuple(max([len(col)] + [len(r.cells[i]) for r in event.table]) for i, col in enumerate(event.columns))
        # A cell's padding is 1 on each side; the instruction takes what is left.
        instruction_width = max(width - sum(widths) - 2 * (len(widths) + 1) - 2, 14)
        table.add_column("instruction", width=instruction_width, key="instruction")
        for i, (label, column_width) in enumerate(zip(event.columns, widths, strict=True)):
            table.add_column(label, width=column_width, key=f"attempt{i + 1}" if len(widths) == 2 else f"column{i}")
        for row in event.table:
            instruction = " ".join(row.instruction.split())
            if len(instruction) > instruction_width:
                instruction = instruction[: instruction_width - 1] + "…"
            table.add_row(instruction, *(_result(cell) for cell in row.cells))
