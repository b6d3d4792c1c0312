"""The wizard's parts: the blocking Questioner, the cancellable port, the step model, the first frame, and the
dialogs (help, errors, quit while building) and the command palette."""

from __future__ import annotations

import asyncio
import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.tui_helpers import (
    complete_step,
    complete_steps,
    events_of,
    palette,
    paste,
    screen_text,
    sha256,
    wait_for,
    wait_screen,
    wait_status,
    wizard_on,
)
from wizard.engine.events import BuildUpdate
from wizard.engine.guarded_port import GuardedPort
from wizard.engine.questions import Choice
from wizard.errors import InputError
from wizard.tui.messages import QuestionAsked
from wizard.tui.model import STEP_NAMES, Journey
from wizard.tui.questioner import ChoiceQuestion, ConfirmQuestion, Interrupted, SecretQuestion, TuiQuestioner


def run(coro) -> None:
    asyncio.run(coro)


# -- the questioner -----------------------------------------------------------------------------------------------
def ask_in_thread(call) -> tuple[threading.Thread, list]:
    result: list = []

    def target() -> None:
        try:
            result.append(call())
        except BaseException as exc:  # noqa: BLE001 - the test reads what the worker got
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, result


def test_questioner_blocks_the_worker_until_the_ui_answers() -> None:
    posted: queue.Queue = queue.Queue()
    q = TuiQuestioner(lambda message: posted.put(message) or True)
    thread, result = ask_in_thread(lambda: q.confirm("secrets", "create REGISTRY_URL at org"))
    message = posted.get(timeout=5)
    assert isinstance(message, QuestionAsked) and isinstance(message.question, ConfirmQuestion)
    assert message.question.summary == "create REGISTRY_URL at org"
    assert thread.is_alive() and result == []  # still waiting for the answer
    message.question.answer(True)
    thread.join(5)
    assert result == [True]


def test_questioner_remembers_choices_and_provided_secrets() -> None:
    posted: queue.Queue = queue.Queue()
    q = TuiQuestioner(lambda message: posted.put(message) or True)
    choice = Choice("existing-secret:REGISTRY_PAT", "keep or replace?", ("keep", "replace"), "keep")
    thread, result = ask_in_thread(lambda: q.choose(choice))
    asked = posted.get(timeout=5).question
    assert isinstance(asked, ChoiceQuestion)
    asked.answer("replace")
    thread.join(5)
    assert result == ["replace"]
    assert q.choose(choice) == "replace" and posted.empty()  # a re-check does not ask again
    q.forget_choices()
    thread, result = ask_in_thread(lambda: q.choose(choice))
    posted.get(timeout=5).question.answer("not an option")
    thread.join(5)
    assert result == ["keep"]  # an unknown answer falls back to the safe default
    value = "typed-" + "x" * 8
    q.provide_secret("REGISTRY_PAT", value)
    assert q.secret("REGISTRY_PAT", "value for REGISTRY_PAT") == value and posted.empty()


def test_questioner_asks_for_a_missing_secret_and_refuses_an_empty_one() -> None:
    posted: queue.Queue = queue.Queue()
    q = TuiQuestioner(lambda message: posted.put(message) or True)
    thread, result = ask_in_thread(lambda: q.secret("REGISTRY_USERNAME", "value for REGISTRY_USERNAME"))
    asked = posted.get(timeout=5).question
    assert isinstance(asked, SecretQuestion) and asked.name == "REGISTRY_USERNAME"
    asked.answer("")
    thread.join(5)
    assert isinstance(result[0], InputError) and "REGISTRY_USERNAME" in result[0].message


def test_closing_wakes_every_waiting_worker_with_interrupted() -> None:
    posted: queue.Queue = queue.Queue()
    q = TuiQuestioner(lambda message: posted.put(message) or True)
    thread, result = ask_in_thread(lambda: q.confirm("workflow", "create .github/workflows/build-image.yml"))
    posted.get(timeout=5)
    q.cancel_all()
    thread.join(5)
    assert isinstance(result[0], Interrupted)
    with pytest.raises(Interrupted):
        q.confirm("validate", "build twice")  # no new question once closing


