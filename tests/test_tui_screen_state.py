"""The wizard's screens agree with themselves: previews only from valid answers, a status line that says what the
Next key does, choices marked by more than colour, the secrets left at a scope no longer chosen, the TUI's own
words, Enter on a step without inputs, and no hang when the app ends with an engine question open.

Driven by the keyboard (Pilot) on the embedded sandbox, as tests/test_tui_flow.py.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.sandbox_client import Client
from tests.tui_helpers import (
    REPO_OWNER,
    WORKFLOW_PATH,
    complete_step,
    complete_steps,
    main_text,
    org_variables,
    paste,
    repo_state,
    screen_text,
    wait_for,
    wait_screen,
    wait_status,
    wizard_on,
)
from wizard.tui.model import APPLYING, DONE, READY

pytestmark = pytest.mark.slow

TAG = "v1.2, sha-${{ github.sha }}"  # typed key by key, it passes through valid prefixes ("v", "v1.2, s")


def status_of(app, step: str) -> str:
    return str(app._step_screens[step].query_one("#status", Static).render())


def field_error(app, name: str) -> str:
    return str(app.screen.query_one(f"#{name}-field .field-error", Static).render())


def shown_facts(app) -> str:
    """The image screen's preview as shown (below the fold at 80x24), "" while it is hidden."""
    facts = app.screen.query_one("#facts")
    return str(facts._rows) if facts.display else ""


