"""Honest exits from the TUI: 130 when quit before the end, a question before typed answers are dropped, and the
summary of a paused run. (The summary after a full run: tests/test_tui_flow.py, the happy path.)"""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest

from tests.tui_helpers import DONE, FAILED, READY, complete_steps, finish, repo_state, wait_for, wait_screen, wait_status, wizard_on
from wizard.errors import EXIT_INTERRUPTED
from wizard.text.run_summary import print_summary, to_markdown


def run(coro) -> None:
    asyncio.run(coro)


def test_ctrl_q_on_the_first_screen_exits_130_and_says_nothing_changed(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+q")
            await pilot.pause(0.1)

    run(scenario())
    assert app.return_code == EXIT_INTERRUPTED
    assert app.summary is not None and app.summary.applied == () and app.summary.stopped
    out = io.StringIO()
    print_summary(app.summary, out)
    assert "stopped" in out.getvalue() and "next: run brik-onboard again" in out.getvalue()


@pytest.mark.slow
def test_quitting_with_typed_answers_not_sent_asks_first(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            await wait_status(pilot, "image", "ready")
            tags = app.screen.query_one("#tags")
            await pilot.press("tab", "end", "ctrl+u", *"v1, a b")  # refused as typed: not in the model
            await wait_for(pilot, lambda: tags.has_class("-invalid"), "the tags to turn red")
            await pilot.press("ctrl+q")
            await wait_screen(pilot, "QuitModal")
            assert app.screen.title_text == "Discard your changes to Image?"
            await pilot.press("n")  # stay: the typed text is still there
            await wait_screen(pilot, "ImageScreen")
            assert app.journey.current == "image" and app.return_code is None
            await pilot.press("ctrl+q")
            await wait_screen(pilot, "QuitModal")
            await pilot.press("y")
            await pilot.pause(0.1)

    run(scenario())
    assert app.return_code == EXIT_INTERRUPTED


@pytest.mark.slow
def test_quitting_with_changed_answers_not_saved_yet_asks_first(sandbox, tmp_path: Path) -> None:
    # Valid tags reach the plan as typed, but the answers file is written only at the end: quitting would lose them.
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            await wait_status(pilot, "image", "ready")
            app.screen.query_one("#tags").focus()
            await pilot.press("end", *", v1")
            await wait_for(pilot, lambda: "v1" in app.controller.session.plan.tags, "the tags to reach the plan")
            await wait_status(pilot, "image", "ready")
            await pilot.press("ctrl+q")
            await wait_screen(pilot, "QuitModal")
            assert app.screen.title_text == "Discard your changed answers?"
            await pilot.press("n")
            await wait_screen(pilot, "ImageScreen")
            assert app.return_code is None
            await pilot.press("ctrl+q")
            await wait_screen(pilot, "QuitModal")
            await pilot.press("y")
            await pilot.pause(0.1)

    run(scenario())
    assert app.return_code == EXIT_INTERRUPTED


@pytest.mark.slow
def test_demo_in_a_terminal_quit_on_the_first_screen_exits_130_with_a_summary(tmp_path: Path) -> None:
    """As `make demo` runs it: the real entry point in a pty; Ctrl+Q on the first screen is an interrupt (130), not a
    usage error (2), and the summary printed after the screen says nothing changed."""
    import sys

    import pexpect

    from tests.engine_helpers import child_env

    summary = tmp_path / "summary.md"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "demo", "--summary", str(summary)],
        env=child_env({"TERM": "xterm-256color"}),
        encoding="utf-8",
        dimensions=(24, 80),
        timeout=60,
    )
    try:
        child.expect_exact("Connect to GitHub")
        child.send("\x11")  # Ctrl+Q
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == EXIT_INTERRUPTED, child.before
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    assert "stopped" in text and "next: run brik-onboard again" in text, text[-2000:]
    assert "Traceback" not in text
    assert summary.read_text().startswith("## brik-onboard") and "— stopped" in summary.read_text()


@pytest.mark.slow
def test_paused_for_the_merge_exits_0_and_the_summary_says_merge_then_validate(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path, delivery="pr")

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image", "secrets", "workflow"))
            await wait_status(pilot, "validate", READY)
            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ChoiceModal")  # the demo's own offer to merge: declined, as on GitHub
            await pilot.press("down", "enter")  # pause
            await wait_status(pilot, "validate", DONE, FAILED)
            assert app.journey["validate"].status == DONE, app.journey["validate"].error
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: app.journey.current == "summary", "the summary")
            await finish(pilot)

    run(scenario())
    assert app.return_code == 0 and app.summary is not None
    assert not repo_state(sandbox)["pulls"][0]["merged"]
    pull = app.links()["pull"]
    assert app.summary.status == "paused" and app.summary.verdict is None
    assert app.summary.next_step == f"merge the pull request {pull}, then run `brik-onboard validate`"
    assert pull.startswith(sandbox.base_url + "/BrikByte-Studios/example-node-api/pull/")
