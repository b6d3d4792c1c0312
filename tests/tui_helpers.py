"""Helpers for the TUI tests: the wizard on a sandbox, keyboard driving, and reading what the sandbox holds."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from tests.headless_render import render_now
from wizard.tui.app import WizardApp, create_app
from wizard.tui.model import DONE, FAILED, READY

REPO_OWNER, REPO_NAME = "BrikByte-Studios", "example-node-api"
WORKFLOW_PATH = ".github/workflows/build-image.yml"
FLOW = ("connect", "repository", "preflight", "image", "secrets", "workflow", "validate", "summary")


def wizard_on(sandbox: Any, workdir: Path, *, poll_interval_s: float = 0.2, token: str | None = None, **overrides: Any) -> WizardApp:
    """The wizard (the same factory the CLI and the demo use) on this sandbox's sample repo, delivery "commit"."""
    from wizard.app.demo import DemoEnv
    from wizard.engine.session import Options

    env = DemoEnv(sandbox, workdir, {"GH_TOKEN": token or sandbox.token})
    return create_app(env.factory(Options(poll_interval_s=poll_interval_s), **overrides))


async def paste(pilot: Any, text: str) -> None:
    """Paste into the focused widget, as a terminal's bracketed paste delivers it (how a token usually arrives)."""
    from textual import events

    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def wait_for(pilot: Any, predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Let the app run until predicate() holds (the timeout only turns a hang into a readable failure), then until
    the screen has caught up with it: a field just shown joins the focus chain when the layout is refreshed, and a
    key pressed before that would go past it (as no person could type that fast)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            app = pilot.app
            states = {n: app.journey[n].status for n in FLOW}
            raise AssertionError(
                f"timed out waiting for {what}; steps: {states}; screen: {type(app.screen).__name__}; errors: "
                f"{ {n: app.journey[n].error for n in FLOW if app.journey[n].error} }"
            )
        await pilot.pause(0.005)
    await pilot.pause()


async def wait_status(pilot: Any, step: str, *statuses: str) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.journey[step].status in statuses, f"{step} to be {' or '.join(statuses)}")


async def wait_screen(pilot: Any, name: str) -> None:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name, f"the {name}")


async def complete_step(pilot: Any, step: str) -> None:
    """On `step`'s screen: wait for its check, Ctrl+N, answer 'y' to the engine's confirmation when it writes, wait until done."""
    app = pilot.app
    await wait_for(pilot, lambda: app.journey.current == step, f"the {step} screen")
    await wait_status(pilot, step, READY, FAILED)
    render_now(app)  # the step's screen as a person reads it before going on (tests/headless_render.py)
    assert app.journey[step].status == READY, app.journey[step].error
    writes = bool(app.journey[step].writes)
    await pilot.press("ctrl+n")
    if writes:
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("y")
    await wait_status(pilot, step, DONE, FAILED)
    assert app.journey[step].status == DONE, app.journey[step].error


async def complete_steps(pilot: Any, steps: tuple[str, ...]) -> None:
    for step in steps:
        await complete_step(pilot, step)
        if step == "validate":
            await pilot.press("ctrl+n")  # validate stays to show its verdict: go on to the summary


async def finish(pilot: Any) -> None:
    """On the done summary: Ctrl+N closes the wizard."""
    await complete_step(pilot, "summary")
    await pilot.press("ctrl+n")
    await pilot.pause(0.1)


async def palette(pilot: Any, query: str, expect: str) -> None:
    """Ctrl+P, type a few letters, wait until `expect` is the top hit, Enter."""
    from textual.command import CommandList

    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_screen(pilot, "CommandPalette")
    await pilot.press(*query)
    hits = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: hits.option_count > 0 and expect in str(hits.get_option_at_index(0).prompt), f"{expect!r} on top")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ != "CommandPalette", "the palette to close")


def screen_text(app: WizardApp) -> str:
    """The current screen as plain text (what a person would read)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor", record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True))
    return console.export_text()


def events_of(app: WizardApp, kind: type) -> list[Any]:
    return [e for e in app.event_log if isinstance(e, kind)]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def repo_state(sandbox: Any) -> dict[str, Any]:
    return next(r for r in sandbox.snapshot()["repos"] if r["full_name"] == f"{REPO_OWNER}/{REPO_NAME}")


def org_secrets(sandbox: Any) -> dict[str, dict[str, Any]]:
    org = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == REPO_OWNER)
    return {s["name"]: s for s in org["secrets"]}


def org_variables(sandbox: Any) -> dict[str, dict[str, Any]]:
    org = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == REPO_OWNER)
    return {v["name"]: v for v in org["variables"]}


def main_text(sandbox: Any, path: str) -> str | None:
    """A file's text on the sample repo's default branch, read from the sandbox's git store."""
    repo = sandbox.state.find_repo(REPO_OWNER, REPO_NAME)
    with sandbox.state.lock:
        data = repo.git.read(repo.branches[repo.default_branch], path)
    return None if data is None else data.decode()


async def decline_targets(pilot: Any) -> None:
    """On the image screen: empty the build targets the wizard proposes for the demo's Dockerfile (one image)."""
    from textual.widgets import Input

    app = pilot.app
    await wait_for(pilot, lambda: app.journey.current == "image", "the image screen")
    await wait_status(pilot, "image", READY)
    app.screen.query_one("#target", Input).value = ""
    await wait_for(pilot, lambda: app.plan().target == () and app.journey["image"].status == READY, "one build target")