def test_cancellable_port_refuses_calls_once_cancelled() -> None:
    class Port:
        api_url = "http://127.0.0.1:1"

        def whoami(self) -> str:
            return "octo"

    cancelled = threading.Event()
    port = GuardedPort(Port(), cancelled, Interrupted)  # as the wizard wraps its sessions' ports
    assert port.whoami() == "octo" and port.api_url == "http://127.0.0.1:1"
    cancelled.set()
    with pytest.raises(Interrupted):
        port.whoami()


# -- the model ----------------------------------------------------------------------------------------------------
def test_the_step_list_follows_the_engine_order_and_titles() -> None:
    from wizard.engine.step_info import STEP_NAMES as ENGINE_ORDER
    from wizard.engine.steps import default_steps
    from wizard.tui.screens import make_screen

    assert STEP_NAMES == ENGINE_ORDER == tuple(s.name for s in default_steps())
    for step in default_steps():
        assert make_screen(step.name).heading == step.title


def test_an_edit_makes_the_steps_that_read_it_stale_and_limits_forward_moves() -> None:
    from wizard.engine.runner import stale_after
    from wizard.engine.steps import default_steps

    journey = Journey()
    for name in STEP_NAMES[:6]:
        journey[name].status = "done"
    assert journey.frontier() == "validate" and journey.reachable("validate") and not journey.reachable("summary")
    readers = stale_after(default_steps(), {"service"})  # the engine says who reads the service name
    assert journey.invalidate_after_edit("image", readers) == ["image", "workflow", "validate", "summary"]
    assert journey["secrets"].status == "done"  # the secrets do not depend on the image name
    assert journey.frontier() == "image" and not journey.reachable("secrets")


