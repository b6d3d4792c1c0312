"""A scope switch never deletes the secrets at the level no longer chosen, and says so: the secrets step declares
them as `keep` changes ("kept at org level: REGISTRY_PAT …"), which every face lists with the step's changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_helpers import Onboarding, env_secrets, live_state, org_secrets, org_variables, repo_state, sha256

FLAGS = ("--deliver", "commit", "--strategy", "pat", "--skip-validation")


@pytest.mark.slow
def test_switching_scope_lists_what_stays_at_the_old_level(sandbox, tmp_path: Path) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    first = ob.apply(*FLAGS)
    assert first.returncode == 0, first
    assert "kept at" not in first.stdout  # nothing at another level yet

    to_env = ob.apply(*FLAGS, "--scope", "environment", "--environment", "registry", as_json=False)
    assert to_env.returncode == 0, to_env
    assert "kept at org level: REGISTRY_PAT (this repository's build reads the environment's REGISTRY_PAT" in to_env.stdout
    assert "kept at org level: variable REGISTRY_URL (the repository's REGISTRY_URL takes precedence)" in to_env.stdout
    state = live_state(sandbox)
    assert org_secrets(state)["REGISTRY_PAT"]["sha256"] == sha256(pat)  # kept, as said
    assert "REGISTRY_URL" in org_variables(state)
    assert env_secrets(state, "registry")["REGISTRY_PAT"]["sha256"] == sha256(pat)

    back = ob.apply(*FLAGS, "--scope", "org", "--environment", "registry", as_json=False)
    assert back.returncode == 0, back
    assert "kept in environment registry: REGISTRY_PAT (jobs that use environment registry read it" in back.stdout
    assert "kept at repository level: variable REGISTRY_URL" in back.stdout
    state = live_state(sandbox)
    assert "REGISTRY_PAT" in env_secrets(state, "registry")
    assert {v["name"] for v in repo_state(state)["variables"]} == {"REGISTRY_URL"}
    assert pat not in to_env.stdout + to_env.stderr + back.stdout + back.stderr


def test_a_token_that_may_not_read_org_secrets_onboards_at_environment_scope(sandbox, tmp_path: Path) -> None:
    # Environment scope needs no admin:org: looking for what stays at org level must not fail the step.
    admin = sandbox.add_token(["repo", "workflow"], login="octo-admin")
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    ob = Onboarding(sandbox, tmp_path, token=admin, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    result = ob.apply(*FLAGS, "--scope", "environment", "--environment", "registry", as_json=False)
    assert result.returncode == 0, result
    assert "kept at org level" not in result.stdout  # not readable with this token: nothing claimed
    assert env_secrets(live_state(sandbox), "registry")["REGISTRY_PAT"]["sha256"] == sha256(pat)
