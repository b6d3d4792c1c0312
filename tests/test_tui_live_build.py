"""The validation build while it runs, in the TUI: each attempt's status and elapsed time, its steps, the log's
last lines once an attempt completed, and the key that opens the current attempt's run.

The sandbox runs in real time on a clock the test moves (so a run stays in progress as long as the test wants,
with no sleep), and the session reads the same clock: elapsed times are exact and the snapshots deterministic.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension

from tests.tui_helpers import FLOW, REPO_NAME, REPO_OWNER, complete_steps, decline_targets, screen_text, wait_for, wait_screen, wait_status
from wizard.engine.events import BuildUpdate
from wizard.tui.model import DONE, READY

START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)  # a fixed start: the emulated build's timings derive from it
SHOWN_PORT = 47813  # the port the snapshots show, whatever port the sandbox got
# A completed attempt's time (GitHub's start and end, whole seconds) still varies by a second between runs of this
# test: it is masked; the running attempt's time (the test's clock) is shown as is.
COMPLETED_TIME = re.compile(r"(\(success\)</text><text [^>]*>&#160;&#160;)(?:\d+m&#160;)?\d+s")
UP_TO_VALIDATE = FLOW[: FLOW.index("validate")]
pytestmark = [pytest.mark.wall_clock, pytest.mark.slow]  # wall_clock: the test moves the clock itself


class MovedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def held_sandbox() -> Iterator[tuple[Any, MovedClock]]:
    from wizard.sandbox import Sandbox

    with Sandbox(time_factor=1.0) as sandbox:
        clock = MovedClock(START)
        sandbox.state.clock = clock
        yield sandbox, clock


def live_wizard(sandbox: Any, workdir: Path, clock: Callable[[], datetime]) -> Any:
    """The wizard on the sandbox's sample repo, its session on the test's clock."""
    from wizard.app.demo import DemoEnv
    from wizard.engine.session import Options
    from wizard.tui.app import create_app

    factory = DemoEnv(sandbox, workdir, {"GH_TOKEN": sandbox.token}).factory(Options(poll_interval_s=0.1, live_steps=True))

    def on_clock(questioner: Any, emit: Any) -> Any:
        session = factory(questioner, emit)
        session.clock = clock
        return session

    return create_app(on_clock)


def attempt_of(sandbox: Any, number: int) -> Any:
    repo = sandbox.state.find_repo(REPO_OWNER, REPO_NAME)
    with sandbox.state.lock:
        (run,) = repo.runs.values()
        return run.attempt(number)


def build(app: Any, attempt: int) -> BuildUpdate | None:
    return app.journey["validate"].builds.get(attempt)


async def hold_in_progress(pilot: Any, sandbox: Any, clock: MovedClock, number: int) -> float:
    """Move the clock to the middle of the attempt's build job; wait until the wizard shows it running."""
    await wait_for(pilot, lambda: attempt_of(sandbox, number) is not None, f"attempt {number} to start")
    attempt = attempt_of(sandbox, number)
    job = attempt.jobs[0]
    offset = job.queue_s + job.duration_s / 2
    clock.now = attempt.created_at + timedelta(seconds=offset)
    app = pilot.app

    def shown() -> bool:
        update = build(app, number)
        return update is not None and update.status == "in_progress" and update.elapsed_s == int(offset) and bool(update.steps)

    await wait_for(pilot, shown, f"attempt {number} in progress")
    return offset


async def finish_attempt(pilot: Any, sandbox: Any, clock: MovedClock, number: int) -> None:
    attempt = attempt_of(sandbox, number)
    end = max(job.queue_s + job.duration_s for job in attempt.jobs)  # one job per target: the last one to finish
    # Whole seconds: the next attempt starts at this time, and GitHub's timestamps have no fractions.
    clock.now = attempt.created_at + timedelta(seconds=math.ceil(end) + 1)
    await wait_for(pilot, lambda: bool((u := build(pilot.app, number)) and u.log_tail), f"attempt {number}'s log tail")


async def on_screen(pilot: Any, words: str) -> None:
    """Wait until the screen shows `words` (the model changes first; the screen renders it a moment later)."""
    await wait_for(pilot, lambda: words in screen_text(pilot.app), repr(words))


