"""The adapter's configuration-variable methods (wizard/github/variable_ops.py) over real HTTP against the sandbox:
what the sandbox holds afterwards, and that every exchange is one GitHub's OpenAPI description accepts."""

from __future__ import annotations

import pytest

from tests.github_adapter_helpers import ORG, REPO, gh, logged, repo_state  # noqa: F401 - gh: fixture
from tests.openapi_check import ExchangeRecorder, check_error_body, check_exchange, operation_of


def org_variable_state(sandbox, name: str) -> dict:
    org = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == ORG)
    return next(v for v in org["variables"] if v["name"] == name)


def test_org_variable_created_then_this_repo_added_once_and_the_list_kept_on_update(gh, sandbox):
    others = [sandbox.state.add_repo(ORG, name, {"README.md": b"x"}).id for name in ("svc-a", "svc-b")]
    me = gh.get_repo(REPO).id
    assert gh.get_org_variable(ORG, "REGISTRY_URL") is None
    gh.put_org_variable(ORG, "REGISTRY_URL", "registry.example.com", "selected", tuple(others), create=True)
    gh.add_org_variable_repo(ORG, "REGISTRY_URL", me)
    gh.add_org_variable_repo(ORG, "REGISTRY_URL", me)  # idempotent
    info = gh.get_org_variable(ORG, "REGISTRY_URL")
    assert info is not None
    assert (info.name, info.value, info.visibility) == ("REGISTRY_URL", "registry.example.com", "selected")
    assert info.selected_repository_ids == tuple(sorted({*others, me}))

    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "selected", info.selected_repository_ids, create=False)
    stored = org_variable_state(sandbox, "REGISTRY_URL")
    assert (stored["value"], stored["visibility"]) == ("ghcr.io", "selected")
    assert sorted(stored["selected_repositories"]) == sorted({*others, me})
    assert len(logged(sandbox, "POST", rf"^/orgs/{ORG}/actions/variables$")) == 1, "created once"
    assert len(logged(sandbox, "PATCH", rf"^/orgs/{ORG}/actions/variables/REGISTRY_URL$")) == 1, "then updated in place"


def test_org_variable_visible_to_all_has_no_repository_list(gh, sandbox):
    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "all", (), create=True)
    info = gh.get_org_variable(ORG, "REGISTRY_URL")
    assert info is not None and (info.value, info.visibility, info.selected_repository_ids) == ("ghcr.io", "all", ())
    assert org_variable_state(sandbox, "REGISTRY_URL")["visibility"] == "all"


def test_repository_variable_created_then_updated(gh, sandbox):
    assert gh.get_repo_variable(REPO, "REGISTRY_URL") is None
    gh.put_repo_variable(REPO, "REGISTRY_URL", "registry.example.com", create=True)
    info = gh.get_repo_variable(REPO, "REGISTRY_URL")
    assert info is not None and (info.name, info.value, info.visibility, info.selected_repository_ids) == (
        "REGISTRY_URL",
        "registry.example.com",
        None,
        (),
    )
    gh.put_repo_variable(REPO, "REGISTRY_URL", "ghcr.io", create=False)
    assert {v["name"]: v["value"] for v in repo_state(sandbox)["variables"]} == {"REGISTRY_URL": "ghcr.io"}


@pytest.mark.slow
def test_variable_requests_and_answers_conform_to_githubs_description(gh, sandbox):
    recorder = ExchangeRecorder(sandbox.app)
    me = gh.get_repo(REPO).id
    gh.get_org_variable(ORG, "REGISTRY_URL")  # a 404: absent
    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "selected", (), create=True)
    gh.add_org_variable_repo(ORG, "REGISTRY_URL", me)
    gh.get_org_variable(ORG, "REGISTRY_URL")
    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "selected", (me,), create=False)
    gh.get_repo_variable(REPO, "REGISTRY_URL")
    gh.put_repo_variable(REPO, "REGISTRY_URL", "ghcr.io", create=True)
    gh.put_repo_variable(REPO, "REGISTRY_URL", "registry.example.com", create=False)
    gh.get_repo_variable(REPO, "REGISTRY_URL")
    exchanges = [ex for ex in recorder.api_exchanges() if "/variables" in ex.path]
    operations = {operation_of(ex.method, ex.path) for ex in exchanges}
    assert operations == {
        "GET /orgs/{org}/actions/variables/{name}",
        "POST /orgs/{org}/actions/variables",
        "PUT /orgs/{org}/actions/variables/{name}/repositories/{repository_id}",
        "GET /orgs/{org}/actions/variables/{name}/repositories",
        "PATCH /orgs/{org}/actions/variables/{name}",
        "GET /repos/{owner}/{repo}/actions/variables/{name}",
        "POST /repos/{owner}/{repo}/actions/variables",
        "PATCH /repos/{owner}/{repo}/actions/variables/{name}",
    }
    # The reads of a variable not there yet are 404s (GitHub's error body; the subset lists no 404 for them); every
    # other exchange is a success whose request and answer the description accepts.
    absent = [ex for ex in exchanges if ex.status >= 400]
    assert [(ex.method, ex.status) for ex in absent] == [("GET", 404), ("GET", 404)]
    problems = [f"{ex.method} {ex.path} -> {ex.status}: {p}" for ex in absent for p in check_error_body(ex.status, ex.response_body)]
    problems += [f"{ex.method} {ex.path} -> {ex.status}: {p}" for ex in exchanges if ex.status < 400 for p in check_exchange(ex)]
    assert problems == []
