"""Full onboardings through the Textual wizard, driven by the keyboard (Pilot), on the embedded sandbox.

Each test asserts what the sandbox holds afterwards (secrets by hash, files on main, runs) and what the engine
said (its events), not only what the screen shows.
"""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest

from tests.tui_helpers import (
    WORKFLOW_PATH,
    complete_step,
    complete_steps,
    events_of,
    finish,
    main_text,
    org_secrets,
    org_variables,
    palette,
    paste,
    repo_state,
    screen_text,
    sha256,
    wait_for,
    wait_screen,
    wait_status,
    wizard_on,
)
from wizard.core import naming
from wizard.engine.events import StepDone, VerdictReady
from wizard.text.run_summary import print_summary, to_markdown
from wizard.tui.model import DONE, READY

pytestmark = pytest.mark.slow

UP_TO_SECRETS = ("connect", "repository", "preflight", "image")


def run(coro) -> None:
    asyncio.run(coro)


def assert_passing_build(app, sandbox) -> None:
    verdicts = events_of(app, VerdictReady)
    assert len(verdicts) == 1 and verdicts[0].passed, verdicts
    assert verdicts[0].leaks == 0
    runs = repo_state(sandbox)["runs"]
    assert len(runs) == 1 and runs[0]["conclusion"] == "success"
    assert [a["number"] for a in runs[0]["attempts"]] == [1, 2]


def assert_summary_after_a_full_run(app, workdir: Path) -> None:
    """The summary that stays after the screen is gone: the verdict and each attempt's own run URL."""
    assert app.return_code == 0 and app.summary is not None
    out = io.StringIO()
    print_summary(app.summary, out)
    printed = out.getvalue()
    urls = re.findall(r"^  attempt ([12]): (\S+)$", printed, re.M)
    assert [n for n, _ in urls] == ["1", "2"] and urls[0][1] != urls[1][1], printed
    assert urls[0][1].endswith("/attempts/1") and urls[1][1].endswith("/attempts/2")
    assert "verdict: PASS" in printed and re.search(r"RUN .*hit", printed), printed
    assert f"answers: {workdir / 'brik-onboard.yml'}" in printed and "next: nothing to do" in printed
    markdown = to_markdown(app.summary)
    assert "### Verdict: PASS" in markdown and urls[1][1] in markdown


def test_happy_path_github_token(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, UP_TO_SECRETS)
            await wait_status(pilot, "secrets", READY)
            # The GITHUB_TOKEN strategy stores no secret: the one write is the REGISTRY_URL configuration variable.
            assert [(c.kind, c.target) for c in app.journey["secrets"].writes] == [("variable", "org:REGISTRY_URL")]
            await pilot.press("ctrl+n")  # the engine asks before it writes; "n" applies nothing
            await wait_screen(pilot, "ConfirmModal")
            await pilot.press("n")
            await wait_status(pilot, "secrets", READY)
            assert org_secrets(sandbox) == {} and org_variables(sandbox) == {} and app.journey.current == "secrets"
            await complete_steps(pilot, ("secrets", "workflow", "validate"))
            await wait_for(pilot, lambda: app.journey.current == "summary", "the summary")
            # the outputs can be copied from the palette (Textual's clipboard: OSC 52 in a terminal)
            await palette(pilot, "copy run", "Copy the run URLs")
            assert re.fullmatch(r"attempt 1: \S+/attempts/1\nattempt 2: \S+/attempts/2", app.clipboard), app.clipboard
            await palette(pilot, "copy caller", "Copy the caller workflow")
            assert app.clipboard == app.controller.session.workflow_text and "jobs:" in app.clipboard
            await finish(pilot)

    run(scenario())
    assert_summary_after_a_full_run(app, tmp_path)
    # The org variable REGISTRY_URL holds the registry, readable by the selected repositories: this one. No secret.
    repo = repo_state(sandbox)
    assert org_secrets(sandbox) == {}
    variables = org_variables(sandbox)
    assert set(variables) == {"REGISTRY_URL"}
    assert variables["REGISTRY_URL"]["value"] == "ghcr.io"
    assert variables["REGISTRY_URL"]["visibility"] == "selected" and variables["REGISTRY_URL"]["selected_repositories"] == [repo["id"]]
    caller = main_text(sandbox, WORKFLOW_PATH)
    assert caller is not None and "image_name: ghcr.io/brikbyte-studios/example-node-api" in caller
    assert "registry: ${{ vars.REGISTRY_URL || 'ghcr.io' }}" in caller
    assert "REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}" in caller
    assert ".github/brik-onboard.yml" in repo["files"]
    assert_passing_build(app, sandbox)
    done = {e.step: e for e in events_of(app, StepDone)}
    assert list(done) == ["connect", "repository", "preflight", "image", "secrets", "workflow", "validate", "summary"]
    assert done["summary"].outcome == "changed"
    assert (tmp_path / "brik-onboard.yml").is_file()
    assert app.return_value == 0 and app.return_code == 0


