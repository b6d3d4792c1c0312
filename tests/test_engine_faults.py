"""Faults on each step's requests (502, connection reset, 429 and 403 secondary limits with retry-after):
the run completes, or stops with one clear message and a re-run resumes; never a duplicate branch, PR or run."""

from __future__ import annotations

import base64
import urllib.parse
from pathlib import Path

import pytest

from tests.engine_helpers import (
    ORG,
    REPO,
    SETUP_BRANCH,
    Onboarding,
    Result,
    count,
    live_state,
    merge_pull,
    org_variables,
    repo_state,
    request_log,
)
from tests.github_adapter_helpers import sleeps  # noqa: F401 - a fixture: the adapter's waits, not slept

R = "/repos/" + REPO
FAULTS = {
    "502": {"status": 502},
    "reset": {"reset": True},
    "429-retry-after": {"status": 429, "retry_after": 1},
    "403-secondary": {"status": 403, "retry_after": 1},
}
# One write of each step, and the build's poll, as (step, method, path pattern); the commit path unless the step
# is the PR's. Faults on the reads each step starts with are tested on the adapter (tests/test_github_adapter_faults.py).
STEP_REQUESTS = [
    ("secrets-write", "POST", rf"^/orgs/{ORG}/actions/variables$"),
    ("workflow-commit", "PUT", rf"^{R}/contents/\.github/workflows/build-image\.yml$"),
    ("workflow-branch", "POST", rf"^{R}/git/refs$"),
    ("workflow-pull", "POST", rf"^{R}/pulls$"),
    ("validate-poll", "GET", rf"^{R}/actions/runs/\d+/attempts/1$"),
    ("validate-rerun", "POST", rf"^{R}/actions/runs/\d+/rerun$"),
]


def onboard(ob: Onboarding, delivery: str):
    """Run apply; on the PR path merge the pull request once it is open and run again."""
    result = ob.apply("--deliver", delivery)
    if delivery == "pr" and result.returncode == 0 and result.json["status"] == "paused":
        pulls = repo_state(live_state(ob.sandbox))["pulls"]
        merge_pull(ob.sandbox, pulls[0]["number"])
        result = ob.apply("--deliver", delivery)
    return result


def assert_onboarded_once(sandbox, delivery: str) -> None:
    state = live_state(sandbox)
    repo = repo_state(state)
    assert org_variables(state)["REGISTRY_URL"]["value"] == "ghcr.io"
    assert len(repo["runs"]) == 1, [(r["id"], r["event"]) for r in repo["runs"]]
    assert [a["number"] for a in repo["runs"][0]["attempts"]] == [1, 2]
    if delivery == "pr":
        assert len(repo["pulls"]) == 1
        assert [b for b in repo["branches"] if b != "main"] == [SETUP_BRANCH]
    log = request_log(sandbox)
    assert count(log, "POST", "/rerun") == 1
    assert count(log, "POST", "/pulls") == (1 if delivery == "pr" else 0)


def assert_no_leak(ob: Onboarding, result: Result) -> None:
    """The admin token, as is or encoded, in no output and no file the run wrote (its log, state, answers)."""
    token = ob.token
    shapes = {token, base64.b64encode(token.encode()).decode(), urllib.parse.quote(token, safe="")}
    written = "".join(p.read_text(errors="replace") for p in ob.workdir.rglob("*") if p.is_file())
    for shape in shapes:
        assert shape not in result.output and shape not in written


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
@pytest.mark.parametrize(("step", "method", "path"), STEP_REQUESTS, ids=[s[0] for s in STEP_REQUESTS])
def test_fault_on_a_step_completes_or_resumes(
    sandbox, tmp_path: Path, sleeps: list[float], step: str, method: str, path: str, fault: str
) -> None:
    delivery = "pr" if step in ("workflow-branch", "workflow-pull") else "commit"
    rule = sandbox.faults.add(method, path, count=1, **FAULTS[fault])
    ob = Onboarding(sandbox, tmp_path)
    result = onboard(ob, delivery)
    assert_no_leak(ob, result)
    assert rule.fired == 1, "the fault hit the step's request"
    assert "Traceback" not in result.stderr
    if result.returncode == 0 and "retry_after" in FAULTS[fault]:
        assert max(sleeps, default=0) >= FAULTS[fault]["retry_after"], f"Retry-After was not honoured: {sleeps}"
    if result.returncode != 0:
        # Stopped: one message, what happened and what to do; then a plain re-run finishes the job.
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr
        assert result.returncode == 3, result
        sandbox.faults.clear()
        result = onboard(ob, delivery)
        assert_no_leak(ob, result)
    assert result.returncode == 0, result
    assert result.json["status"] == "done" and result.json["verdict"]["passed"] is True, result.json
    assert_onboarded_once(sandbox, delivery)


@pytest.mark.slow
def test_refused_rerun_stops_with_one_message_and_resumes(sandbox, tmp_path: Path) -> None:
    """GitHub keeps refusing the re-run: the run stops cleanly; the next run re-runs exactly once, no new build."""
    sandbox.faults.add("POST", r"/actions/runs/\d+/rerun$", count=None, status=403)
    ob = Onboarding(sandbox, tmp_path)
    stopped = ob.apply("--deliver", "commit")
    assert stopped.returncode == 3, stopped
    errors = [line for line in stopped.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "re-running run" in errors[0], stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert [a["number"] for a in repo_state(live_state(sandbox))["runs"][0]["attempts"]] == [1]

    sandbox.faults.clear()
    resumed = ob.apply("--deliver", "commit")
    assert resumed.returncode == 0, resumed
    assert resumed.json["verdict"]["passed"] is True
    assert_onboarded_once(sandbox, "commit")
