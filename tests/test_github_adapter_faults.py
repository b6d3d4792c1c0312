"""The adapter under faults (502, resets, 429 / 403 with retry-after): reads retried, writes never doubled."""

from __future__ import annotations

import time

import pytest
from github.GithubException import GithubException

from tests.github_adapter_helpers import (  # noqa: F401 - gh, hello, sleeps: fixtures
    ORG,
    REPO,
    gh,
    hello,
    logged,
    org_secret_state,
    repo_state,
    sha256,
    sleeps,
    wait_completed,
)
from wizard.errors import GitHubRefused
from wizard.github import connect
from wizard.github.refusal import refused
from wizard.github.retry import rate_limit_wait


# faults -------------------------------------------------------------------------------------------------
def test_502_on_a_read_is_retried(gh, sandbox):
    sandbox.faults.add("GET", rf"^/repos/{REPO}$", status=502)
    assert gh.get_repo(REPO).full_name == REPO
    assert [e["status"] for e in logged(sandbox, "GET", rf"^/repos/{REPO}$")] == [502, 200]


def test_429_with_retry_after_on_a_read_is_honoured(gh, sandbox, sleeps):
    sandbox.faults.add("GET", r"^/user$", status=429, retry_after=1)
    assert gh.whoami().login == "octo-admin"
    assert [e["status"] for e in logged(sandbox, "GET", r"^/user$")] == [429, 200]
    assert 1 in sleeps


def test_reset_on_a_read_is_retried(gh, sandbox):
    sandbox.faults.add("GET", rf"^/repos/{REPO}/contents/package.json$", reset=True)
    assert gh.get_file(REPO, "package.json") is not None


FAULTS = {
    "502": {"status": 502},
    "reset": {"reset": True},
    "429-retry-after": {"status": 429, "retry_after": 1},
    "403-secondary": {"status": 403, "retry_after": 1},
}
REUSABLE = ".github/workflows/ci-build-kaniko.yml"


def _job_log(gh, hello: int) -> str:
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    return gh.attempt_jobs(REPO, run_id, 1)[0].id


