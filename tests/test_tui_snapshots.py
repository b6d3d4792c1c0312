"""Snapshots of every wizard screen at 80x24 and 120x40 (dark), and at 80x24 in the light theme.

One onboarding per size is driven through the keyboard on a fresh sandbox; each screen is captured (in each
theme) when its step is checked (validate and summary: when done) and compared with pytest-textual-snapshot's SVG extension
(`pytest --snapshot-update` rewrites them). The secret input is filled with a fixed fake value, which must
appear in no snapshot. The sandbox listens on any free port (tests run in parallel), and its port is written as
SHOWN_PORT in the captures so the API address on the connect screen is stable; run ids and names are deterministic in a fresh sandbox; build times jitter, so they are masked.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import Input

from tests.tui_helpers import FLOW, complete_step, paste, wait_for, wait_status, wizard_on
from tests.virtual_time import install as install_virtual_time

SHOWN_PORT = 47813  # the port the snapshots show, whatever port the sandbox got
FAKE_PAT = "fake-registry-pat-for-snapshots"  # deterministic, and not shaped like a real token
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
VARIANTS = ("80x24-dark", "120x40-dark", "80x24-light")
FLOWS = {"80x24": ("dark", "light"), "120x40": ("dark",)}  # one onboarding per size; each screen in each theme
SNAPSHOT_DIR = Path(__file__).parent / "__snapshots__" / "test_tui_snapshots"
TOKEN_SHAPE = re.compile(r"(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{30,}")
# Build times come from the sandbox's wall clock scaled up 100x: they jitter by a second from run to run.
BUILD_TIME = re.compile(r"((?:attempt|saved)&#160;(?:[12]&#160;)?)\d+s")


def mask_build_times(svg: str) -> str:
    return BUILD_TIME.sub(r"\1##s", svg)


# One worker takes this module's tests, so the (long) onboarding per size runs once per session.
pytestmark = [pytest.mark.xdist_group("tui_snapshots"), pytest.mark.slow]


def show_port(svg: str, port: int) -> str:
    return svg.replace(f"127.0.0.1:{port}", f"127.0.0.1:{SHOWN_PORT}")


async def settle(pilot) -> str:
    """Let the screen finish rendering (no blinking cursor, a scroll position that does not depend on when the
    layout grew), then take its SVG."""
    app = pilot.app
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    app.screen.query_one("#body").scroll_home(animate=False)
    await pilot.pause()
    if app.focused is not None and app.focused.id != "body":
        app.focused.scroll_visible(animate=False)
    await pilot.pause()
    await pilot.pause(0.05)
    await pilot.pause()
    return mask_build_times(pilot.app.export_screenshot())


async def fill_the_pat(pilot) -> None:
    app = pilot.app
    await wait_status(pilot, "secrets", "ready")
    await pilot.press("right", "enter")  # strategy: registry PAT
    await wait_for(pilot, lambda: app.screen.query_one("#pat-field").display, "the PAT field")
    await pilot.press("tab", "tab", "tab")
    await paste(pilot, FAKE_PAT)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.journey["secrets"].status == "ready" and len(app.journey["secrets"].writes) == 2, "the PAT check")


async def capture_themes(pilot, themes: tuple[str, ...]) -> dict[str, str]:
    shots = {}
    for theme in themes:
        pilot.app.theme = f"textual-{theme}"
        shots[theme] = await settle(pilot)
    pilot.app.theme = f"textual-{themes[0]}"
    return shots


async def capture_flow(app, size: tuple[int, int], themes: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Onboard through the keyboard; capture each screen once its step is checked (validate, summary: done)."""
    shots: dict[str, dict[str, str]] = {}
    async with app.run_test(size=size) as pilot:
        for step in FLOW:
            await wait_for(pilot, lambda: app.journey.current == step, f"the {step} screen")
            if step == "secrets":
                await fill_the_pat(pilot)
            if step in ("validate", "summary"):
                await complete_step(pilot, step)
                shots[step] = await capture_themes(pilot, themes)
                await pilot.press("ctrl+n")
                continue
            await wait_status(pilot, step, "ready")
            shots[step] = await capture_themes(pilot, themes)
            await complete_step(pilot, step)
    return shots


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    from wizard.sandbox import Sandbox

    captured: dict[str, dict[str, str]] = {}
    for size, themes in FLOWS.items():
        workdir = tmp_path_factory.mktemp(size)
        with pytest.MonkeyPatch.context() as patch, Sandbox(time_factor=0.01) as sandbox:
            install_virtual_time(patch)  # module-scoped: before the per-test virtual time exists
            patch.chdir(workdir)  # the summary shows the answers file relative to the current directory
            sandbox.state.add_token("ci-bot", ("write:packages",), value=FAKE_PAT)
            app = wizard_on(sandbox, workdir, poll_interval_s=0.05)
            shots = asyncio.run(capture_flow(app, SIZES[size], themes))
            port = int(sandbox.base_url.rsplit(":", 1)[1])
        shots = {step: {theme: show_port(svg, port) for theme, svg in by_theme.items()} for step, by_theme in shots.items()}
        for theme in themes:
            captured[f"{size}-{theme}"] = {step: by_theme[theme] for step, by_theme in shots.items()}
    return captured


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("step", FLOW)
def test_screen(step: str, variant: str, screenshots: dict[str, dict[str, str]], snapshot) -> None:
    svg = screenshots[variant][step]
    assert FAKE_PAT not in svg
    assert snapshot.use_extension(SVGImageExtension) == svg


def test_no_committed_snapshot_holds_a_secret(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--snapshot-update"):
        pytest.skip("the snapshots are being rewritten (syrupy writes them when the session ends)")
    files = sorted(SNAPSHOT_DIR.glob("*.svg"))
    assert len(files) == len(FLOW) * len(VARIANTS)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert FAKE_PAT not in text, path.name
        assert not TOKEN_SHAPE.search(text), path.name