def release(clock: MovedClock) -> None:
    """Let every build finish (a failed assertion must not leave the engine's worker polling a held run)."""
    clock.now += timedelta(days=1)


async def start_validation(pilot: Any) -> None:
    await complete_steps(pilot, UP_TO_VALIDATE[: UP_TO_VALIDATE.index("image")])
    await decline_targets(pilot)  # one image: one build job to follow
    await complete_steps(pilot, UP_TO_VALIDATE[UP_TO_VALIDATE.index("image") :])
    await wait_status(pilot, "validate", READY)
    await pilot.press("ctrl+n")
    await wait_screen(pilot, "ConfirmModal")
    await pilot.press("y")


def test_validate_screen_shows_elapsed_steps_log_tail_and_opens_the_run(held_sandbox, tmp_path: Path) -> None:
    sandbox, clock = held_sandbox
    app = live_wizard(sandbox, tmp_path, clock)
    opened: list[str] = []
    app.open_link = opened.append  # type: ignore[method-assign]  # no browser in a test

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            try:
                await check(pilot)
            finally:
                release(clock)

    async def check(pilot: Any) -> None:
        if True:
            await start_validation(pilot)
            offset = await hold_in_progress(pilot, sandbox, clock, 1)
            await on_screen(pilot, f"Attempt 1  in_progress  {int(offset)}s")
            text = screen_text(app)
            assert "⟳ " in text  # the running step is marked as running
            await finish_attempt(pilot, sandbox, clock, 1)
            await hold_in_progress(pilot, sandbox, clock, 2)
            first, second = build(app, 1), build(app, 2)
            assert first is not None and second is not None
            assert first.status == "completed" and first.elapsed_s is not None and first.elapsed_s > offset
            await on_screen(pilot, "Attempt 2  in_progress")
            text = screen_text(app)
            assert "log, last lines:" in text and first.log_tail[-1] in text, text
            await pilot.press("o")
            assert opened == [second.html_url]
            await finish_attempt(pilot, sandbox, clock, 2)
            await wait_status(pilot, "validate", DONE)
            assert app.journey["validate"].verdict is not None and app.journey["validate"].verdict.passed

    asyncio.run(scenario())
    updates = [e for e in app.event_log if isinstance(e, BuildUpdate)]
    for number in (1, 2):
        mine = [u for u in updates if u.attempt == number]
        # While it runs the elapsed time (the session's clock) only moves on; once completed it is GitHub's own
        # start-to-end time, and the attempt's last update carries its log's tail.
        running = [u.elapsed_s for u in mine if u.status == "in_progress"]
        assert running == sorted(running) and running, running
        attempt = attempt_of(sandbox, number)
        job = attempt.jobs[0]
        assert mine[-1].status == "completed" and mine[-1].elapsed_s == int(job.queue_s + job.duration_s)
        assert mine[-1].log_tail


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_mid_build(size: tuple[int, int], held_sandbox, tmp_path: Path, snapshot) -> None:
    """Attempt 1 done (elapsed, log tail), attempt 2 half-way through its build: what the validate screen shows."""
    sandbox, clock = held_sandbox
    app = live_wizard(sandbox, tmp_path, clock)
    shots: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            try:
                await capture(pilot)
            finally:
                release(clock)

    async def capture(pilot: Any) -> None:
        if True:
            await start_validation(pilot)
            await hold_in_progress(pilot, sandbox, clock, 1)
            await finish_attempt(pilot, sandbox, clock, 1)
            offset = await hold_in_progress(pilot, sandbox, clock, 2)
            await on_screen(pilot, f"Attempt 2  in_progress  {int(offset)}s")
            await on_screen(pilot, "log, last lines:")
            await pilot.pause()
            app.screen.query_one("#builds").scroll_visible(top=True, animate=False)
            await pilot.pause()
            await pilot.pause(0.05)
            shots.append(app.export_screenshot())

    asyncio.run(scenario())
    port = int(sandbox.base_url.rsplit(":", 1)[1])
    svg = COMPLETED_TIME.sub(r"\1##s", shots[0].replace(f"127.0.0.1:{port}", f"127.0.0.1:{SHOWN_PORT}"))
    assert snapshot.use_extension(SVGImageExtension) == svg
