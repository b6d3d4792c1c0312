"""The secrets step through `apply`: PAT values from the environment or stdin, org and environment scopes,
existing secrets kept (or replaced) with their visibility and selected repositories, and the PAT checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_helpers import (
    ORG,
    Onboarding,
    add_repo,
    clear_request_log,
    count,
    env_secrets,
    fake_token,
    live_state,
    org_secrets,
    org_variables,
    repo_state,
    request_log,
    sha256,
    writes,
)
from tests.sandbox_client import Client

ORG_SECRETS = f"/orgs/{ORG}/actions/secrets"


def registry_pat(sandbox, scopes: tuple[str, ...] = ("write:packages", "read:packages")) -> str:
    return sandbox.add_token(list(scopes), login="ci-bot")


@pytest.mark.slow
def test_pat_from_stdin_at_org_scope_with_selected_visibility(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, tmp_path)
    result = ob.apply(
        "--deliver",
        "commit",
        "--strategy",
        "pat",
        "--visibility",
        "selected",
        "--secrets-from-stdin",
        stdin=f"# the registry token\nREGISTRY_PAT={pat}\n",
    )
    assert result.returncode == 0, result
    assert result.json["verdict"]["passed"] is True, result.json["verdict"]
    state = live_state(sandbox)
    secret = org_secrets(state)["REGISTRY_PAT"]
    assert secret["sha256"] == sha256(pat)
    assert (secret["visibility"], secret["selected_repositories"]) == ("selected", [repo_state(state)["id"]])


@pytest.mark.slow
def test_environment_scope_creates_the_environment_once(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    clear_request_log(sandbox)
    flags = ("--deliver", "commit", "--strategy", "pat", "--scope", "environment", "--environment", "registry")
    first = ob.apply(*flags)
    assert first.returncode == 0, first
    assert first.json["verdict"]["passed"] is True, first.json["verdict"]
    assert count(request_log(sandbox), "PUT", "/environments/registry") == 1
    state = live_state(sandbox)
    secrets = env_secrets(state, "registry")
    assert secrets["REGISTRY_PAT"]["sha256"] == sha256(pat)
    assert "REGISTRY_URL" not in secrets
    # The caller's `with:` runs in no environment: the variable lives in the repository, where it can read it.
    assert {v["name"]: v["value"] for v in repo_state(state)["variables"]} == {"REGISTRY_URL": "ghcr.io"}
    assert org_secrets(state) == {} and org_variables(state) == {}, "environment scope stores nothing at org level"

    clear_request_log(sandbox)
    second = ob.apply(*flags)
    assert second.returncode == 0, second
    assert count(request_log(sandbox), "PUT", "/environments/registry") == 0
    assert writes(request_log(sandbox)) == []
    assert [e["name"] for e in repo_state(live_state(sandbox))["environments"]] == ["registry"]


def _existing_selected_secret(sandbox, name: str, value: str) -> list[int]:
    """An org secret with `selected` visibility shared with two other repositories; returns their ids."""
    others = [add_repo(sandbox, "other-service-a"), add_repo(sandbox, "other-service-b")]
    Client(sandbox.base_url, sandbox.token).put_secret(
        f"/orgs/{ORG}/actions", name, value, expect=201, visibility="selected", selected_repository_ids=others
    )
    return others


def test_selected_org_secret_keeps_its_other_repos_when_we_join(sandbox, tmp_path: Path) -> None:
    old_pat = registry_pat(sandbox)
    others = _existing_selected_secret(sandbox, "REGISTRY_PAT", old_pat)
    new_pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": new_pat})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat", "--skip-validation")
    assert result.returncode == 0, result
    state = live_state(sandbox)
    repo_id = repo_state(state)["id"]
    secret = org_secrets(state)["REGISTRY_PAT"]
    assert secret["sha256"] == sha256(old_pat), "an existing secret is kept unless replacement is asked"
    assert secret["visibility"] == "selected"
    assert sorted(secret["selected_repositories"]) == sorted([*others, repo_id])
    log = request_log(sandbox)
    assert f"PUT {ORG_SECRETS}/REGISTRY_PAT/repositories/{repo_id}" in writes(log)
    assert count(log, "PUT", f"{ORG_SECRETS}/REGISTRY_PAT") == 0, "the kept value is not sent again"


def test_replace_secrets_keeps_visibility_and_every_selected_repo(sandbox, tmp_path: Path) -> None:
    others = _existing_selected_secret(sandbox, "REGISTRY_PAT", registry_pat(sandbox))
    new_pat = registry_pat(sandbox)
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": new_pat})
    result = ob.apply("--deliver", "commit", "--strategy", "pat", "--visibility", "all", "--replace-secrets")
    assert result.returncode == 0, result
    assert result.json["verdict"]["passed"] is True, result.json["verdict"]
    state = live_state(sandbox)
    secret = org_secrets(state)["REGISTRY_PAT"]
    assert secret["sha256"] == sha256(new_pat)
    assert secret["visibility"] == "selected", "an update keeps the secret's visibility, whatever the answers say"
    assert sorted(secret["selected_repositories"]) == sorted([*others, repo_state(state)["id"]])


def test_fine_grained_registry_pat_is_refused_before_anything_is_written(sandbox, tmp_path: Path) -> None:
    fine = sandbox.add_token(["write:packages"], login="ci-bot", fine_grained=True)
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": fine})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 3, result
    assert "fine-grained PAT: GHCR accepts only classic PATs" in result.stderr
    assert "classic PAT with the write:packages scope" in result.stderr
    assert "Traceback" not in result.stderr
    assert writes(request_log(sandbox)) == []


def test_registry_pat_without_write_packages_is_refused(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox, ("read:packages",))
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 3, result
    assert "lacks the write:packages scope" in result.stderr
    assert writes(request_log(sandbox)) == []


def test_registry_pat_with_extra_package_scopes_is_stored_with_a_warning(sandbox, tmp_path: Path) -> None:
    pat = registry_pat(sandbox, ("write:packages", "delete:packages"))
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    result = ob.apply("--deliver", "commit", "--strategy", "pat", "--skip-validation")
    assert result.returncode == 0, result
    assert "the registry token also carries delete:packages" in result.stderr
    assert "least privilege" in result.stderr
    assert org_secrets(live_state(sandbox))["REGISTRY_PAT"]["sha256"] == sha256(pat)


def test_registry_pat_with_admin_powers_stops_a_yes_run_before_any_write(sandbox, tmp_path: Path) -> None:
    # Stored as REGISTRY_PAT, a token with repo/admin scopes would be usable by every workflow of the repository.
    for scopes in (("write:packages", "repo"), ("write:packages", "admin:org"), ("write:packages", "workflow", "delete_repo")):
        pat = registry_pat(sandbox, scopes)
        ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
        clear_request_log(sandbox)
        result = ob.apply("--deliver", "commit", "--strategy", "pat")
        assert result.returncode == 2, result
        assert "the registry token carries" in result.stderr and "write:packages only" in result.stderr
        assert "Traceback" not in result.stderr and pat not in result.output
        assert writes(request_log(sandbox)) == []


def test_the_admin_token_is_never_stored_as_a_registry_secret(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": sandbox.token})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 2, result
    assert "is the admin token" in result.stderr
    assert sandbox.token not in result.output
    assert writes(request_log(sandbox)) == []


def test_unknown_registry_pat_is_refused_without_echoing_it(sandbox, tmp_path: Path) -> None:
    stranger = fake_token()  # not a token the sandbox knows: GitHub answers 401
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": stranger})
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 3, result
    assert "Traceback" not in result.stderr and result.stderr.count("error:") == 1
    assert stranger not in result.output
    assert writes(request_log(sandbox)) == []


def test_unknown_registry_pat_is_refused_with_a_hint_about_the_registry_pat_and_where_it_was_read(sandbox, tmp_path: Path) -> None:
    stranger = fake_token()  # GitHub answers 401 for it: the hint is about this PAT, not the admin token's sign-in
    ob = Onboarding(sandbox, tmp_path, secret_env={"BRIK_SECRET_REGISTRY_PAT": stranger})
    result = ob.apply("--deliver", "commit", "--strategy", "pat")
    assert result.returncode == 3, result
    error, hint = (line for line in result.stderr.splitlines() if line.startswith(("error:", "hint:")))
    assert "registry token" in error and "BRIK_SECRET_REGISTRY_PAT" in error and "bad credentials" in error
    assert "classic PAT with the write:packages scope" in hint and "BRIK_SECRET_REGISTRY_PAT" in hint
    assert "auth login" not in result.stderr and stranger not in result.output

    piped = ob.apply("--deliver", "commit", "--strategy", "pat", "--secrets-from-stdin", stdin=f"REGISTRY_PAT={stranger}\n")
    assert piped.returncode == 3, piped
    assert "registry token (from stdin)" in piped.stderr and "auth login" not in piped.stderr


ORG_VARIABLES = f"/orgs/{ORG}/actions/variables"


def _existing_selected_variable(sandbox, value: str) -> list[int]:
    """An org variable REGISTRY_URL with `selected` visibility shared with two other repositories; their ids."""
    others = [add_repo(sandbox, "other-service-a"), add_repo(sandbox, "other-service-b")]
    body = {"name": "REGISTRY_URL", "value": value, "visibility": "selected", "selected_repository_ids": others}
    Client(sandbox.base_url, sandbox.token).call("POST", ORG_VARIABLES, body, expect=201)
    return others


def test_selected_org_variable_gets_this_repo_added_and_nothing_else(sandbox, tmp_path: Path) -> None:
    others = _existing_selected_variable(sandbox, "ghcr.io")
    ob = Onboarding(sandbox, tmp_path)
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--skip-validation")
    assert result.returncode == 0, result
    state = live_state(sandbox)
    repo_id = repo_state(state)["id"]
    variable = org_variables(state)["REGISTRY_URL"]
    assert (variable["value"], variable["visibility"]) == ("ghcr.io", "selected")
    assert sorted(variable["selected_repositories"]) == sorted([*others, repo_id]), "this repo joins, nobody leaves"
    log = request_log(sandbox)
    variable_writes = [w for w in writes(log) if "/actions/variables" in w]
    assert variable_writes == [f"PUT {ORG_VARIABLES}/REGISTRY_URL/repositories/{repo_id}"], "neither created nor updated"

    clear_request_log(sandbox)
    again = ob.apply("--deliver", "commit", "--skip-validation")
    assert again.returncode == 0, again
    assert writes(request_log(sandbox)) == [], "a second run writes nothing"


def test_org_variable_with_another_value_is_kept_unless_replacement_is_asked(sandbox, tmp_path: Path) -> None:
    """The secrets' rule: what exists is kept unless --replace-secrets (or `replace`) is given. A variable's value
    can be read, so one that already holds the answers' registry is kept without a question, and a kept different
    value is said (the caller would log in to it)."""
    others = _existing_selected_variable(sandbox, "registry.example.com")
    ob = Onboarding(sandbox, tmp_path)
    clear_request_log(sandbox)
    kept = ob.apply("--deliver", "commit", "--skip-validation")
    assert kept.returncode == 0, kept
    state = live_state(sandbox)
    repo_id = repo_state(state)["id"]
    variable = org_variables(state)["REGISTRY_URL"]
    assert variable["value"] == "registry.example.com", "kept: other repositories may read it"
    assert sorted(variable["selected_repositories"]) == sorted([*others, repo_id])
    assert count(request_log(sandbox), "PATCH", f"{ORG_VARIABLES}/REGISTRY_URL") == 0
    assert "REGISTRY_URL at org is registry.example.com, not ghcr.io" in kept.output
    assert "--replace-secrets" in kept.output

    clear_request_log(sandbox)
    replaced = ob.apply("--deliver", "commit", "--skip-validation", "--replace-secrets")
    assert replaced.returncode == 0, replaced
    variable = org_variables(live_state(sandbox))["REGISTRY_URL"]
    assert variable["value"] == "ghcr.io"
    assert variable["visibility"] == "selected", "an update keeps the variable's visibility"
    assert sorted(variable["selected_repositories"]) == sorted([*others, repo_id]), "and every selected repository"
    variable_writes = [w for w in writes(request_log(sandbox)) if "/actions/variables" in w]
    assert variable_writes == [f"PATCH {ORG_VARIABLES}/REGISTRY_URL"]


def test_repository_variable_with_another_value_is_replaced_when_asked(sandbox, tmp_path: Path) -> None:
    Client(sandbox.base_url, sandbox.token).call(
        "POST",
        f"/repos/{repo_state(live_state(sandbox))['full_name']}/actions/variables",
        {"name": "REGISTRY_URL", "value": "old.example"},
        expect=201,
    )
    ob = Onboarding(sandbox, tmp_path)
    flags = ("--deliver", "commit", "--skip-validation", "--scope", "environment", "--environment", "registry")
    kept = ob.apply(*flags)
    assert kept.returncode == 0, kept
    assert {v["name"]: v["value"] for v in repo_state(live_state(sandbox))["variables"]} == {"REGISTRY_URL": "old.example"}
    assert "REGISTRY_URL at repository is old.example, not ghcr.io" in kept.output
    replaced = ob.apply(*flags, "--replace-secrets")
    assert replaced.returncode == 0, replaced
    assert {v["name"]: v["value"] for v in repo_state(live_state(sandbox))["variables"]} == {"REGISTRY_URL": "ghcr.io"}
