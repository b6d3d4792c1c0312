"""The runner: consequences follow from state. Each scenario writes a caller workflow, runs it through
the API, and reads the job log the way the product will."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.sandbox_client import CACHED_IN_DEFAULT_BUILD, HIT, MISS, ORG, REPO, RUNS_IN_DEFAULT_BUILD, TEST_TIME_FACTOR, Client

R = f"/repos/{REPO}"


def caller(
    *,
    with_: dict[str, Any] | None = None,
    secrets: Any = None,
    permissions: Any = "default",
    uses: str = "BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main",
) -> str:
    """A caller workflow (JSON is YAML) that only runs when dispatched, so no push warms the cache."""
    job: dict[str, Any] = {
        "uses": uses,
        "with": {"image_name": "ghcr.io/brikbyte-studios/example-node-api", "tags": "sha-${{ github.sha }}, latest", **(with_ or {})},
    }
    job["secrets"] = secrets if secrets is not None else {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    if permissions == "default":
        job["permissions"] = {"contents": "read", "packages": "write"}
    elif permissions is not None:
        job["permissions"] = permissions
    return json.dumps({"name": "build-image", "on": {"workflow_dispatch": None}, "jobs": {"build": job}}, indent=2)


def _build(client: Client, text: str | None = None) -> tuple[int, str, dict]:
    """Write the caller (if given), dispatch, wait; returns (run id, job log, job)."""
    if text is not None:
        client.put_file(REPO, ".github/workflows/build-image.yml", text)
    run_id = client.dispatch(REPO, "build-image.yml")
    client.wait_run(REPO, run_id)
    job = client.jobs(REPO, run_id)[0]
    return run_id, client.job_log(REPO, job["id"]), job


def _rerun(client: Client, run_id: int) -> tuple[str, dict]:
    client.call("POST", f"{R}/actions/runs/{run_id}/rerun", expect=201)
    attempt = client.wait_run(REPO, run_id)["run_attempt"]
    job = client.jobs(REPO, run_id, attempt)[0]
    return client.job_log(REPO, job["id"]), job


def _pat(sandbox, scopes: list[str], fine_grained: bool = False) -> str:
    return sandbox.add_token(scopes, fine_grained=fine_grained)


@pytest.fixture
def admin(sandbox) -> Client:
    return Client(sandbox.base_url, sandbox.token)


def test_second_attempt_hits_every_run_layer_the_first_built(admin) -> None:
    run_id, first, job = _build(admin, caller())
    assert job["conclusion"] == "success"
    assert HIT.findall(first) == [] and MISS.findall(first)  # a cold cache: at most one miss per stage
    second, job2 = _rerun(admin, run_id)
    assert job2["conclusion"] == "success"
    assert HIT.findall(second) == CACHED_IN_DEFAULT_BUILD
    assert MISS.findall(second) == []
    assert "Pushed ghcr.io/brikbyte-studios/example-node-api@sha256:" in second
    assert _duration(job2) < _duration(job)  # the cost model: a hit costs less than a miss


def _duration(job: dict) -> float:
    from datetime import datetime

    started, completed = (datetime.fromisoformat(job[k].replace("Z", "+00:00")) for k in ("started_at", "completed_at"))
    return (completed - started).total_seconds()


def test_a_changed_source_file_invalidates_its_layer_and_the_ones_after(admin) -> None:
    run_id, _, _ = _build(admin, caller())
    _rerun(admin, run_id)
    admin.put_file(REPO, "src/server.js", "console.log('changed');\n", "Change the server")
    _, log, _ = _build(admin)
    assert HIT.findall(log) == CACHED_IN_DEFAULT_BUILD[:4]  # npm ci and apk (and the WORKDIRs) come before COPY src
    assert MISS.findall(log) == [RUNS_IN_DEFAULT_BUILD[2]]


def test_cache_disabled_never_hits(admin) -> None:
    run_id, first, _ = _build(admin, caller(with_={"cache_enabled": False}))
    second, job = _rerun(admin, run_id)
    assert job["conclusion"] == "success"
    for log in (first, second):
        assert HIT.findall(log) == [] and "Checking for cached layer" not in log


def test_cache_package_the_token_cannot_write_warns_and_misses_next_time(tmp_path) -> None:
    from wizard.sandbox import Sandbox

    seed = tmp_path / "seed.json"
    cache = "ghcr.io/brikbyte-studios/example-node-api-cache"
    seed.write_text(json.dumps({"packages": {cache: {"linked_repos": [f"{ORG}/.github"]}}}))
    with Sandbox(time_factor=TEST_TIME_FACTOR, seed_file=seed) as sandbox:
        admin = Client(sandbox.base_url, sandbox.token)
        run_id, first, job = _build(admin, caller())
        assert job["conclusion"] == "success"  # a failed cache push is only a warning
        assert "Error uploading layer to cache" in first
        second, _ = _rerun(admin, run_id)
        assert HIT.findall(second) == [] and MISS.findall(second)


def test_a_pat_without_write_packages_cannot_push(admin, sandbox) -> None:
    pat = _pat(sandbox, ["read:packages", "repo"])
    admin.put_secret(f"/orgs/{ORG}/actions", "REGISTRY_PAT", pat, visibility="all", expect=201)
    _, log, job = _build(admin, caller(secrets={"REGISTRY_TOKEN": "${{ secrets.REGISTRY_PAT }}"}))
    assert job["conclusion"] == "failure"
    assert "error checking push permissions" in log and "permission_denied: write_package" in log
    assert pat not in log


def test_a_fine_grained_pat_is_refused_by_the_registry(admin, sandbox) -> None:
    pat = _pat(sandbox, ["write:packages"], fine_grained=True)
    admin.put_secret(f"{R}/actions", "REGISTRY_PAT", pat, expect=201)
    _, log, job = _build(admin, caller(secrets={"REGISTRY_TOKEN": "${{ secrets.REGISTRY_PAT }}"}))
    assert job["conclusion"] == "failure"
    assert "The token provided does not match expected scopes" in log


def test_github_token_without_packages_write_cannot_push(admin) -> None:
    _, log, job = _build(admin, caller(permissions={"contents": "read"}))
    assert job["conclusion"] == "failure"
    assert "permission_denied: write_package" in log


def test_org_pat_reaches_only_selected_repositories(admin, sandbox) -> None:
    pat = _pat(sandbox, ["write:packages"])
    repo_id = admin.get(R, expect=200).json()["id"]
    other_id = admin.get(f"/repos/{ORG}/.github", expect=200).json()["id"]
    admin.put_secret(f"/orgs/{ORG}/actions", "REGISTRY_TOKEN", pat, visibility="selected", selected_repository_ids=[repo_id], expect=201)
    run_id, log, job = _build(admin, caller(secrets="inherit"))
    assert job["conclusion"] == "success"
    admin.call("PUT", f"/orgs/{ORG}/actions/secrets/REGISTRY_TOKEN/repositories", {"selected_repository_ids": [other_id]}, expect=204)
    log2, job2 = _rerun(admin, run_id)
    assert job2["conclusion"] == "failure"
    assert "Secret REGISTRY_TOKEN is required, but not provided while calling." in log2


def test_environment_secret_overrides_the_org_pat(admin, sandbox) -> None:
    admin.put_secret(f"/orgs/{ORG}/actions", "REGISTRY_PAT", _pat(sandbox, ["read:packages"]), visibility="all", expect=201)
    mapping = {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "REGISTRY_PAT": "${{ secrets.REGISTRY_PAT }}"}
    text = caller(with_={"environment": "production"}, secrets=mapping)
    run_id, log, job = _build(admin, text)
    assert job["conclusion"] == "failure"  # the org PAT (read only) wins over GITHUB_TOKEN…
    admin.call("PUT", f"{R}/environments/production", {}, expect=200)
    admin.put_secret(f"{R}/environments/production", "REGISTRY_PAT", _pat(sandbox, ["write:packages"]), expect=201)
    _, job2 = _rerun(admin, run_id)
    assert job2["conclusion"] == "success"  # …until the job's environment has its own REGISTRY_PAT


def _secrets_seen(client: Client, run_id: int, attempt: int = 1) -> list[str]:
    """The names of the secrets the run's job resolved non-empty, as /_sandbox/state shows them."""
    state = client.get("/_sandbox/state", expect=200).json()
    runs = [run for repo in state["repos"] for run in repo["runs"] if run["id"] == run_id]
    jobs = [a["jobs"] for a in runs[0]["attempts"] if a["number"] == attempt][0]
    return jobs[0]["secrets_seen"]


