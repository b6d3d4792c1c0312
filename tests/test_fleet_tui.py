"""`fleet apply --tui`: the fleet screen driven headless against a 5-repository fleet of the sandbox.

One repository is held at its secrets step (tests/fleet_helpers.py Hold) while the others go on, one at a time, so
the screen shows every state at once: done, in progress, queued. Quitting then asks first and says the run
resumes; staying lets it finish; quitting for real stops it, and the next run resumes the stopped ones without a
second commit. One snapshot (120x40, dark) of the held state; the time the writes take is masked.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import DataTable

from tests.engine_helpers import request_log, run_brik
from tests.fleet_helpers import Hold, fleet_parts, seed_fleet, write_fleet
from tests.tui_helpers import screen_text
from wizard.engine.fleet_events import FleetProgress
from wizard.sandbox.seed import DEFAULT_ORG
from wizard.tui.fleet_app import FleetApp, create_fleet_app
from wizard.tui.screens.modals import QuitModal

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fleet_tui")]
SIZE = (120, 40)
HELD = 2  # the third repository waits at its secrets step
ETA = re.compile(r"(about&#160;)\d+(?:m&#160;\d+)?s")  # the writes' time at the budget: masked, it moves with the clock


async def wait_for(pilot: Any, predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen:\n{screen_text(pilot.app)}")
        await pilot.pause(0.01)
    await pilot.pause()


def cell(app: FleetApp, repo: str, column: str) -> str:
    return str(app.fleet_screen.query_one("#repos", DataTable).get_cell(f"{DEFAULT_ORG}/{repo}", column))


def progress(app: FleetApp) -> FleetProgress:
    assert app.fleet_screen.progress is not None
    return app.fleet_screen.progress


def held_fleet(sandbox: Any, tmp_path: Path) -> tuple[FleetApp, Hold, list[str], Any]:
    names = seed_fleet(sandbox, 5)
    parts = fleet_parts(sandbox, write_fleet(tmp_path / "fleet.yml", sandbox, names), concurrency=1)
    hold = Hold(f"{DEFAULT_ORG}/{names[HELD]}", "secrets")
    parts.make = hold.around(parts.make)
    app = create_fleet_app(parts.start, title="fleet.yml", state_path=parts.store.path)
    return app, hold, names, parts


async def until_held(pilot: Any, app: FleetApp, hold: Hold, names: list[str]) -> None:
    await wait_for(pilot, hold.reached.is_set, "the held repository to reach its secrets step")
    await wait_for(pilot, lambda: cell(app, names[HELD], "step") == "Secrets" and progress(app).finished == HELD, "the held row")


def test_the_screen_shows_each_repo_live_and_quitting_asks_first(sandbox, tmp_path: Path, snapshot) -> None:
    app, hold, names, _parts = held_fleet(sandbox, tmp_path)
    try:
        svg = asyncio.run(drive_and_stay(app, hold, names, tmp_path / "fleet.state.json"))
    finally:
        hold.release()
    assert app.return_code == 0 and app.result is not None and app.result.outcomes() == {"done": 5}
    assert snapshot.use_extension(SVGImageExtension) == svg


async def drive_and_stay(app: FleetApp, hold: Hold, names: list[str], tmp_state: Path) -> str:
    """Hold, look (the snapshot's SVG is returned), ask to quit and stay, let it finish, close."""
    async with app.run_test(size=SIZE) as pilot:
        await until_held(pilot, app, hold, names)
        assert [cell(app, n, "state") for n in names] == ["done", "done", "running", "queued", "queued"]
        assert (cell(app, names[0], "writes"), cell(app, names[1], "writes")) == ("3", "2")
        shown = screen_text(app)
        assert "2/5 finished: 2 ok, 0 failed, 3 to go (1 in progress)" in shown
        assert "/80 writes in the last minute" in shown and "writes left" in shown
        svg = ETA.sub(r"\1##s", app.export_screenshot())
        assert "about&#160;##s" in svg and not ETA.search(svg)  # the time was there, and masked

        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QuitModal", "the quit question")
        modal = app.screen
        assert isinstance(modal, QuitModal) and modal.title_text == "Stop the fleet run?"
        assert modal.running == "1 repository in progress, 2 not started yet."
        assert "run the same command again and it resumes" in modal.resume and str(tmp_state) in modal.resume
        assert "Stop the fleet run?" in screen_text(app)  # and it is on screen
        await pilot.press("n")  # stay
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FleetScreen", "the fleet screen again")
        hold.release()
        await wait_for(pilot, app.ended.is_set, "the run to finish")
        await wait_for(pilot, lambda: app.fleet_screen.status_line.startswith("Finished."), "the finished status")
        assert [cell(app, n, "state") for n in names] == ["done"] * 5
        assert "5/5 finished: 5 ok, 0 failed, 0 to go" in screen_text(app)
        await pilot.press("ctrl+q")  # finished: closes without asking
        await pilot.pause()
    return svg


async def drive_and_quit(app: FleetApp, hold: Hold, names: list[str]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until_held(pilot, app, hold, names)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QuitModal", "the quit question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.fleet_screen.status_line.startswith("Stopping"), "the stopping status")
        hold.release()  # its next request is refused: it stops where it is
        await wait_for(pilot, app.ended.is_set, "the run to stop")
        await pilot.pause()


def test_quitting_stops_the_run_and_the_next_run_resumes_it(sandbox, tmp_path: Path) -> None:
    app, hold, names, parts = held_fleet(sandbox, tmp_path)
    try:
        asyncio.run(drive_and_quit(app, hold, names))
    finally:
        hold.release()
    assert app.return_code == 130
    assert app.result is not None
    outcomes = {f.repo.split("/")[1]: f.outcome for f in app.result.finished}
    assert outcomes == {names[0]: "done", names[1]: "done", names[2]: "stopped", names[3]: "stopped", names[4]: "stopped"}
    assert [parts.store.outcome(f"{DEFAULT_ORG}/{n}") for n in names] == ["done", "done", None, None, None]

    path = tmp_path / "fleet.yml"
    again = run_brik("fleet", "apply", str(path), "--yes", "--json", "--validate", "none", env={"GH_TOKEN": sandbox.token})
    assert again.returncode == 0, again.stderr[-2000:]
    assert '"outcome": "skipped"' in again.stdout
    commits = [
        r for r in request_log(sandbox) if r["method"] == "PUT" and r["path"].endswith("/contents/.github/workflows/build-image.yml")
    ]
    assert sorted(r["path"].split("/")[3] for r in commits if 200 <= r["status"] < 300) == names  # one commit each, over both runs