def test_pat_at_org_scope_with_selected_visibility(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    app = wizard_on(sandbox, tmp_path)
    seen: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, UP_TO_SECRETS)
            await wait_status(pilot, "secrets", READY)
            # The focus starts on the strategy choice: move to "registry PAT" and select it.
            await pilot.press("right", "enter")
            await wait_for(pilot, lambda: app.screen.query_one("#pat-field").display, "the PAT field")
            await pilot.press("tab", "tab", "tab")  # scope, visibility (selected: the default), the PAT
            assert app.focused is app.screen.query_one("#pat")
            await paste(pilot, pat)
            await pilot.press("enter")
            await wait_status(pilot, "secrets", READY)
            assert {(c.kind, c.target) for c in app.journey["secrets"].writes} == {
                ("variable", "org:REGISTRY_URL"),
                ("secret", "org:REGISTRY_PAT"),
            }
            seen.append(app.export_screenshot())
            seen.append(screen_text(app))
            await complete_steps(pilot, ("secrets", "workflow", "validate"))
            seen.append(screen_text(app))
            await finish(pilot)

    run(scenario())
    repo = repo_state(sandbox)
    secrets = org_secrets(sandbox)
    assert secrets["REGISTRY_PAT"]["sha256"] == sha256(pat)
    assert secrets["REGISTRY_PAT"]["visibility"] == "selected" and secrets["REGISTRY_PAT"]["selected_repositories"] == [repo["id"]]
    assert set(secrets) == {"REGISTRY_PAT"}
    assert org_variables(sandbox)["REGISTRY_URL"]["value"] == "ghcr.io"
    caller = main_text(sandbox, WORKFLOW_PATH) or ""
    # The PAT is passed by its own name; REGISTRY_TOKEN stays the run's token (the reusable workflow's fallback).
    assert "REGISTRY_PAT: ${{ secrets.REGISTRY_PAT }}" in caller and "REGISTRY_TOKEN: ${{ secrets.GITHUB_TOKEN }}" in caller
    assert_passing_build(app, sandbox)
    # The PAT was typed into a masked input: it is on no screen and in no engine event, and it is audited for.
    assert seen and all(pat not in text for text in seen)
    assert all(pat not in repr(event) for event in app.event_log)
    assert pat not in (tmp_path / "brik-onboard.yml").read_text()