def test_an_environment_secret_reaches_the_called_job_only_when_the_caller_passes_its_name(admin, sandbox) -> None:
    pat = _pat(sandbox, ["write:packages"])
    admin.call("PUT", f"{R}/environments/production", {}, expect=200)
    admin.put_secret(f"{R}/environments/production", "REGISTRY_PAT", pat, expect=201)
    token_only = caller(with_={"environment": "production"}, permissions={"contents": "read"})
    run_id, _, job = _build(admin, token_only)
    assert _secrets_seen(admin, run_id) == ["REGISTRY_TOKEN"]  # as on GitHub: an unpassed name is empty, no error
    assert job["conclusion"] == "failure"  # the read-only GITHUB_TOKEN was all the job had
    mapping = {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "REGISTRY_PAT": "${{ secrets.REGISTRY_PAT }}"}
    run_id, log, job = _build(admin, caller(with_={"environment": "production"}, secrets=mapping, permissions={"contents": "read"}))
    assert _secrets_seen(admin, run_id) == ["REGISTRY_PAT", "REGISTRY_TOKEN"]  # the caller's is empty; the environment's wins
    assert job["conclusion"] == "success"
    state_text = admin.get("/_sandbox/state", expect=200).text
    assert pat not in state_text and pat not in log  # names only, never values


