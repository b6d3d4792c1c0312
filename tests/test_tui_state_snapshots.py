"""Snapshots of the screen states tests/test_tui_screen_state.py drives, at 80x24 and 120x40 (dark).

- image-refused-tag: a refused tag beside its error; the destinations are hidden and the status line says why
  Next cannot go on.
- choice-title: the engine's keep/replace question, titled by the question itself.
- secrets-kept: after switching the scope from org to environment, the org secret and variable kept (listed).
- confirm-kept: the confirmation lists the writes, then what stays as it is.

One flow per size on a fresh sandbox whose org already holds REGISTRY_PAT and a REGISTRY_URL of another registry;
the registry PAT is a fixed fake value, which must appear in no snapshot.
"""

from __future__ import annotations

import asyncio

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import Input

from tests.sandbox_client import Client
from tests.test_tui_snapshots import SHOWN_PORT, SIZES
from tests.tui_helpers import REPO_OWNER, complete_steps, paste, wait_for, wait_screen, wait_status, wizard_on
from tests.virtual_time import install as install_virtual_time

FAKE_PAT = "fake-registry-pat-for-state-snapshots"  # deterministic, and not shaped like a real token
OLD_VALUE = "fake-older-org-secret-value"
STATES = ("image-refused-tag", "choice-title", "secrets-kept", "confirm-kept")

# One worker takes this module's tests, so its onboardings (a module fixture) run once per session.
pytestmark = [pytest.mark.xdist_group("tui_state_snapshots"), pytest.mark.slow]


async def shot(pilot, *, show: str | None = None) -> str:
    """The screen once rendered, with no blinking cursor; `show`: a widget of the step screen scrolled to the top."""
    app = pilot.app
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()
    if show is not None:
        target = app.screen.query_one(show)
        app.screen.query_one("#body").scroll_to_widget(target, animate=False, top=True)
    await pilot.pause()
    await pilot.pause(0.05)
    await pilot.pause()
    return app.export_screenshot()


async def capture(app, size: tuple[int, int]) -> dict[str, str]:
    shots: dict[str, str] = {}
    async with app.run_test(size=size) as pilot:
        await complete_steps(pilot, ("connect", "repository", "preflight"))
        await wait_status(pilot, "image", "ready")
        tags = app.screen.query_one("#tags", Input)
        tags.focus()
        tags.value = ""
        await pilot.press(*"bad tag!")
        await wait_for(pilot, lambda: app.screen.query_one("#tags-field .field-error").display, "the tag error")
        shots["image-refused-tag"] = await shot(pilot, show="#tags-field")
        tags.value = ""
        await pilot.press(*"latest")
        await wait_for(pilot, lambda: app.controller.session.plan.tags == ("latest",), "the tags to be sent")
        await complete_steps(pilot, ("image",))

        await wait_screen(pilot, "ChoiceModal")
        shots["choice-title"] = await shot(pilot)
        await pilot.press("enter")  # keep the org's REGISTRY_URL
        await wait_status(pilot, "secrets", "ready")
        await pilot.press("right", "enter")  # strategy: registry PAT
        # The org already holds REGISTRY_PAT: the engine asks keep or replace before any value is typed.
        await wait_screen(pilot, "ChoiceModal")
        assert "REGISTRY_PAT" in app.screen.title_text
        await pilot.press("enter")  # keep
        await wait_status(pilot, "secrets", "ready")
        await pilot.press("tab", "right", "enter")  # scope: environment
        await wait_for(pilot, lambda: app.screen.query_one("#environment-field").display, "the environment field")
        await wait_for(pilot, lambda: app.screen.query_one("#pat-field").display, "the PAT field (none in the environment yet)")
        await pilot.press("tab", *"staging", "tab")
        await paste(pilot, FAKE_PAT)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: app.journey["secrets"].status == "ready" and any(c.kind == "environment" for c in app.journey["secrets"].changes),
            "the environment scope to be checked",
        )
        app.set_focus(None)
        shots["secrets-kept"] = await shot(pilot, show="#changes-title")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ConfirmModal")
        shots["confirm-kept"] = await shot(pilot)
        await pilot.press("n")
        await wait_status(pilot, "secrets", "ready")
    return shots


@pytest.fixture(scope="module")
def state_shots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    from wizard.sandbox import Sandbox

    captured: dict[str, dict[str, str]] = {}
    for size, dims in SIZES.items():
        workdir = tmp_path_factory.mktemp(f"state-{size}")
        with pytest.MonkeyPatch.context() as patch, Sandbox(time_factor=0.01) as sandbox:
            install_virtual_time(patch)  # module-scoped: before the per-test virtual time exists
            patch.chdir(workdir)
            sandbox.state.add_token("ci-bot", ("write:packages",), value=FAKE_PAT)
            client = Client(sandbox.base_url, sandbox.token)
            org = f"/orgs/{REPO_OWNER}/actions"
            client.put_secret(org, "REGISTRY_PAT", OLD_VALUE, expect=201, visibility="all")
            body = {"name": "REGISTRY_URL", "value": "registry.example.com", "visibility": "all"}
            client.call("POST", f"{org}/variables", body, expect=201)
            shots = asyncio.run(capture(wizard_on(sandbox, workdir, poll_interval_s=0.05), dims))
            port = int(sandbox.base_url.rsplit(":", 1)[1])
        captured[size] = {state: svg.replace(f"127.0.0.1:{port}", f"127.0.0.1:{SHOWN_PORT}") for state, svg in shots.items()}
    return captured


@pytest.mark.parametrize("size", tuple(SIZES))
@pytest.mark.parametrize("state", STATES)
def test_state(state: str, size: str, state_shots: dict[str, dict[str, str]], snapshot) -> None:
    svg = state_shots[size][state]
    assert FAKE_PAT not in svg and OLD_VALUE not in svg
    assert snapshot.use_extension(SVGImageExtension) == svg
