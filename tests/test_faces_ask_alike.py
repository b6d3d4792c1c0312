"""The full-screen wizard and the plain prompts ask the same questions, rendered from the same declarations, and
an edit in either face re-checks the steps that read it (the preflight, after the secret scope changed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.prompts_helpers import BUILD_DEFAULTS, DEFAULT, INTERRUPT, ScriptedPrompter, demo, run_scripted
from tests.tui_helpers import complete_steps, events_of, wait_for, wait_status, wizard_on
from wizard.core.plan import ANSWERS, step_answers
from wizard.engine.events import StepStarted
from wizard.prompt_face.run import EXIT_INTERRUPTED
from wizard.tui.model import DONE, READY
from wizard.tui.widgets.answer_form import AnswerForm

pytestmark = pytest.mark.slow

ASKED_BY_STEP = {step: {a.name for a in step_answers(step)} for step in ("image", "secrets", "workflow")}
PROMPT_OF = {a.prompt: a.name for a in ANSWERS if a.meta.step}


def asked_names(prompter: ScriptedPrompter) -> set[str]:
    names = set()
    for asked in prompter.asked:
        prompt = asked.message.rstrip(":?")
        if prompt in PROMPT_OF:
            names.add(PROMPT_OF[prompt])
    return names


def prompt_run(scope: str, environment: list[tuple[str, object]]) -> ScriptedPrompter:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", DEFAULT),
            ("secrets live", scope),
            *environment,
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", DEFAULT),
            ("Apply the workflow", INTERRUPT),
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter)
    assert run.code == EXIT_INTERRUPTED, run.out + run.err
    assert prompter.script == []
    return prompter


def test_both_faces_ask_every_declared_answer_of_each_step(sandbox, tmp_path: Path) -> None:
    # The prompts ask an answer only when it applies: the org's visibility, the environment's name, or the
    # builder (a self-hosted runner; the demo builds on ubuntu-latest: tests/test_builder_answer.py asks it).
    org = asked_names(prompt_run("org", [("Which repositories", DEFAULT)]))
    environment = asked_names(prompt_run("environment", [("Environment name", "production")]))
    assert org == set().union(*ASKED_BY_STEP.values()) - {"environment", "builder"}
    assert environment == set().union(*ASKED_BY_STEP.values()) - {"visibility", "builder"}

    # The wizard's forms hold every answer of their step (those that do not apply are hidden, not missing).
    app = wizard_on(sandbox, tmp_path)
    forms: dict[str, list[str]] = {}

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight"))
            for step in ("image", "secrets", "workflow"):
                await wait_status(pilot, step, READY)
                forms[step] = [q.name for q in app.screen.query_one(AnswerForm).questions]
                if step != "workflow":
                    await complete_steps(pilot, (step,))

    asyncio.run(scenario())
    assert {step: set(names) for step, names in forms.items()} == ASKED_BY_STEP
    assert forms["secrets"] == [a.name for a in step_answers("secrets")]  # in the declared order


def test_a_scope_change_in_the_wizard_checks_the_preflight_again(sandbox, tmp_path: Path) -> None:
    app = wizard_on(sandbox, tmp_path)

    def preflight_checks() -> int:
        return sum(1 for e in events_of(app, StepStarted) if e.step == "preflight")

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await complete_steps(pilot, ("connect", "repository", "preflight", "image"))
            await wait_status(pilot, "secrets", READY)
            # The image screen's proposed targets are an answer the preflight reads too: checked again once then
            assert preflight_checks() == 2
            await pilot.press("tab", "right", "enter")  # the scope: environment
            await wait_for(pilot, lambda: app.screen.query_one("#environment-field").display, "the environment field")
            await pilot.press("tab", *"production")
            await wait_for(pilot, lambda: app.plan().environment == "production", "the environment in the plan")
            await wait_status(pilot, "secrets", READY)
            await wait_for(pilot, lambda: app.journey["preflight"].status == DONE, "the preflight done again")
            assert preflight_checks() == 3
            assert app.journey.reachable("workflow") is False  # the secrets step is not done: nothing past it yet
            assert app.journey.frontier() == "secrets"  # the preflight did not hold the user back

    asyncio.run(scenario())
