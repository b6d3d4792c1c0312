"""The demo's branches in the plain prompts, each walked to a verdict: the PAT strategy with the sandbox's registry
PAT, org secrets and the pull request the demo offers to merge; GITHUB_TOKEN with environment secrets, a commit and
the cache off (a FAIL verdict, reached)."""

from __future__ import annotations

import pytest

from tests.prompts_helpers import BUILD_DEFAULTS, DEFAULT, ScriptedPrompter, run_scripted
from wizard.app.demo import demo_environment
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED


@pytest.mark.slow
def test_pat_org_and_the_pull_request_merged_as_a_demo_action_reach_a_pass() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", "pat"),
            ("secrets live", "org"),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", "pr"),
            ("Apply the workflow", True),
            ("Demo action: merge pull request", "merge"),  # asked where the run would pause for a reviewer
            ("Write the answers", True),
        ]
    )
    with demo_environment(time_factor=0.01) as env:  # the sandbox's registry PAT in the environment, as `demo --plain`
        run = run_scripted(env, prompter, delivery=None)
        pulls = [r for r in env.sandbox.snapshot()["repos"] if r["full_name"].endswith("/example-node-api")][0]["pulls"]
    assert run.code == EXIT_OK, run.out + run.err
    assert prompter.script == []
    assert "verdict: PASS" in run.out
    assert "demo: merged pull request #" in run.out
    assert len(pulls) == 1 and pulls[0]["merged"]


@pytest.mark.slow
def test_github_token_environment_commit_and_no_cache_reach_a_verdict() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", False),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", "github-token"),
            ("secrets live", "environment"),
            ("Environment name", "staging"),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", "commit"),
            ("Apply the workflow", True),
            ("Start the validation", True),
            ("Write the answers", True),
        ]
    )
    with demo_environment(time_factor=0.01, registry_pat=False) as env:
        run = run_scripted(env, prompter, delivery=None)
    assert run.code == EXIT_VALIDATION_FAILED, run.out + run.err
    assert prompter.script == []
    assert "verdict: FAIL" in run.out and "cache" in run.out


@pytest.mark.slow
def test_pat_and_local_delivery_pushed_as_a_demo_action_reach_a_pass() -> None:
    prompter = ScriptedPrompter(
        [
            ("Service name", DEFAULT),
            ("Image tags", DEFAULT),
            ("Layer cache", DEFAULT),
            ("Build targets", ""),  # declines the proposed test,production: one image
            ("Registry credential", "pat"),
            ("secrets live", "org"),
            ("Which repositories", DEFAULT),
            ("Apply the secrets", True),
            *BUILD_DEFAULTS,
            ("caller workflow reach", "local"),
            ("Apply the workflow", True),
            ("Demo action: commit .github/workflows/build-image.yml", "push"),
            ("Write the answers", True),
        ]
    )
    with demo_environment(time_factor=0.01) as env:
        run = run_scripted(env, prompter, delivery=None)
        written = (env.workdir / "example-node-api" / ".github" / "workflows" / "build-image.yml").is_file()
    assert run.code == EXIT_OK, run.out + run.err
    assert prompter.script == []
    assert written and "demo: committed .github/workflows/build-image.yml" in run.out
    assert "verdict: PASS" in run.out
