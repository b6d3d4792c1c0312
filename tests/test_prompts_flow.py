"""The prompt mode in process, answered by a script: the flow, its defaults, its retries and what it says.

The pseudo-terminal tests (test_prompts_pty.py) drive the real questionary prompts; these cover the paths a
keyboard script would make slow: a re-run, a refused PAT asked again, declined steps, no terminal.
"""

from __future__ import annotations

import io

import pytest

from tests.engine_helpers import env_secrets, fake_token, file_on, live_state, org_secrets, org_variables, sha256
from tests.prompts_helpers import BUILD_DEFAULTS, DEFAULT, INTERRUPT, ScriptedPrompter, demo, run_scripted
from wizard.core import naming
from wizard.errors import EXIT_OK, EXIT_USAGE, WizardError
from wizard.prompt_face.prompter import ask, validator
from wizard.prompt_face.run import EXIT_INTERRUPTED, run_prompts

WORKFLOW = ".github/workflows/build-image.yml"


def core_error(check, text: str) -> WizardError:
    with pytest.raises(WizardError) as caught:
        check(text)
    return caught.value


@pytest.mark.slow
def test_a_rerun_offers_the_last_answers_and_changes_nothing() -> None:
    first = ScriptedPrompter(
        [
            ("Service name", "OrdersApi"),  # refused while typing, with the core's reason
            ("Service name", "orders-api"),
            ("Image tags", "v1.2.0, latest"),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", "github-token"),
            ("secrets live", "org"),
            ("Which repositories", "private"),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", "commit"),
            ("Apply the workflow", True),
            ("Start the validation", True),
            ("Write the answers", True),
        ]
    )
    with demo() as env:
        run = run_scripted(env, first, delivery=None)  # delivery comes from the answers, not a flag
        assert run.code == EXIT_OK, run.out + run.err
        assert "verdict: PASS" in run.out
        assert first.refused == [("OrdersApi", first.refused[0][1])]
        assert first.refused[0][1].startswith(core_error(naming.validate_service, "OrdersApi").message)
        # the first run's defaults: the slugged repo name and the plan's defaults
        assert first.defaults_of("Service name")[0] == "example-node-api"
        assert first.defaults_of("caller workflow reach") == ["pr"]
        caller = file_on(env.sandbox, WORKFLOW)
        assert caller is not None and "image_name: ghcr.io/brikbyte-studios/orders-api" in caller and "latest" in caller
        state = live_state(env.sandbox)
        assert "REGISTRY_URL" not in org_secrets(state)
        assert (org_variables(state)["REGISTRY_URL"]["value"], org_variables(state)["REGISTRY_URL"]["visibility"]) == ("ghcr.io", "private")

        again = ScriptedPrompter(
            [
                ("Service name", DEFAULT),
                ("Image tags", DEFAULT),
                ("Layer cache", DEFAULT),
                ("Build targets", ""),  # declines the proposed test,production: one image
                ("Registry credential", DEFAULT),
                ("secrets live", DEFAULT),
                ("Which repositories", DEFAULT),
                # no "already exists" question: the variable holds the answers' registry, so it is kept unasked
                *BUILD_DEFAULTS,
                ("caller workflow reach", DEFAULT),
            ]
        )
        rerun = run_scripted(env, again, delivery=None)
        assert rerun.code == EXIT_OK, rerun.out + rerun.err
        assert again.script == []
        offered = {a.message.split(" (")[0].rstrip(":"): a.default for a in again.asked}
        assert offered["Service name"] == "orders-api"
        assert offered["Image tags"] == "v1.2.0, latest"
        assert offered["Which repositories may read the org secrets"] == "private"
        assert offered["How should the caller workflow reach the repository"] == "commit"
        writes = [a for a in again.asked if a.kind == "confirm" and not a.message.startswith("Layer cache")]  # that one is an answer
        assert not writes, "a re-run with the same answers asked to write"
        assert f"{WORKFLOW} already up to date" in rerun.out
        assert not [a for a in again.asked if "already exists" in a.message]
        assert "keep variable REGISTRY_URL=ghcr.io at org" in rerun.out