def test_secrets_inherit_lets_the_environment_value_through(admin, sandbox) -> None:
    admin.call("PUT", f"{R}/environments/production", {}, expect=200)
    admin.put_secret(f"{R}/environments/production", "REGISTRY_PAT", _pat(sandbox, ["write:packages"]), expect=201)
    admin.put_secret(f"/orgs/{ORG}/actions", "REGISTRY_TOKEN", _pat(sandbox, ["read:packages"]), visibility="all", expect=201)
    run_id, _, job = _build(admin, caller(with_={"environment": "production"}, secrets="inherit"))
    assert _secrets_seen(admin, run_id) == ["REGISTRY_PAT", "REGISTRY_TOKEN"]
    assert job["conclusion"] == "success"


def test_the_login_uses_the_registry_url_variable_the_caller_can_see(admin) -> None:
    text = caller(with_={"registry": "${{ vars.REGISTRY_URL || 'ghcr.io' }}"})
    _, log, job = _build(admin, text)
    assert "Logging into ghcr.io..." in log and job["conclusion"] == "success"  # no variable: the default host
    admin.call("POST", f"{R}/actions/variables", {"name": "REGISTRY_URL", "value": "registry.example.com"}, expect=201)
    _, log, job = _build(admin)
    assert "Logging into registry.example.com..." in log
    assert job["conclusion"] == "failure"  # logged in elsewhere: ghcr.io got no credential for the push
    admin.call("DELETE", f"{R}/actions/variables/REGISTRY_URL", expect=204)
    admin.call("PUT", f"{R}/environments/production", {}, expect=200)
    admin.call("POST", f"{R}/environments/production/variables", {"name": "REGISTRY_URL", "value": "registry.example.com"}, expect=201)
    _, log, _ = _build(admin, caller(with_={"registry": "${{ vars.REGISTRY_URL || 'ghcr.io' }}", "environment": "production"}))
    assert "Logging into ghcr.io..." in log  # the caller job runs in no environment: its variables do not reach `with:`


def test_org_variables_reach_only_the_repositories_they_are_visible_to(admin) -> None:
    other_id = admin.get(f"/repos/{ORG}/.github", expect=200).json()["id"]
    body = {"name": "REGISTRY_URL", "value": "registry.example.com", "visibility": "selected", "selected_repository_ids": [other_id]}
    admin.call("POST", f"/orgs/{ORG}/actions/variables", body, expect=201)
    _, log, _ = _build(admin, caller(with_={"registry": "${{ vars.REGISTRY_URL || 'ghcr.io' }}"}))
    assert "Logging into ghcr.io..." in log
    repo_id = admin.get(R, expect=200).json()["id"]
    admin.call("PUT", f"/orgs/{ORG}/actions/variables/REGISTRY_URL/repositories/{repo_id}", expect=204)
    _, log, _ = _build(admin)
    assert "Logging into registry.example.com..." in log