# The reads each onboarding step starts with, as (method, path pattern, the adapter call); the whole-onboarding
# matrix (tests/test_engine_faults.py) covers the writes and the build's polls.
STEP_READS = {
    "connect": ("GET", r"^/user$", lambda gh, _: gh.whoami().login),
    "repository": ("GET", rf"^/repos/{REPO}$", lambda gh, _: gh.get_repo(REPO).full_name),
    "preflight": ("GET", rf"^/repos/{ORG}/\.github/contents/", lambda gh, _: gh.get_file(f"{ORG}/.github", REUSABLE).sha),
    "secrets-read": ("GET", rf"^/orgs/{ORG}/actions/variables/REGISTRY_URL$", lambda gh, _: gh.get_org_variable(ORG, "REGISTRY_URL")),
    "validate-log": ("GET", rf"^/repos/{REPO}/actions/jobs/\d+/logs$", lambda gh, job: gh.job_log(REPO, job)),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
@pytest.mark.parametrize("step", list(STEP_READS))
def test_a_fault_on_a_steps_read_is_retried_to_the_same_answer(sandbox, admin_token, hello, sleeps, step: str, fault: str):
    method, path, read = STEP_READS[step]
    job = _job_log(connect(sandbox.base_url, admin_token), hello) if step == "validate-log" else None
    clean = connect(sandbox.base_url, admin_token)
    expected = read(clean, job)
    clean.close()
    rule = sandbox.faults.add(method, path, count=1, **FAULTS[fault])
    faulted = connect(sandbox.base_url, admin_token)  # a fresh adapter: nothing cached from the clean read
    try:
        assert read(faulted, job) == expected
    finally:
        faulted.close()
    assert rule.fired == 1, "the fault hit the step's read"
    if "retry_after" in FAULTS[fault]:
        assert FAULTS[fault]["retry_after"] in sleeps, f"Retry-After was not honoured: {sleeps}"


def test_403_secondary_limit_on_a_put_is_retried_after_retry_after(gh, sandbox, sleeps):
    sandbox.faults.add("PUT", r"/environments/", status=403, retry_after=1)
    gh.create_environment(REPO, "production")
    assert [e["status"] for e in logged(sandbox, "PUT", r"/environments/production$")] == [403, 200]
    assert 1 in sleeps
    assert gh.stats["rate_limited"] == 1


def test_429_on_a_dispatch_is_retried_once_it_is_allowed(gh, sandbox, hello, sleeps):
    sandbox.faults.add("POST", r"/dispatches$", status=429, retry_after=1)
    run_id = gh.dispatch(REPO, hello, "main")
    assert [r["id"] for r in repo_state(sandbox)["runs"]] == [run_id]
    assert 1 in sleeps


def test_rate_limit_wait_above_the_cap_is_refused_at_once(sandbox, admin_token, sleeps):
    adapter = connect(sandbox.base_url, admin_token, max_wait=5)
    sandbox.faults.add("GET", r"^/user$", status=429, retry_after=600)
    with pytest.raises(GitHubRefused) as caught:
        adapter.whoami()
    assert "600 s" in caught.value.message
    assert not any(s >= 5 for s in sleeps)


def test_reset_on_create_pull_does_not_open_two(gh, sandbox):
    gh.create_branch(REPO, "brik-onboard/setup", gh.branch_sha(REPO, "main"))
    gh.put_file(REPO, "ci.txt", "ci\n", "add ci", "brik-onboard/setup", None)
    sandbox.faults.add("POST", r"/pulls$", reset=True)
    pull = gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body")
    assert [p["number"] for p in repo_state(sandbox)["pulls"]] == [pull.number]
    assert gh.stats["rechecks"] == 1


def test_lost_answer_to_create_pull_finds_the_earlier_pull(gh, sandbox):
    gh.create_branch(REPO, "brik-onboard/setup", gh.branch_sha(REPO, "main"))
    gh.put_file(REPO, "ci.txt", "ci\n", "add ci", "brik-onboard/setup", None)
    earlier = gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body")
    sandbox.faults.add("POST", r"/pulls$", status=502)
    assert gh.create_pull(REPO, "brik-onboard/setup", "main", "Onboard", "body").number == earlier.number
    assert len(logged(sandbox, "POST", r"/pulls$")) == 2  # the first, and the one answered 502: no third
    assert len(repo_state(sandbox)["pulls"]) == 1


def test_reset_on_create_branch_and_put_file(gh, sandbox):
    head = gh.branch_sha(REPO, "main")
    sandbox.faults.add("POST", r"/git/refs$", reset=True)
    gh.create_branch(REPO, "feature", head)
    sandbox.faults.add("PUT", r"/contents/", reset=True)
    commit = gh.put_file(REPO, "a.txt", "a\n", "add a", "feature", None)
    assert gh.branch_sha(REPO, "feature") == commit
    assert gh.get_file(REPO, "a.txt", ref="feature").text == "a\n"


def test_reset_on_dispatch_starts_one_run(gh, sandbox, hello):
    sandbox.faults.add("POST", r"/dispatches$", reset=True)
    run_id = gh.dispatch(REPO, hello, "main")
    assert [r["id"] for r in repo_state(sandbox)["runs"]] == [run_id]


def test_lost_answer_to_rerun_is_not_sent_twice(gh, sandbox, hello):
    run_id = gh.dispatch(REPO, hello, "main")
    wait_completed(gh, run_id)
    sandbox.faults.add("POST", r"/rerun$", reset=True)
    gh.rerun(REPO, run_id)
    assert wait_completed(gh, run_id).run_attempt == 2
    assert len(repo_state(sandbox)["runs"][0]["attempts"]) == 2


def _late_one_applied(sandbox, path_end: str, carried_out: int) -> None:
    """Wait (bounded) until the sandbox carried out `carried_out` such requests (the late one among them): each is
    logged with its real status, the reset with 0."""
    deadline = time.monotonic() + 15
    while sum(r["status"] != 0 for r in logged(sandbox, "POST", path_end + "$")) < carried_out:
        assert time.monotonic() < deadline, "the late request was never carried out"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.wall_clock  # GitHub applies the request 1.5 s later in real time: the client's grace must be real too
@pytest.mark.parametrize("grace", [3.0, 0.1])
@pytest.mark.parametrize("kind", ["rerun", "dispatch"])
def test_a_request_github_applies_after_the_client_gave_up_is_not_sent_again(sandbox, admin_token, hello, kind: str, grace: float):
    # GitHub carries the request out 1.5 s after resetting the connection (long enough for a re-sent re-run to
    # finish first). Given 3 s, the adapter sees it land and sends nothing more; given 0.1 s (the old behaviour,
    # kept as the control) it sends again and GitHub ends up with one build too many.
    late = connect(sandbox.base_url, admin_token, dispatch_settle_s=0.2, lost_answer_grace_s=grace)
    extra = 0 if grace > 1.5 else 1
    try:
        if kind == "rerun":
            run_id = late.dispatch(REPO, hello, "main")
            wait_completed(late, run_id)
            sandbox.faults.add("POST", r"/rerun$", reset=True, apply_after=1.5)
            late.rerun(REPO, run_id)
            _late_one_applied(sandbox, "/rerun", 1 + extra)
            wait_completed(late, run_id)
            assert len(repo_state(sandbox)["runs"][0]["attempts"]) == 2 + extra
        else:
            sandbox.faults.add("POST", r"/dispatches$", reset=True, apply_after=1.5)
            late.dispatch(REPO, hello, "main")
            _late_one_applied(sandbox, "/dispatches", 1 + extra)
            assert len(repo_state(sandbox)["runs"]) == 1 + extra
    finally:
        late.close()


def test_secret_put_is_resent_after_a_reset(gh, sandbox):
    sandbox.faults.add("PUT", r"/actions/secrets/REGISTRY_TOKEN$", reset=True)
    gh.put_org_secret(ORG, "REGISTRY_TOKEN", "after-reset", "all", ())
    assert org_secret_state(sandbox, "REGISTRY_TOKEN")["sha256"] == sha256("after-reset")


def test_persistent_502_ends_in_one_clear_message(sandbox, admin_token):
    adapter = connect(sandbox.base_url, admin_token, retries=1)
    sandbox.faults.add("POST", r"/git/refs$", status=502, count=None)
    with pytest.raises(GitHubRefused) as caught:
        adapter.create_branch(REPO, "feature", adapter.branch_sha(REPO, "main"))
    assert "502" in caught.value.message and caught.value.hint
    assert len(logged(sandbox, "POST", r"/git/refs$")) == 2  # the first try and one retry after a recheck


# the pure pieces: what counts as a rate limit, how a refusal reads ---------------------------------------
def test_rate_limit_wait_reads_github_headers():
    assert rate_limit_wait(429, {"Retry-After": "7"}) == 7
    assert rate_limit_wait(403, {"retry-after": "3"}) == 3
    reset = int(time.time()) + 30
    assert 29 <= rate_limit_wait(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}) <= 32
    assert rate_limit_wait(403, {}, "You have exceeded a secondary rate limit. Please wait.") == 60
    assert rate_limit_wait(403, {"x-ratelimit-remaining": "12"}, "Must have admin rights") is None
    assert rate_limit_wait(502, {"Retry-After": "1"}) is None


