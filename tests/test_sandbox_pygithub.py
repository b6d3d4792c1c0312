"""PyGithub drives every call the product needs against the sandbox over real HTTP, and every
exchange (request and answer) conforms to GitHub's OpenAPI description."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests
from github import Auth, Github, GithubException

from tests.openapi_check import (
    ExchangeRecorder,
    check_error_body,
    check_exchange,
    check_request,
    facts_dir,
    operation_of,
    raw_spec,
)
from tests.sandbox_client import CALLER_WORKFLOW, ORG, REPO
from wizard.core.clock import CLOCK


def _github(sandbox, token: str) -> Github:
    return Github(base_url=sandbox.base_url, auth=Auth.Token(token), seconds_between_requests=0, seconds_between_writes=0, retry=None)


@pytest.fixture
def recorder(sandbox) -> ExchangeRecorder:
    return ExchangeRecorder(sandbox.app)


@pytest.fixture
def gh(sandbox, admin_token) -> Github:
    return _github(sandbox, admin_token)


def _wait(repo, run_id: int, attempt: int | None = None):
    deadline = time.monotonic() + 60
    while True:
        run = repo.get_workflow_run(run_id) if attempt is None else repo.get_workflow_run(run_id).get_attempt(attempt)
        if run.status == "completed":
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run.status}"
        CLOCK.sleep(0.1)  # virtual time under the sandbox fixture: the build moves on without waiting


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_identity_org_repo_and_scopes(sandbox, gh) -> None:
    assert gh.get_user().login == "octo-admin"
    org = gh.get_organization("brikbyte-studios")  # GitHub resolves logins case-insensitively
    assert org.login == ORG
    repo = gh.get_repo(REPO.lower())
    assert (repo.full_name, repo.default_branch, repo.private) == (REPO, "main", False)
    assert set(gh.oauth_scopes or []) == {"repo", "workflow", "admin:org", "read:org"}
    assert gh.get_rate_limit().resources.core.limit == 5000


def test_secrets_environments_and_variables(sandbox, gh) -> None:
    org = gh.get_organization(ORG)
    repo = gh.get_repo(REPO)
    other = gh.get_repo(f"{ORG}/.github")
    pat = "ghp_" + "a1" * 18
    org.create_secret("REGISTRY_PAT", pat, visibility="selected", selected_repositories=[other])
    secret = org.get_secret("REGISTRY_PAT")
    assert secret.visibility == "selected"
    assert secret.add_repo(repo) is True
    assert sorted(r.name for r in secret.selected_repositories) == [".github", "example-node-api"]
    assert secret.edit(pat + "x", visibility="selected") is True  # update keeps the selected repositories
    assert sorted(r.name for r in secret.selected_repositories) == [".github", "example-node-api"]
    env = repo.create_environment("production")
    assert [e.name for e in repo.get_environments()] == ["production"]
    env.create_secret("REGISTRY_PAT", "env-value")
    assert [s.name for s in env.get_secrets()] == ["REGISTRY_PAT"]
    repo.create_secret("REGISTRY_USERNAME", "octo-admin")
    assert [s.name for s in repo.get_secrets()] == ["REGISTRY_USERNAME"]
    repo.create_variable("SERVICE", "example-node-api")
    org.create_variable("REGISTRY_URL", "ghcr.io", visibility="all")
    assert [v.name for v in repo.get_variables()] == ["SERVICE"]
    state = sandbox.snapshot()
    org_secret = state["orgs"][0]["secrets"][0]
    assert org_secret["sha256"] == _sha256(pat + "x")
    assert org_secret["selected_repositories"] == [other.id, repo.id]
    repo_state = next(r for r in state["repos"] if r["full_name"] == REPO)
    assert repo_state["environments"][0]["secrets"][0]["sha256"] == _sha256("env-value")
    assert repo_state["secrets"][0]["sha256"] == _sha256("octo-admin")


def test_contents_refs_pulls_and_merge(sandbox, gh) -> None:
    repo = gh.get_repo(REPO)
    main = repo.get_branch("main").commit.sha
    ref = repo.create_git_ref("refs/heads/brik-onboard/setup", main)
    assert ref.object.sha == main
    created = repo.create_file(".github/workflows/build-image.yml", "Add the build caller", CALLER_WORKFLOW, branch="brik-onboard/setup")
    current = repo.get_contents(".github/workflows/build-image.yml", ref="brik-onboard/setup")
    assert current.decoded_content.decode() == CALLER_WORKFLOW
    assert current.sha == created["content"].sha
    repo.update_file(current.path, "Tweak", CALLER_WORKFLOW + "# tweak\n", current.sha, branch="brik-onboard/setup")
    assert repo.get_git_ref("heads/brik-onboard/setup").object.sha != main
    pull = repo.create_pull(base="main", head="brik-onboard/setup", title="Build with Kaniko", body="…")
    assert [p.number for p in repo.get_pulls(state="open", head=f"{ORG}:brik-onboard/setup")] == [pull.number]
    assert repo.get_pull(pull.number).mergeable is True
    status = pull.merge(merge_method="merge")
    assert status.merged is True
    assert repo.get_pull(pull.number).merged is True
    assert repo.get_branch("main").commit.sha == status.sha
    push_runs = list(repo.get_workflow_runs(event="push", head_sha=status.sha))
    assert len(push_runs) == 1  # merging moved main: a push that the caller's `on.push` matches


def test_dispatch_runs_rerun_attempts_jobs_and_logs(sandbox, gh) -> None:
    repo = gh.get_repo(REPO)
    try:
        current = repo.get_contents(".github/workflows/build-image.yml")
        repo.update_file(current.path, "Update the build caller", CALLER_WORKFLOW, current.sha)
    except GithubException:
        repo.create_file(".github/workflows/build-image.yml", "Add the build caller", CALLER_WORKFLOW)
    workflow = repo.get_workflow("build-image.yml")
    run = workflow.create_dispatch("main", inputs={"note": "from PyGithub"}, return_run_details=True, throw=True)
    assert run.id > 0
    assert [r.id for r in workflow.get_runs(event="workflow_dispatch")] == [run.id]
    done = _wait(repo, run.id)
    assert done.conclusion == "success" and done.run_attempt == 1
    assert done.rerun() is True
    second = _wait(repo, run.id, attempt=2)
    assert second.run_attempt == 2 and second.id == run.id
    jobs = list(second.jobs())
    assert [j.name for j in jobs] == ["build / Kaniko build"]
    assert jobs[0].steps and all(s.completed_at >= s.started_at for s in jobs[0].steps)
    location = jobs[0].logs_url()
    assert location.startswith(sandbox.base_url + "/")
    log = requests.get(location, timeout=30).text
    assert "Using caching version of cmd: RUN npm ci" in log
    first_jobs = list(repo.get_workflow_run(run.id).get_attempt(1).jobs())
    assert first_jobs[0].id != jobs[0].id
    with pytest.raises(GithubException) as refused:
        repo.get_workflow("lint.yml")
    assert refused.value.status == 404


@pytest.mark.slow
@pytest.mark.skipif(facts_dir() is None, reason="GitHub's OpenAPI subset is not available")
def test_everything_pygithub_sent_and_received_conforms(sandbox, gh, recorder) -> None:
    test_secrets_environments_and_variables(sandbox, gh)
    test_contents_refs_pulls_and_merge(sandbox, gh)
    test_dispatch_runs_rerun_attempts_jobs_and_logs(sandbox, gh)
    problems = []
    for ex in recorder.api_exchanges():
        op = operation_of(ex.method, ex.path)
        if op is None:
            continue  # e.g. GET /repos/{o}/{r}/pulls/{n}: outside the subset
        method, template = op.split(" ", 1)
        if str(ex.status) in raw_spec()["paths"][template][method.lower()]["responses"]:
            problems += [f"answer {op}: {e}" for e in check_exchange(ex)]
        else:  # an error GitHub does not list for this operation (a 404): its body must be GitHub's error shape
            assert ex.status >= 400, (op, ex.status)
            problems += [f"answer {op}: {e}" for e in check_error_body(ex.status, ex.response_body)]
        problems += [f"request {op}: {e}" for e in check_request(ex.method, ex.path, ex.query, ex.request_headers, ex.request_body)]
    assert not problems, "\n".join(problems)
