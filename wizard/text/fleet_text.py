"""A fleet run's progress in words, shared by its faces (the log lines, the rich bar, the Textual screen)."""

from __future__ import annotations

from typing import IO

from wizard.core.pacing import Pacer
from wizard.engine.fleet import FleetResult
from wizard.engine.fleet_events import SKIPPED, FleetProgress
from wizard.engine.fleet_state import DONE
from wizard.text.durations import duration


def repositories(n: int) -> str:
    return f"{n} {'repository' if n == 1 else 'repositories'}"


def count_words(p: FleetProgress) -> str:
    return f"{p.finished}/{p.total} finished: {p.ok} ok, {p.failed} failed, {p.remaining} to go"


def budget_words(p: FleetProgress) -> str:
    """The write budget, a pause and the time the writes still need, in one phrase ("" for a run without a pacer)."""
    if not p.writes_per_minute:
        return ""
    parts = [f"{p.writes_last_minute}/{p.writes_per_minute} writes in the last minute"]
    if p.paused_for_s > 0:
        parts.append(f"paused by GitHub's rate limit for {duration(p.paused_for_s)}")
    if p.eta_s is not None and p.remaining:
        parts.append(f"~{p.remaining_writes} writes left, about {duration(p.eta_s)} at the budget")
    return "; ".join(parts)


def text_totals(result: FleetResult, pacer: Pacer, *, planned: bool, out: IO[str]) -> None:
    """The run's last lines: the outcomes and writes, then the time a plan's writes take, or what a re-run does."""
    counts = result.outcomes()
    writes = result.writes
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"{len(result.finished)} repositories: {summary}; {writes} write{'s' * (writes != 1)}", file=out)
    if planned:
        expected = pacer.expected_seconds(writes)
        print(f"at {pacer.writes_per_minute} writes a minute, the writes take about {expected:.0f} s", file=out, flush=True)
    elif counts.get(DONE, 0) + counts.get(SKIPPED, 0) < len(result.finished):
        print("run the same command again to retry the others; done repositories are not touched again", file=out, flush=True)
