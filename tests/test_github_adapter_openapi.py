"""Every request the adapter sends is one GitHub describes, with parameters and a body its description accepts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.github_adapter_helpers import (  # noqa: F401 - gh, hello: fixtures
    ORG,
    REPO,
    gh,
    hello,
    wait_completed,
)
from tests.openapi_check import ExchangeRecorder, check_request, operation_of

# Real GitHub endpoints the adapter uses (get_pull, org_repos) that the cut-down description does not hold.
NOT_IN_SUBSET = re.compile(r"^GET /repos/[^/]+/[^/]+/pulls/\d+$|^GET /orgs/[^/]+/repos$")
# The description types `created` as a date-time, while its own text (and the API) take GitHub's search
# syntax, where ">=DATE" is how "created since" is said: a flaw of the description, not of the request.
CREATED_RANGE = re.compile(r"Invalid query parameter: created \('>=[0-9T:Z-]+' is not a 'date-time'\)")


def drive_every_port_method(gh, sandbox, hello) -> None:
    gh.whoami()
    gh.token_info(sandbox.add_token(("write:packages",), login="registry-bot"))
    repo = gh.get_repo(REPO)
    assert REPO in [r.full_name for r in gh.org_repos(ORG)]
    head = gh.resolve_ref(REPO, "main")
    gh.create_branch(REPO, "brik-onboard/setup", head)
    gh.branch_sha(REPO, "brik-onboard/setup")
    gh.put_file(REPO, "ci.txt", "one\n", "add", "brik-onboard/setup", None)
    current = gh.get_file(REPO, "ci.txt", ref="brik-onboard/setup")
    gh.put_file(REPO, "ci.txt", "two\n", "update", "brik-onboard/setup", current.sha)
    gh.find_pull(REPO, "brik-onboard/setup", "main")
    pull = gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body")
    gh.get_pull(REPO, pull.number)
    gh.put_org_secret(ORG, "REGISTRY_TOKEN", "value", "selected", ())
    gh.add_org_secret_repo(ORG, "REGISTRY_TOKEN", repo.id)
    gh.get_org_secret(ORG, "REGISTRY_TOKEN")
    gh.org_secret_repositories(ORG, "REGISTRY_TOKEN")
    gh.get_environment(REPO, "ci/build")
    gh.create_environment(REPO, "ci/build")
    gh.put_env_secret(REPO, "ci/build", "REGISTRY_TOKEN", "value")
    gh.get_env_secret(REPO, "ci/build", "REGISTRY_TOKEN")
    gh.get_org_variable(ORG, "REGISTRY_URL")
    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "selected", (), create=True)
    gh.add_org_variable_repo(ORG, "REGISTRY_URL", repo.id)
    gh.get_org_variable(ORG, "REGISTRY_URL")
    gh.put_org_variable(ORG, "REGISTRY_URL", "ghcr.io", "selected", (repo.id,), create=False)
    gh.get_repo_variable(REPO, "REGISTRY_URL")
    gh.put_repo_variable(REPO, "REGISTRY_URL", "ghcr.io", create=True)
    gh.put_repo_variable(REPO, "REGISTRY_URL", "registry.example.com", create=False)
    run_id = gh.dispatch(REPO, hello, "main")
    since = datetime.now(UTC) - timedelta(minutes=5)
    gh.find_runs(REPO, hello, event="workflow_dispatch", head_sha=head, created_after=since)
    wait_completed(gh, run_id)
    gh.rerun(REPO, run_id, debug_logging=True)  # the body {"enable_debug_logging": true} is checked too
    gh.get_attempt(REPO, run_id, 2)
    job = gh.attempt_jobs(REPO, run_id, 1)[0]
    gh.job_log(REPO, job.id)


@pytest.mark.slow
def test_every_request_conforms_to_githubs_description(gh, sandbox, hello):
    recorder = ExchangeRecorder(sandbox.app)
    drive_every_port_method(gh, sandbox, hello)
    exchanges = recorder.api_exchanges()
    assert len(exchanges) > 25
    problems = []
    for ex in exchanges:
        operation = operation_of(ex.method, ex.path)
        if operation is None:
            if not NOT_IN_SUBSET.match(f"{ex.method} {ex.path}"):
                problems.append(f"{ex.method} {ex.path}: not a described operation")
            continue
        found = check_request(ex.method, ex.path, ex.query, ex.request_headers, ex.request_body)
        problems += [f"{operation}: {p}" for p in found if not CREATED_RANGE.search(p)]
    assert problems == []


def test_environment_names_with_a_slash_travel_as_one_segment(gh, sandbox):
    recorder = ExchangeRecorder(sandbox.app)
    gh.create_environment(REPO, "ci/build")
    gh.put_env_secret(REPO, "ci/build", "REGISTRY_TOKEN", "value")
    paths = [ex.path for ex in recorder.api_exchanges() if "/environments/" in ex.path]
    assert paths and all("/environments/ci%2Fbuild" in p for p in paths)
