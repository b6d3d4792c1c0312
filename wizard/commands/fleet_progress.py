"""The faces of a fleet run outside Textual, and the choice between them.

- `--json`: one JSON object per line for each repository event (queued, started, each step started and done, a
  warning, the outcome as `"event": "repo"`), a line when GitHub's rate limit pauses the run, then the totals;
- no terminal (CI logs): one plain line per event, the outcomes on stdout and the rest on stderr;
- a terminal: a rich progress display (fleet_rich.py);
- `--tui`: the Textual fleet screen (wizard/tui/fleet_app.py).

Each face gets the run as a `start(emit) -> FleetRunner` and runs it, so the Textual face can run it in its own
worker; every face prints the same totals at the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from wizard.core.clock import CLOCK
from wizard.core.pacing import Pacer
from wizard.engine.events import StepWarning
from wizard.engine.fleet import (
    FleetEvent,
    FleetProgress,
    FleetResult,
    FleetRunner,
    RepoEvent,
    RepoFinished,
    RepoQueued,
    RepoStarted,
    RepoStepDone,
    RepoStepStarted,
)
from wizard.text.fleet_text import budget_words, count_words, repositories, text_totals

Emit = Callable[[FleetEvent], None]
Start = Callable[[Emit], FleetRunner]
PROGRESS_EVERY_S = 60.0  # a CI log's progress line, at most this often (and at every pause)


class FleetFace(Protocol):
    def run(self, start: Start) -> FleetResult: ...
    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None: ...


def fleet_face(*, json_out: bool, tui: bool, total: int, state_path: Path | None, title: str) -> FleetFace:
    if json_out:
        return JsonFace()
    if tui:
        from wizard.tui.fleet_app import TuiFace  # Textual loads only for the full screen

        return TuiFace(total=total, state_path=state_path, title=title)
    from rich.console import Console

    console = Console(file=sys.stdout)
    if console.is_interactive:  # a terminal that redraws (not dumb, not a pipe or a CI log)
        from wizard.commands.fleet_rich import RichFace

        return RichFace(console, total=total)
    return LineFace(total=total)


class LineFace:
    """One plain line per event, for logs: outcomes (`[k/N] repo: outcome`) on stdout, the rest on stderr."""

    def __init__(self, *, total: int, out: IO[str] | None = None, err: IO[str] | None = None) -> None:
        self.total, self.finished = total, 0
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self._queued = 0
        self._announced = False
        self._last_line = CLOCK.monotonic()
        self._paused = False

    def run(self, start: Start) -> FleetResult:
        return start(self.event).run()

    def _say(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def event(self, event: FleetEvent) -> None:
        if isinstance(event, RepoQueued):
            self._queued += 1
        elif isinstance(event, FleetProgress):
            self._progress(event)
        elif isinstance(event, RepoStarted):
            self._say(f"  … {event.repo}{' (with a validation build)' if event.validate else ''}")
        elif isinstance(event, RepoStepDone):
            self._say(f"  · {event.repo}: {event.step}: {event.message}")
        elif isinstance(event, RepoEvent) and isinstance(event.event, StepWarning):
            hint = f" ({event.event.hint})" if event.event.hint else ""
            self._say(f"  ! {event.repo}: {event.event.step}: {event.event.message}{hint}")
        elif isinstance(event, RepoFinished):
            self.finished += 1
            why = f": {event.message}" if event.message else ""
            writes = f", {event.writes} write{'s' * (event.writes != 1)}" if event.writes else ""
            print(f"[{self.finished}/{self.total}] {event.repo}: {event.outcome}{writes}{why}", file=self.out, flush=True)

    def _progress(self, p: FleetProgress) -> None:
        if not self._announced:
            self._announced = True
            self._say(f"{repositories(self._queued)} queued")
            return
        paused = p.paused_for_s > 0
        started_pause, self._paused = paused and not self._paused, paused
        now = CLOCK.monotonic()
        if started_pause or (now - self._last_line >= PROGRESS_EVERY_S and p.remaining):
            self._last_line = now
            budget = budget_words(p)
            self._say(f"progress: {count_words(p)}" + (f"; {budget}" if budget else ""))

    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None:
        text_totals(result, pacer, planned=planned, out=self.out)


class JsonFace:
    """One JSON object per line on stdout: each repository event, a pause, then the totals."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out or sys.stdout
        self._paused = False

    def run(self, start: Start) -> FleetResult:
        return start(self.event).run()

    def event(self, event: FleetEvent) -> None:
        if isinstance(event, RepoQueued):
            self._json({"event": "queued", "repo": event.repo, "validate": event.validate})
        elif isinstance(event, RepoStarted):
            self._json({"event": "started", "repo": event.repo, "validate": event.validate})
        elif isinstance(event, RepoStepStarted):
            self._json({"event": "step", "phase": "started", "repo": event.repo, "step": event.step, "title": event.title})
        elif isinstance(event, RepoStepDone):
            line = {"event": "step", "phase": "done", "repo": event.repo, "step": event.step, "outcome": event.outcome}
            self._json({**line, "message": event.message})
        elif isinstance(event, RepoEvent) and isinstance(event.event, StepWarning):
            warning = event.event
            self._json({"event": "warning", "repo": event.repo, "step": warning.step, "message": warning.message, "hint": warning.hint})
        elif isinstance(event, RepoFinished):
            self._json({"event": "repo", **vars(event)})  # the outcome line, as it always was
        elif isinstance(event, FleetProgress):
            paused = event.paused_for_s > 0
            if paused and not self._paused:
                self._json(
                    {
                        "event": "paused",
                        "seconds": round(event.paused_for_s, 1),
                        "writes_last_minute": event.writes_last_minute,
                        "writes_per_minute": event.writes_per_minute,
                    }
                )
            self._paused = paused

    def totals(self, result: FleetResult, pacer: Pacer, *, planned: bool) -> None:
        counts = result.outcomes()
        totals: dict[str, Any] = {"event": "totals", "repos": len(result.finished), "outcomes": counts, "writes": result.writes}
        if planned:
            totals["expected_seconds"] = round(pacer.expected_seconds(result.writes), 1)
            totals["writes_per_minute"] = pacer.writes_per_minute
        else:
            totals["budget_waits"], totals["rate_limit_pauses"] = pacer.stats.budget_waits, pacer.stats.pauses
        self._json(totals)

    def _json(self, obj: dict[str, Any]) -> None:
        self.out.write(json.dumps(obj, sort_keys=True) + "\n")
        self.out.flush()