# -- the first frame ----------------------------------------------------------------------------------------------
FIRST_FRAME_PROBE = """
import asyncio, json, sys, threading
HEAVY = ("github", "wizard.github", "wizard.sandbox", "flask", "wizard.engine.steps", "wizard.engine.runner")
from wizard.tui.app import create_app
seen = {"after_import": [m for m in HEAVY if m in sys.modules]}
def factory(questioner, emit):
    seen["factory_thread_is_main"] = threading.current_thread() is threading.main_thread()
    seen["screen_at_factory"] = type(app.screen).__name__
    seen["loaded_at_factory"] = [m for m in HEAVY if m in sys.modules]
    raise RuntimeError("the probe stops here")
app = create_app(factory)
async def main():
    async with app.run_test() as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if "screen_at_factory" in seen:
                break
asyncio.run(main())
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_the_first_frame_comes_before_pygithub_the_engine_steps_and_the_sandbox() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE], capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["after_import"] == []
    assert seen["screen_at_factory"] == "ConnectScreen"  # the first screen was up before the session was built
    assert seen["factory_thread_is_main"] is False  # ... in a worker thread
    assert seen["loaded_at_factory"] == []


# -- dialogs and the palette ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_f1_explains_the_current_step(sandbox, tmp_path: Path) -> None:
    from wizard.engine.steps.connect import ConnectStep

    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_status(pilot, "connect", "ready")
            await pilot.press("f1")
            await wait_screen(pilot, "HelpModal")
            text = " ".join(screen_text(app).split())
            assert "Help: Connect to GitHub" in text
            assert " ".join(ConnectStep().help.split())[:60] in text
            await pilot.press("escape")
            await wait_screen(pilot, "ConnectScreen")

    run(scenario())


@pytest.mark.slow
def test_an_engine_error_opens_a_modal_with_its_hint(sandbox, tmp_path: Path) -> None:
    weak = sandbox.add_token(["repo", "workflow"], login="octo-admin")  # no admin:org for org secrets
    app = wizard_on(sandbox, tmp_path, token=weak)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository"))
            await wait_status(pilot, "preflight", "failed")
            await wait_screen(pilot, "ErrorModal")
            text = " ".join(screen_text(app).split())
            assert "admin:org" in text and "hint: refresh the token" in text
            await pilot.press("enter")
            await wait_screen(pilot, "PreflightScreen")
            await pilot.press("ctrl+n")  # a failed step does not move on
            await pilot.pause(0.2)
            assert app.journey.current == "preflight" and app.journey["secrets"].status == "pending"

    run(scenario())
    org = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == "BrikByte-Studios")
    assert org["secrets"] == []


@pytest.mark.slow
def test_a_session_that_cannot_start_says_why(tmp_path: Path) -> None:
    from wizard.tui.app import create_app

    def factory(questioner, emit):
        raise InputError("no GitHub token found", "set GH_TOKEN or run `brik-onboard auth login`")

    app = create_app(factory)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_screen(pilot, "ErrorModal")
            # The modal is pushed before it is painted: under load its text may not be on screen yet.
            await wait_for(pilot, lambda: "no GitHub token found" in screen_text(app), "the error's text")
            text = " ".join(screen_text(app).split())
            assert "no GitHub token found" in text and "hint: set GH_TOKEN" in text
            await pilot.press("escape")
            await pilot.press("ctrl+q")

    run(scenario())
    assert app.return_code == 130  # quit (Ctrl+Q) before the end: interrupted, as the README documents


@pytest.mark.slow
@pytest.mark.wall_clock  # the build must still be running when the user quits
def test_quitting_during_the_build_asks_and_says_what_resumes(tmp_path: Path) -> None:
    from wizard.sandbox import Sandbox

    state_file = tmp_path / "brik-onboard.state.json"
    with Sandbox(time_factor=0.3) as slow:  # a first build of ~25 s: still running when the user quits
        app = wizard_on(slow, tmp_path, poll_interval_s=0.05)
        run(quit_during_build(app))
    assert app.return_code == 130  # quit (Ctrl+Q) before the end: interrupted, as the README documents
    assert json.loads(state_file.read_text())["run_id"]  # what a re-run resumes waiting for
    assert app.controller.cancelled.is_set()


async def quit_during_build(app) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await complete_steps(pilot, ("connect", "repository", "preflight", "image", "secrets", "workflow"))
        await wait_status(pilot, "validate", "ready")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(events_of(app, BuildUpdate)), "the build to start")
        await pilot.press("ctrl+q")
        await wait_screen(pilot, "QuitModal")
        text = " ".join(screen_text(app).split())
        assert "validation build (run" in text and "resumes" in text
        await pilot.press("n")  # stay: nothing stops
        await wait_screen(pilot, "ValidateScreen")
        assert app.journey["validate"].status == "applying"
        await pilot.press("ctrl+q")
        await wait_screen(pilot, "QuitModal")
        await pilot.press("y")
        await pilot.pause(0.2)


@pytest.mark.slow
def test_command_palette_jumps_toggles_dark_reruns_validation_and_opens_links(sandbox, tmp_path: Path, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image", "secrets", "workflow", "validate"))
            dark = app.current_theme.dark
            await palette(pilot, "dark", "Toggle dark mode")
            assert app.current_theme.dark is not dark
            await palette(pilot, "step 4", "Go to step 4: Image")
            await wait_screen(pilot, "ImageScreen")
            await palette(pilot, "attempt 1", "Open the validation run (attempt 1)")
            assert opened and opened[0].endswith("/actions/runs/9100000001/attempts/1")  # the attempt's own page
            await palette(pilot, "re-run", "Re-run validation")
            await wait_status(pilot, "validate", "ready")
            assert app.journey.current == "validate"
            assert [c.action for c in app.journey["validate"].changes] == ["create"]  # a new build, not "already validated"
            await complete_step(pilot, "validate")

    run(scenario())
    runs = next(r for r in sandbox.snapshot()["repos"] if r["full_name"] == "BrikByte-Studios/example-node-api")["runs"]
    assert len(runs) == 2


# -- answers the engine asks for mid-step ---------------------------------------------------------------------------
@pytest.mark.slow
def test_the_tags_field_turns_red_with_the_cores_message(sandbox, tmp_path: Path) -> None:
    from wizard.core import naming

    with pytest.raises(naming.NamingError) as refused:
        naming.normalise_tags("v1, a b")
    app = wizard_on(sandbox, tmp_path)

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            await wait_status(pilot, "image", "ready")
            tags = app.screen.query_one("#tags")
            await pilot.press("tab", "end", "ctrl+u", *"v1, a b")
            await wait_for(pilot, lambda: tags.has_class("-invalid"), "the tags to turn red")
            assert refused.value.message in str(app.screen.query_one("#tags-field .field-error").render())
            await pilot.press("ctrl+n")  # refused while a field is invalid
            await pilot.pause(0.1)
            assert app.journey.current == "image"
            await pilot.press("backspace", "backspace", "backspace", *"latest")
            expected = ["ghcr.io/brikbyte-studios/example-node-api:v1", "ghcr.io/brikbyte-studios/example-node-api:latest"]
            await wait_for(
                pilot,
                # The final target's (production: the demo's Dockerfile has test and production stages) plain tags
                lambda: app.journey["image"].status == "ready" and app.journey["image"].result.destinations[-2:] == tuple(expected),
                "the new destinations",
            )
            assert not tags.has_class("-invalid") and app.plan().tags == ("v1", "latest")

    run(scenario())


@pytest.mark.slow
def test_an_existing_secret_and_variable_are_kept_or_replaced_as_the_user_chooses(sandbox, tmp_path: Path) -> None:
    from wizard.github import connect

    port = connect(sandbox.base_url, sandbox.token)
    repo_id = port.get_repo("BrikByte-Studios/example-node-api").id
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    port.put_org_secret("BrikByte-Studios", "REGISTRY_PAT", pat, "selected", (repo_id,))
    # An older onboarding pointed REGISTRY_URL elsewhere: its value can be read, so the question names both values.
    port.put_org_variable("BrikByte-Studios", "REGISTRY_URL", "registry.example.com", "selected", (repo_id,), create=True)

    def org() -> dict:
        return next(o for o in sandbox.snapshot()["orgs"] if o["login"] == "BrikByte-Studios")

    before = org()["secrets"]
    app = wizard_on(sandbox, tmp_path, strategy="pat")

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            await wait_screen(pilot, "ChoiceModal")
            text = " ".join(screen_text(app).split())
            assert "REGISTRY_PAT already exists (updated" in text and "keep" in text and "replace" in text
            await pilot.press("enter")  # the default: keep
            await wait_for(pilot, lambda: "REGISTRY_URL already exists" in " ".join(screen_text(app).split()), "the variable's question")
            text = " ".join(screen_text(app).split())
            # the dialog wraps the question after "not": both values are named
            assert "REGISTRY_URL already exists at org as registry.example.com, not" in text
            assert "ghcr.io. Keep it or replace its value?" in text
            await pilot.press("down", "enter")  # replace
            await wait_status(pilot, "secrets", "ready")
            # The screen wants a PAT typed even when the existing one is kept (see screens/secrets.py problem()):
            # typing it re-checks the step, and the choices made are remembered, not asked again.
            app.screen.query_one("#pat").focus()
            await paste(pilot, pat)
            await pilot.press("enter")
            await wait_status(pilot, "secrets", "ready")
            assert app.screen.query_one("#form-hint").display is False
            assert [(c.kind, c.target, c.action) for c in app.journey["secrets"].changes] == [
                ("secret", "org:REGISTRY_PAT", "keep"),
                ("variable", "org:REGISTRY_URL", "update"),
            ]
            await complete_step(pilot, "secrets")  # the variable is written: confirmed

    run(scenario())
    assert org()["secrets"] == before, "the kept secret is not touched"
    [variable] = org()["variables"]
    assert (variable["name"], variable["value"], variable["visibility"], variable["selected_repositories"]) == (
        "REGISTRY_URL",
        "ghcr.io",
        "selected",
        [repo_id],
    )


@pytest.mark.slow
def test_the_engine_asks_for_a_pat_it_has_no_value_for_in_a_masked_dialog(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    app = wizard_on(sandbox, tmp_path, strategy="pat")  # the answers say PAT; nothing typed yet

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            await wait_screen(pilot, "SecretModal")
            assert app.focused is app.screen.query_one("#secret-value") and app.focused.password
            await paste(pilot, pat)
            assert pat not in screen_text(app)
            await pilot.press("enter")
            await wait_status(pilot, "secrets", "ready")
            assert {(c.kind, c.target) for c in app.journey["secrets"].writes} == {
                ("variable", "org:REGISTRY_URL"),
                ("secret", "org:REGISTRY_PAT"),
            }
            await complete_step(pilot, "secrets")

    run(scenario())
    secrets = {s["name"]: s for s in next(o for o in sandbox.snapshot()["orgs"] if o["login"] == "BrikByte-Studios")["secrets"]}
    assert secrets["REGISTRY_PAT"]["sha256"] == sha256(pat)
