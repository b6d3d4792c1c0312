"""The demo down its paths in the full-screen wizard: the sandbox's registry PAT offered and filled in (masked) to a
PASS verdict, a kept REGISTRY_PAT needing no typed value, and environment secrets not offered where GitHub's plan
refuses them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.engine_helpers import Onboarding
from tests.sandbox_client import TEST_TIME_FACTOR
from tests.tui_helpers import (
    complete_steps,
    events_of,
    finish,
    main_text,
    org_secrets,
    repo_state,
    screen_text,
    sha256,
    wait_for,
    wait_screen,
    wait_status,
    wizard_on,
)
from wizard.app.demo import demo_environment, demo_registry_pat
from wizard.engine.events import VerdictReady
from wizard.engine.session import Options
from wizard.tui.app import create_app
from wizard.tui.model import DONE, FAILED, READY

pytestmark = pytest.mark.slow

UP_TO_SECRETS = ("connect", "repository", "preflight", "image")


def test_the_demo_walks_the_pat_strategy_to_a_pass_with_the_sandbox_pat(tmp_path: Path) -> None:
    pat = demo_registry_pat()
    seen: list[str] = []
    with demo_environment(time_factor=TEST_TIME_FACTOR, registry_pat=pat) as env:
        # The demo command's own wiring (wizard/commands/demo_cmd.py), with the tests' build pace.
        app = create_app(env.factory(Options(poll_interval_s=0.05, live_steps=True)), demo_registry_pat=pat)

        async def scenario() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await complete_steps(pilot, UP_TO_SECRETS)
                await wait_status(pilot, "secrets", READY)
                button = app.screen.query_one("#use-demo-pat")
                assert not button.display  # only with the PAT strategy
                await pilot.press("right", "enter")  # strategy: registry PAT
                await wait_for(pilot, lambda: button.display, "the demo PAT button")
                hint = str(app.screen.query_one("#form-hint").render())
                assert "sandbox's" in hint
                await pilot.click("#use-demo-pat")
                await wait_for(
                    pilot,
                    lambda: (
                        app.journey["secrets"].status == READY
                        and any(c.target == "org:REGISTRY_PAT" for c in app.journey["secrets"].writes)
                    ),
                    "the PAT checked",
                )
                await pilot.pause()
                seen.append(screen_text(app))
                assert app.screen.query_one("#pat").password  # filled in, masked
                # Sent and checked: nothing typed is left unsent (the status offers the writes, quitting asks nothing
                # about this screen's input).
                assert not app.screen.unsaved() and not app.screen.has_unsent()
                assert "Ctrl+N: review and apply" in seen[-1], seen[-1]
                await complete_steps(pilot, ("secrets", "workflow", "validate"))
                seen.append(screen_text(app))
                await finish(pilot)

        asyncio.run(scenario())
        verdicts = events_of(app, VerdictReady)
        assert len(verdicts) == 1 and verdicts[0].passed, verdicts
        assert org_secrets(env.sandbox)["REGISTRY_PAT"]["sha256"] == sha256(pat)
        assert all(pat not in text for text in seen) and all(pat not in repr(e) for e in app.event_log)
        assert app.return_code == 0


def test_a_kept_registry_pat_is_not_asked_for(sandbox, tmp_path: Path) -> None:
    first = sandbox.add_token(["write:packages"], login="ci-bot")
    # Onboarded before with the PAT strategy: REGISTRY_PAT is at org level, the answers are recorded on main.
    done = Onboarding(sandbox, tmp_path / "cli", secret_env={"BRIK_SECRET_REGISTRY_PAT": first}).apply(
        "--deliver", "commit", "--strategy", "pat", "--skip-validation"
    )
    assert done.returncode == 0, done
    stored = org_secrets(sandbox)["REGISTRY_PAT"]["sha256"]
    assert stored == sha256(first)

    app = wizard_on(sandbox, tmp_path)
    asked: list[str] = []

    async def keep() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, UP_TO_SECRETS)
            # The recorded strategy is the PAT: the engine asks keep or replace, as the plain prompts do ...
            await wait_screen(pilot, "ChoiceModal")
            asked.append(screen_text(app))
            await pilot.press("enter")  # keep (the default)
            await wait_status(pilot, "secrets", READY, FAILED)
            assert app.journey["secrets"].status == READY, app.journey["secrets"].error
            kept = [c.action for c in app.journey["secrets"].changes if c.target == "org:REGISTRY_PAT"]
            assert kept == ["keep"]
            # ... and no PAT value is asked: the screen says it is kept, and Next goes on with nothing typed.
            assert app.screen.query_one("#form-hint").display
            assert "already exists" in str(app.screen.query_one("#form-hint").render())
            assert app.screen.problem() is None
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: app.journey.current == "workflow", "the workflow step")
            assert type(app.screen).__name__ == "WorkflowScreen"  # no secret was asked on the way

    asyncio.run(keep())
    assert "REGISTRY_PAT already exists" in asked[0]
    assert org_secrets(sandbox)["REGISTRY_PAT"]["sha256"] == stored  # kept: the same value


def test_environment_scope_is_not_offered_for_a_private_repo_of_a_free_org(sandbox, tmp_path: Path) -> None:
    sandbox.state.find_repo("BrikByte-Studios", "example-node-api").private = True
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, UP_TO_SECRETS)
            await wait_status(pilot, "secrets", READY)
            environment = next(b for b in app.screen.query("#scope RadioButton") if b.name == "environment")
            assert environment.disabled
            # Said up front, beside the choice, not only in a tooltip.
            assert "environment: paid plan only: private repo, Free org" in screen_text(app)

    asyncio.run(scenario())


def test_the_demo_pr_path_offers_to_merge_the_pull_request_and_reaches_a_verdict(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path, delivery="pr")
    asked: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, (*UP_TO_SECRETS, "secrets", "workflow"))
            await wait_status(pilot, "validate", READY)
            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ChoiceModal")  # nobody else can merge in the sandbox: the demo offers to
            asked.append(screen_text(app))
            await pilot.press("enter")  # merge (the default)
            await wait_status(pilot, "validate", DONE, FAILED)
            assert app.journey["validate"].status == DONE, app.journey["validate"].error
            await pilot.press("ctrl+n")
            await finish(pilot)

    asyncio.run(scenario())
    assert "Demo action: merge pull request #" in asked[0]
    pulls = repo_state(sandbox)["pulls"]
    assert len(pulls) == 1 and pulls[0]["merged"]
    verdicts = events_of(app, VerdictReady)
    assert len(verdicts) == 1 and verdicts[0].passed, verdicts
    assert app.return_code == 0


def test_the_demo_local_path_offers_to_push_the_checkout_and_reaches_a_verdict(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path, delivery="local")
    asked: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, (*UP_TO_SECRETS, "secrets", "workflow"))
            await wait_status(pilot, "validate", READY)
            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ChoiceModal")  # the demo's checkout cannot be pushed by hand: the demo offers to
            asked.append(screen_text(app))
            await pilot.press("enter")  # push (the default)
            await wait_status(pilot, "validate", DONE, FAILED)
            assert app.journey["validate"].status == DONE, app.journey["validate"].error
            await pilot.press("ctrl+n")
            await finish(pilot)

    asyncio.run(scenario())
    assert "Demo action: commit" in asked[0]
    local = tmp_path / "example-node-api" / ".github" / "workflows" / "build-image.yml"
    assert local.is_file()  # delivered into the checkout, then committed as the demo action
    assert main_text(sandbox, ".github/workflows/build-image.yml") == local.read_text()
    verdicts = events_of(app, VerdictReady)
    assert len(verdicts) == 1 and verdicts[0].passed, verdicts
    assert app.return_code == 0