def test_refusals_name_the_missing_scope_and_hide_secrets():
    headers = {"x-oauth-scopes": "repo", "x-accepted-oauth-scopes": "admin:org"}
    error = refused(GithubException(403, {"message": "Must have admin rights"}, headers), "writing X", host="api.github.com")
    assert error.message == "writing X: the token lacks the `admin:org` scope"
    scrubbed = refused(
        GithubException(422, {"message": "bad value s3cr3t-value"}, {}), "writing X", host="api.github.com", secrets=("s3cr3t-value",)
    )
    assert "s3cr3t-value" not in scrubbed.render() and "***" in scrubbed.message


def test_404_under_workflows_blames_the_scope_only_when_it_is_missing():
    missing = refused(
        GithubException(404, {"message": "Not Found"}, {"x-oauth-scopes": "repo"}),
        "writing W",
        host="h",
        write_path=".github/workflows/build.yml",
    )
    assert "`workflow` scope" in missing.message
    present = refused(
        GithubException(404, {"message": "Not Found"}, {"x-oauth-scopes": "repo, workflow"}),
        "writing W",
        host="h",
        write_path=".github/workflows/build.yml",
    )
    assert "not found or not visible to this token" in present.message


def test_a_file_changed_by_another_run_is_named_not_githubs_raw_422(gh, sandbox):
    path = ".github/workflows/build-image.yml"
    gh.put_file(REPO, path, "name: one\non: push\njobs: {}\n", "first", "main", None)
    for stale in (None, "0" * 40):  # no sha (the other run created it first), or the sha before its write
        with pytest.raises(GitHubRefused) as caught:
            gh.put_file(REPO, path, "name: two\non: push\njobs: {}\n", "second", "main", stale)
        assert f"{path} changed on GitHub while this run was writing it" in str(caught.value)
        assert "wasn't supplied" not in str(caught.value)