def test_environment_scope(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, UP_TO_SECRETS)
            await wait_status(pilot, "secrets", READY)
            await pilot.press("tab", "right", "enter")  # scope: environment
            await wait_for(pilot, lambda: app.screen.query_one("#environment-field").display, "the environment field")
            assert app.screen.query_one("#form-hint").display  # the name is still missing: Next would say so
            await pilot.press("tab", *"staging")
            await wait_for(
                pilot,
                lambda: app.journey["secrets"].status == READY and any(c.kind == "environment" for c in app.journey["secrets"].changes),
                "the environment check",
            )
            assert {(c.kind, c.target) for c in app.journey["secrets"].writes} == {
                ("environment", "staging"),
                # the caller job's `with:` runs in no environment: REGISTRY_URL is a repository variable
                ("variable", "repository:REGISTRY_URL"),
            }
            await complete_steps(pilot, ("secrets", "workflow", "validate"))
            await finish(pilot)

    run(scenario())
    repo = repo_state(sandbox)
    envs = {e["name"]: e for e in repo["environments"]}
    assert "staging" in envs
    assert envs["staging"]["secrets"] == []  # the GITHUB_TOKEN strategy stores no secret
    assert {v["name"]: v["value"] for v in repo["variables"]} == {"REGISTRY_URL": "ghcr.io"}
    assert org_secrets(sandbox) == {}  # nothing at org level
    assert "environment: staging" in (main_text(sandbox, WORKFLOW_PATH) or "")
    assert_passing_build(app, sandbox)


def test_back_from_workflow_to_change_the_image_name(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)
    refused = naming.NamingError  # the field shows the core's own message
    try:
        naming.validate_service("Orders API")
    except refused as exc:
        core_message = exc.message

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, (*UP_TO_SECRETS, "secrets"))
            await wait_status(pilot, "workflow", READY)
            assert "example-node-api" in app.journey["workflow"].result.workflow
            await pilot.press("ctrl+b", "ctrl+b")
            await wait_for(pilot, lambda: app.journey.current == "image" and type(app.screen).__name__ == "ImageScreen", "the image screen")
            service = app.screen.query_one("#service")
            assert app.focused is service
            await pilot.press("end", "ctrl+u", *"Orders API")
            await wait_for(pilot, lambda: service.has_class("-invalid"), "the name to turn red")
            assert core_message in str(app.screen.query_one("#service-field .field-error").render())
            await pilot.press("ctrl+u", *"orders-api")
            await wait_status(pilot, "image", READY)
            assert not service.has_class("-invalid")
            assert app.journey["image"].result.image == "ghcr.io/brikbyte-studios/orders-api"
            assert app.journey["workflow"].status != DONE  # it read the old name: it must be checked again
            await complete_step(pilot, "image")
            await wait_for(pilot, lambda: app.journey.current == "secrets", "the secrets screen")
            assert app.journey["secrets"].status == DONE  # secrets do not depend on the image name
            await pilot.press("ctrl+n")
            await complete_steps(pilot, ("workflow", "validate"))
            await finish(pilot)

    run(scenario())
    caller = main_text(sandbox, WORKFLOW_PATH) or ""
    assert "image_name: ghcr.io/brikbyte-studios/orders-api" in caller
    assert "example-node-api" not in caller.split("jobs:", 1)[1]
    assert_passing_build(app, sandbox)
    pushed = sandbox.snapshot()["registry"]
    assert "brikbyte-studios/orders-api" in repr(pushed)


def test_failing_validation_shows_its_diagnosis(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)
    texts: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            await wait_status(pilot, "image", READY)
            await pilot.press("tab", "tab", "space")  # service, tags, the layer cache switch: off
            await wait_for(
                pilot, lambda: app.journey["image"].status == READY and app.journey["image"].result.cache_repo is None, "cache off"
            )
            await complete_steps(pilot, ("image", "secrets", "workflow"))
            await complete_step(pilot, "validate")
            await pilot.pause(0.1)
            texts.append(screen_text(app))
            await pilot.press("ctrl+n")
            await finish(pilot)

    run(scenario())
    verdict = events_of(app, VerdictReady)[0]
    assert not verdict.passed
    assert any(reason.code == "cache-disabled" for reason in verdict.reasons), verdict.reasons
    assert "cache_enabled: false" in (main_text(sandbox, WORKFLOW_PATH) or "")
    assert "FAIL" in texts[0] and "cache-disabled" in texts[0]
    assert app.return_code == 1
