"""Can the fleet screen (`fleet apply --tui`) keep up with a run of 1,000 repositories?

A run's events, as the runner sends them for N repositories (each queued, started, 8 steps started and done, 6
writes each with its progress, finished with its progress), are posted from a thread as fast as it can, into the
headless fleet app (Textual's pilot, 120x40); the clock stops when the app has handled the run's end, so every
event has been applied to the table. Prints the events handled per second, and the rate a real run sends them at the
default budget (80 writes a minute: the writes set the pace), and how many times faster the screen is.

    .venv/bin/python bench/bench_fleet_screen.py [--repos N]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from targets import NO_TARGET  # bench/targets.py (a script's own folder is on its path)

from wizard.engine.fleet import (
    FleetProgress,
    FleetResult,
    RepoFinished,
    RepoQueued,
    RepoStarted,
    RepoStepDone,
    RepoStepStarted,
)
from wizard.tui.fleet_app import create_fleet_app

STEPS = ("connect", "repository", "preflight", "image", "secrets", "workflow", "validate", "summary")
WRITES_PER_REPO = 6
BUDGET = 80


def events(n: int) -> list[Any]:
    repos = [f"org/service-{i:04d}" for i in range(n)]
    out: list[Any] = [RepoQueued(r, False) for r in repos]
    done = 0
    for i, repo in enumerate(repos):
        out.append(RepoStarted(repo, False))
        for step in STEPS:
            out.append(RepoStepStarted(repo, step, step.title()))
            if step in ("secrets", "workflow"):
                for _ in range(WRITES_PER_REPO // 2):
                    out.append(FleetProgress(total=n, queued=n - i - 1, running=1, outcomes={"done": done}, writes_per_minute=BUDGET))
            out.append(RepoStepDone(repo, step, "changed", "ok"))
        done += 1
        out.append(RepoFinished(repo, "done", None, WRITES_PER_REPO))
        out.append(FleetProgress(total=n, queued=n - i - 1, running=0, outcomes={"done": done}, writes_per_minute=BUDGET))
    return out


class Replay:
    """Stands in for the runner: sends the prepared events, then returns the run's result."""

    def __init__(self, emit: Any, prepared: list[Any]) -> None:
        self.emit, self.prepared = emit, prepared

    def run(self) -> FleetResult:
        for event in self.prepared:
            self.emit(event)
        return FleetResult([e for e in self.prepared if isinstance(e, RepoFinished)])

    def stop(self) -> None:
        pass


async def handle_all(prepared: list[Any]) -> float:
    app = create_fleet_app(lambda emit: Replay(emit, prepared), title="fleet.yml", state_path=None)  # type: ignore[arg-type,return-value]
    async with app.run_test(size=(120, 40)) as pilot:
        start = time.perf_counter()
        while not app.fleet_screen.status_line.startswith("Finished."):
            await pilot.pause(0.01)
        elapsed = time.perf_counter() - start
        await pilot.press("q")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=1000)
    n = parser.parse_args().repos
    prepared = events(n)
    elapsed = asyncio.run(handle_all(prepared))
    rate = len(prepared) / elapsed
    run_minutes = n * WRITES_PER_REPO / BUDGET
    run_rate = len(prepared) / (run_minutes * 60)
    print(f"{n} repositories: {len(prepared)} events handled in {elapsed:.1f} s: {rate:.0f} events/s")
    print(f"a real run sends them over about {run_minutes:.0f} min at {BUDGET} writes a minute: {run_rate:.1f} events/s")
    print(f"the screen handles them {rate / run_rate:.0f}x as fast as they come")
    print(NO_TARGET)


if __name__ == "__main__":
    main()
