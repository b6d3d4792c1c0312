"""Render engine events as plain text lines: the face of `apply`, `validate` and `demo --headless`."""

from __future__ import annotations

import sys
from typing import TextIO

from wizard.engine.events import BuildUpdate, Event, Progress, StepChecked, StepDone, StepStarted, StepWarning, VerdictReady
from wizard.text.durations import duration

# A diff longer than this (a whole new reusable workflow) is cut in the terminal: its first lines say what it is.
MAX_DIFF_LINES = 60


class TextRenderer:
    def __init__(self, out: TextIO | None = None, *, show_diffs: bool = True, compact: bool = False) -> None:
        self.out = out or sys.stdout
        self.show_diffs = show_diffs and not compact
        self.compact = compact  # one line per step, warnings, and the verdict table
        self._last_build: tuple[int, str] | None = None

    def __call__(self, event: Event) -> None:
        for line in self.lines(event):
            print(line, file=self.out, flush=True)

    def lines(self, event: Event) -> list[str]:
        if self.compact:
            return self._compact(event)
        if isinstance(event, StepStarted):
            return [f"== {event.title}"]
        if isinstance(event, StepChecked):
            facts = vars(event.result) if event.result is not None else {}
            out = [
                f"   {k.replace('_', ' ')}: {_fact(v)}"
                for k, v in facts.items()
                if k not in ("workflow",) and v not in (None, "", [], {}, ())
            ]
            for change in event.changes:
                out.append(f"   - {change.summary}")
                if self.show_diffs and change.detail and change.is_write:
                    lines = change.detail.splitlines()
                    shown = lines if len(lines) <= MAX_DIFF_LINES else lines[:MAX_DIFF_LINES]
                    out += ["       " + line for line in shown]
                    if len(lines) > len(shown):
                        out.append(f"       ... and {len(lines) - len(shown)} more lines")
            return out
        if isinstance(event, StepWarning):
            return [f"   warning: {event.message}"] + ([f"   hint: {event.hint}"] if event.hint else [])
        if isinstance(event, Progress):
            return [f"   ... {event.message}"]
        if isinstance(event, BuildUpdate):
            key = (event.attempt, event.status)
            if key == self._last_build:
                return []
            self._last_build = key
            result = f" ({event.conclusion})" if event.conclusion else ""
            if event.elapsed_s is not None and event.status != "queued":
                # A terminal that is not redrawn gets one line per status: the end one says how long it took.
                result += f" in {duration(event.elapsed_s)}" if event.status == "completed" else f", {duration(event.elapsed_s)} so far"
            return [f"   attempt {event.attempt}: {event.status}{result}  {event.html_url}"]
        if isinstance(event, VerdictReady):
            return verdict_lines(event)
        if isinstance(event, StepDone):
            return [f"   {event.outcome}: {event.message}"]
        return []

    def _compact(self, event: Event) -> list[str]:
        if isinstance(event, BuildUpdate) and event.status == "completed" and self._last_build != (event.attempt, event.status):
            self._last_build = (event.attempt, event.status)
            took = f" in {duration(event.elapsed_s)}" if event.elapsed_s is not None else ""
            return [f"{event.step:<11} attempt {event.attempt} {event.conclusion or 'completed'}{took}  {event.html_url}"]
        if isinstance(event, StepDone):
            return [f"{event.step:<11} {event.outcome:<9} {event.message}"]
        if isinstance(event, StepWarning):
            return [f"{event.step:<11} warning   {event.message}"]
        if isinstance(event, VerdictReady):
            return verdict_lines(event)
        return []


def _fact(value: object) -> str:
    """A fact as a person reads it: lists and mappings joined, not Python reprs."""
    if isinstance(value, dict):
        return ", ".join(str(k) for k in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def verdict_lines(event: VerdictReady) -> list[str]:
    """The table (a column per attempt; several targets: per target and attempt), times, leak audit, verdict."""
    several = len(event.columns) > 2
    width = min(max([len(r.instruction) for r in event.table] + [11]), 40 if several else 60)
    # One target: the attempts' columns as they always were; several: each as wide as its longest word.
    cells = [max([len(col)] + [len(r.cells[i]) for r in event.table]) if several else 24 for i, col in enumerate(event.columns)]
    *padded, last = event.columns
    out = [f"   {'instruction':<{width}}  " + "".join(f"{c:<{w}}  " for c, w in zip(padded, cells, strict=False)) + last]
    for row in event.table:
        text = row.instruction if len(row.instruction) <= width else row.instruction[: width - 1] + "…"
        *first, end = row.cells
        out.append(f"   {text:<{width}}  " + "".join(f"{c:<{w}}  " for c, w in zip(first, cells, strict=False)) + end)
    for t in event.targets:
        timed = t.attempt1_s is not None and t.attempt2_s is not None
        times = f" (attempt 1 {t.attempt1_s:.0f}s, attempt 2 {t.attempt2_s:.0f}s)" if timed else ""
        out.append(f"   target {t.target}: {'PASS' if t.passed else 'FAIL'}{times}")
    f = event.facts
    if f is not None and f.attempt1_s is not None and f.attempt2_s is not None and not event.targets:  # else: per target above
        saving = f.saving_s
        out.append(
            f"   build time: attempt 1 {f.attempt1_s:.0f}s, attempt 2 {f.attempt2_s:.0f}s"
            + (f", saved {saving:.0f}s" if saving is not None else "")
        )
    if f is not None and f.warmed_before:
        out.append("   note: attempt 1 already hit a cache an earlier build warmed")
    out.append(f"   leak audit: {'clean' if not event.leaks else f'{event.leaks} finding(s)'}")
    out.append(f"   verdict: {'PASS' if event.passed else 'FAIL'}")
    out += [f"     - {r}" for r in event.reasons]
    return out