def test_target_builds_only_the_stages_it_needs(admin) -> None:
    _, log, job = _build(admin, caller(with_={"target": "test"}))
    assert job["conclusion"] == "success"
    assert "RUN npm test" in log and "RUN apk add --no-cache tini" not in log


def test_inputs_the_reusable_workflow_does_not_declare_fail_the_job(admin) -> None:
    _, log, job = _build(admin, caller(with_={"cache_ttl": "6h"}))
    assert job["conclusion"] == "failure"
    assert "Invalid input, cache_ttl is not defined in the referenced workflow." in log


def test_an_unknown_reusable_workflow_ref_fails_the_job(admin) -> None:
    _, log, job = _build(admin, caller(uses="BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@v9"))
    assert job["conclusion"] == "failure" and "workflow was not found" in log


def test_upper_case_image_names_are_refused_like_the_workflow_does(admin) -> None:
    _, log, job = _build(admin, caller(with_={"image_name": "ghcr.io/BrikByte-Studios/example-node-api"}))
    assert job["conclusion"] == "failure" and "has upper-case letters" in log


def test_pinned_sha_and_expressions_are_evaluated(admin) -> None:
    sha = admin.get(f"/repos/{ORG}/.github/git/ref/heads/main", expect=200).json()["object"]["sha"]
    text = caller(
        uses=f"BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@{sha}",
        with_={"tags": "${{ github.ref_name }}-${{ github.run_number }}"},
    )
    _, log, job = _build(admin, text)
    assert job["conclusion"] == "success"
    assert "Pushed ghcr.io/brikbyte-studios/example-node-api@sha256:" in log
    assert "ghcr.io/brikbyte-studios/example-node-api:main-1" in log


def test_secret_values_never_reach_the_job_log(admin, sandbox) -> None:
    pat = _pat(sandbox, ["write:packages"])
    admin.put_secret(f"{R}/actions", "REGISTRY_PAT", pat, expect=201)
    _, log, job = _build(admin, caller(secrets={"REGISTRY_TOKEN": "${{ secrets.REGISTRY_PAT }}"}))
    assert job["conclusion"] == "success"
    assert pat not in log and os.environ.get("GITHUB_TOKEN", "\0") not in log


def test_a_debug_rerun_runs_kaniko_at_debug_verbosity(admin) -> None:
    run_id, first, _ = _build(admin, caller())
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", {"enable_debug_logging": "yes"}, expect=422)
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", {"enable_debug_logging": True}, expect=201)
    attempt = admin.wait_run(REPO, run_id)["run_attempt"]
    second = admin.job_log(REPO, admin.jobs(REPO, run_id, attempt)[0]["id"])
    assert "--verbosity=debug" not in first and "DEBU" not in first
    assert "--verbosity=debug" in second and "Optimize: cache key for command RUN apk add --no-cache tini" in second
    assert HIT.findall(second) == CACHED_IN_DEFAULT_BUILD  # the same build, more lines


def test_a_refused_cache_read_is_told_from_a_miss_in_a_debug_rerun(admin, sandbox) -> None:
    from wizard.core.kaniko.log import parse_log_text
    from wizard.core.kaniko.verdict import judge
    from wizard.sandbox.kaniko.registry import RegistryCredential

    cache = "ghcr.io/brikbyte-studios/example-node-api-cache"
    sandbox.state.registry.push(cache, "seed", "sha256:" + "0" * 64, by=RegistryCredential("github-token", f"{ORG}/other-service"))
    run_id, first, _ = _build(admin, caller())
    headers = {"Content-Type": "application/json"}
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", data="null", headers=headers, expect=201)  # null is allowed
    admin.wait_run(REPO, run_id)
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", {"enable_debug_logging": True}, expect=201)
    attempt = admin.wait_run(REPO, run_id)["run_attempt"]
    third = admin.job_log(REPO, admin.jobs(REPO, run_id, attempt)[0]["id"])
    assert "DENIED: requested access to the resource is denied" in third
    verdict = judge(parse_log_text(first), parse_log_text(third))
    assert "cache-read-refused" in verdict.codes and "misses-on-attempt-2" not in verdict.codes
