"""What a check found, as a two-column grid: a bold label, and a value that wraps inside its own column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


def _value(value: Any) -> str | Text:
    if isinstance(value, Text):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def fact_table(rows: Iterable[tuple[str, Any]]) -> Table | None:
    """None when no row has a value (empty values are left out)."""
    kept = [(label, value) for label, value in rows if value not in (None, "", [], {}, ())]
    if not kept:
        return None
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in kept:
        table.add_row(label, _value(value))
    return table


class FactList(Static):
    _rows: list[tuple[str, Any]] | None = None

    def show(self, rows: Iterable[tuple[str, Any]]) -> None:
        rows = list(rows)
        if rows == self._rows:
            return  # an update re-lays out the screen: skip it when nothing changed
        self._rows = rows
        table = fact_table(rows)
        self.display = table is not None
        self.update(table if table is not None else "")