def test_a_refused_pat_is_explained_and_asked_for_again() -> None:
    fine_grained, good = fake_token("github_pat_"), fake_token()
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", "pat"),
            ("secrets live", "environment"),
            ("Environment name", "bad,name"),
            ("Environment name", "registry"),
            ("REGISTRY_PAT", fine_grained),
            ("What now", "change"),
            ("Registry credential", DEFAULT),
            ("secrets live", DEFAULT),
            ("Environment name", DEFAULT),
            ("REGISTRY_PAT", good),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", INTERRUPT),
        ]
    )
    with demo() as env:
        env.sandbox.state.add_token("octo-admin", ("write:packages",), value=good)
        run = run_scripted(env, prompter)
        assert run.code == EXIT_INTERRUPTED, run.out + run.err
        assert prompter.script == []
        assert prompter.refused[0][0] == "bad,name" and "invalid environment name" in prompter.refused[0][1]
        assert "fine-grained PAT" in run.out
        assert "checking the preflight step again" in run.out  # org -> environment changes the scopes the token needs
        # the retry offered the answers just given, and the value was typed once per attempt
        assert prompter.defaults_of("Registry credential") == ["github-token", "pat"]
        assert prompter.defaults_of("Environment name") == ["", "", "registry"]  # typed twice, then offered
        assert len([a for a in prompter.asked if a.kind == "password"]) == 2
        stored = env_secrets(live_state(env.sandbox), "registry")
        assert stored["REGISTRY_PAT"]["sha256"] == sha256(good)
        assert "interrupted at the workflow step" in run.err
        assert "already applied: create environment registry" in run.err
        assert "resume" in run.err
        for value in (fine_grained, good):
            assert value not in run.out + run.err


def test_declining_a_step_stops_there_and_says_nothing_was_made() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", DEFAULT),
            ("secrets live", DEFAULT),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", False),
            ("What now", "stop"),
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter)
        assert run.code == EXIT_USAGE
        assert "stopped at the secrets step: no changes were made" in run.err
        assert org_secrets(live_state(env.sandbox)) == {}


def test_declining_the_builds_can_skip_them_and_still_save_the_answers() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", DEFAULT),
            ("secrets live", DEFAULT),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", DEFAULT),
            ("Apply the workflow", True),
            ("Start the validation", False),
            ("What now", "skip"),
            ("Write the answers", True),
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter)
        assert run.code == EXIT_OK, run.out + run.err
        assert "validation skipped" in run.out
        assert (env.workdir / "brik-onboard.yml").is_file()
        runs = next(r for r in live_state(env.sandbox)["repos"] if r["full_name"].endswith("example-node-api"))["runs"]
        assert all(len(build["attempts"]) == 1 for build in runs), "a declined validation re-ran a build"


def test_without_a_terminal_it_fails_at_once_instead_of_hanging() -> None:
    def factory(questioner, emit):  # pragma: no cover - must not be reached
        raise AssertionError("a session was built without a terminal")

    err = io.StringIO()
    assert run_prompts(factory, out=io.StringIO(), err=err) == EXIT_USAGE  # pytest's stdin is not a terminal
    assert "interactive session required" in err.getvalue()


def test_the_input_check_shows_the_cores_message_and_hint() -> None:
    check = validator(naming.normalise_tags)
    assert check("v1.2.0, latest") is True
    error = core_error(naming.normalise_tags, "v1 2")
    assert error.hint and check("v1 2") == f"{error.message} ({error.hint})"


def test_a_question_answered_with_none_counts_as_an_interrupt() -> None:
    class Cancelled:  # questionary's answer when its own Ctrl-C handling ran
        def unsafe_ask(self) -> None:
            return None

    with pytest.raises(KeyboardInterrupt):
        ask(Cancelled())


def test_ctrl_c_before_any_write_says_no_changes_were_made() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", DEFAULT),
            ("secrets live", DEFAULT),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", INTERRUPT),  # at the first confirm: nothing approved yet
        ]
    )
    with demo() as env:
        run = run_scripted(env, prompter)
        assert run.code == EXIT_INTERRUPTED
        assert run.err.strip() == "interrupted: no changes were made"
        assert org_secrets(live_state(env.sandbox)) == {}
