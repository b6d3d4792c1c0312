"""The full-screen wizard proposes test and production images for the demo's Dockerfile, shows the recommended
Kaniko flags one line each, and its verdict has a column per target and attempt."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from tests.tui_helpers import complete_step, complete_steps, wait_for, wait_status, wizard_on

pytestmark = pytest.mark.slow


def test_the_tui_proposes_two_targets_and_judges_each(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            await wait_status(pilot, "image", "ready")
            assert app.screen.query_one("#target", Input).value == "test, production"
            hint = str(app.screen.query_one("#target-hint", Static).render())
            assert "proposed: the Dockerfile has test and production stages" in hint
            await complete_steps(pilot, ("image",))
            assert app.plan().target == ("test", "production")  # the proposal, taken, is the answer
            await complete_steps(pilot, ("secrets",))
            await wait_status(pilot, "workflow", "ready")
            flags = str(app.screen.query_one("#kaniko_args-hint", Static).render())
            assert "--snapshot-mode=redo: snapshots compare file metadata" in flags
            assert "--use-new-run: " in flags and "--compressed-caching=false: " in flags
            await complete_steps(pilot, ("workflow",))
            await complete_step(pilot, "validate")  # it stays on the verdict
            verdict = app.journey["validate"].verdict
            assert verdict is not None and verdict.passed, verdict
            assert [t.target for t in verdict.targets] == ["test", "production"]
            table = app.screen.query_one("#verdict-table", DataTable)
            await wait_for(pilot, lambda: len(table.columns) == 5, "the verdict table")
            labels = [str(c.label) for c in table.columns.values()]
            assert labels == ["instruction", "test attempt 1", "test attempt 2", "production attempt 1", "production attempt 2"]
            tail = str(app.screen.query_one("#verdict-tail", Static).render())
            assert "Target test" in tail and "Target production" in tail

    asyncio.run(scenario())