async def retype(pilot, name: str, text: str) -> None:
    """Empty a field (as select-all and delete would), then type `text` key by key."""
    field = pilot.app.screen.query_one(f"#{name}", Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    await pilot.press(*text)


def test_image_previews_and_status_follow_only_valid_answers(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_step(pilot, "connect")
            # The repository step has no input: Enter goes on, as Ctrl+N does.
            await wait_status(pilot, "repository", READY)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.journey.current == "preflight", "Enter to go on from the repository")
            assert app.journey["repository"].status == DONE
            await complete_step(pilot, "preflight")
            await wait_status(pilot, "image", READY)
            assert "ghcr.io/brikbyte-studios/example-node-api" in shown_facts(app)  # below the fields at 80x24
            # The cache switch says its state in words, not only by its knob's side and colour.
            assert str(app.screen.query_one("#cache_enabled-state", Static).render()).endswith(": on")

            # An emptied service field: the TUI says what to enter, not which flag to pass; no image is named.
            await retype(pilot, "service", "")
            await wait_for(pilot, lambda: "Enter the service name" in field_error(app, "service"), "the empty-field error")
            text = screen_text(app)
            assert "--service" not in text and "example-node-api:" not in text
            assert shown_facts(app) == ""
            # The status line says what stops Next, not "ready … Ctrl+N: continue".
            assert status_of(app, "image").startswith("✖ Enter the service name") and "continue" not in status_of(app, "image")
            await pilot.press("ctrl+n")  # refused: nothing is applied from an invalid form
            await pilot.pause()
            assert app.journey.current == "image" and app.journey["image"].status not in (APPLYING, DONE)
            await retype(pilot, "service", "web")
            await wait_for(pilot, lambda: app.controller.session.plan.service == "web", "the service name to be sent")

            # A refused tag: the destination is hidden (never `…:bad` beside the error), so is the status's Next.
            await retype(pilot, "tags", "bad tag!")
            await wait_for(pilot, lambda: "spaces are not allowed" in field_error(app, "tags"), "the tag error")
            text = screen_text(app)
            assert ":bad" not in text and ":bad" not in shown_facts(app)
            assert "continue" not in status_of(app, "image") and "✖" in status_of(app, "image")

            # Typed key by key, the tags pass through valid prefixes: the plan ends with all of them (edits reach
            # the engine in the order typed), the preview names them, and the status line offers Next again.
            await retype(pilot, "tags", TAG)
            await wait_for(
                pilot,
                lambda: app.journey["image"].status == READY and not app.screen.query_one("#tags-field .field-error").display,
                "the retyped tags to be checked",
            )
            assert app.controller.session.plan.tags == ("v1.2", "sha-${{ github.sha }}")
            await wait_for(pilot, lambda: "ghcr.io/brikbyte-studios/web:v1.2" in shown_facts(app), "the new destination")
            assert "Ctrl+N: continue" in status_of(app, "image")
            await complete_step(pilot, "image")

            # Radio buttons say which option is chosen with a mark, not only a colour.
            await wait_status(pilot, "secrets", READY)
            text = screen_text(app)
            assert "● GITHUB_TOKEN (recommended)" in text and "○ registry PAT" in text
            assert "● organisation" in text and "○ environment" in text

            # The confirmation is open: the status line says it waits for it, not "Applying…".
            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ConfirmModal")
            assert "Confirm the changes" in status_of(app, "secrets") and "Applying" not in status_of(app, "secrets")
            await pilot.press("n")
            await wait_status(pilot, "secrets", READY)
            assert "Ctrl+N: review and apply" in status_of(app, "secrets")
            # The change list marks each change once: "+ create …", never "+ create  create …".
            text = screen_text(app)
            assert "+ create variable REGISTRY_URL" in text and "create  create" not in text

            await complete_steps(pilot, ("secrets", "workflow"))

    asyncio.run(scenario())
    # The caller workflow carries the tags as typed last, not a prefix typed on the way.
    caller = main_text(sandbox, WORKFLOW_PATH) or ""
    assert "v1.2" in caller and "image_name: ghcr.io/brikbyte-studios/web" in caller


def test_scope_switch_lists_the_secrets_kept_at_org_level(sandbox, tmp_path: Path) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    org = f"/orgs/{REPO_OWNER}/actions"
    client.put_secret(org, "REGISTRY_PAT", "an-older-registry-value", expect=201, visibility="all")
    client.call("POST", f"{org}/variables", {"name": "REGISTRY_URL", "value": "registry.example.com", "visibility": "all"}, expect=201)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            # The org variable holds another registry: the engine asks, in a dialog titled by the question itself.
            await wait_screen(pilot, "ChoiceModal")
            assert app.screen.title_text == "REGISTRY_URL holds another value"
            assert "A question" not in screen_text(app)
            await pilot.press("enter")  # the highlighted default: keep
            await wait_status(pilot, "secrets", READY)

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
            assert app.focused is app.screen.query_one("#pat")
            await paste(pilot, pat)
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: app.journey["secrets"].status == READY and any(c.kind == "environment" for c in app.journey["secrets"].changes),
                "the environment scope to be checked",
            )
            kept = [c.summary for c in app.journey["secrets"].changes if not c.is_write]
            assert any(s.startswith("kept at org level: REGISTRY_PAT") for s in kept), kept
            assert any(s.startswith("kept at org level: variable REGISTRY_URL") for s in kept), kept
            assert "kept at org level: REGISTRY_PAT" in screen_text(app)

            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ConfirmModal")
            text = screen_text(app)
            assert "Left as they are" in text and "kept at org level: REGISTRY_PAT" in text
            assert pat not in text
            await pilot.press("n")
            await wait_status(pilot, "secrets", READY)

    asyncio.run(scenario())
    # Declined: nothing written, and the org secret is still there.
    org_state = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == REPO_OWNER)
    assert [s["name"] for s in org_state["secrets"]] == ["REGISTRY_PAT"]
    assert all(e["name"] != "staging" for e in repo_state(sandbox)["environments"])


def test_a_failing_test_with_a_question_open_does_not_hang(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)
    outcome: list[BaseException] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            await wait_status(pilot, "secrets", READY)
            await pilot.press("ctrl+n")
            await wait_screen(pilot, "ConfirmModal")  # the engine's worker waits for this answer
            raise RuntimeError("a test failing while the confirmation is open")

    def drive() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as exc:  # noqa: BLE001 - the test reads it below
            outcome.append(exc)

    # In a thread of its own so that a regression fails here instead of hanging the whole test run.
    runner = threading.Thread(target=drive, daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), "the app did not end: a worker still waits on the open question"
    assert len(outcome) == 1 and isinstance(outcome[0], RuntimeError)
    # Closing answered the open question with a cancellation: no worker waits, and nothing was written.
    assert app.controller.cancelled.is_set() and not app.questioner._pending
    assert all(w.is_finished for w in app.workers)
    assert org_variables(sandbox) == {}
