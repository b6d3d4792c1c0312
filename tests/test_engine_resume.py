"""An interrupted onboarding resumes where it stopped: one branch, one pull request, one build, one re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine_helpers import (
    REPO,
    SETUP_BRANCH,
    Onboarding,
    api,
    clear_request_log,
    count,
    live_state,
    merge_pull,
    repo_state,
    request_log,
    writes,
)

R = "/repos/" + REPO


def one_error(result) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    return errors[0]


@pytest.mark.slow
def test_stopped_after_the_pr_then_resumed_twice(sandbox, tmp_path: Path) -> None:
    # The run dies while it waits for the merge (GitHub keeps failing the pull request read).
    sandbox.faults.add("GET", rf"^{R}/pulls/\d+$", count=None, status=500)
    ob = Onboarding(sandbox, tmp_path)
    stopped = ob.apply("--deliver", "pr", "--wait-merge", "5")
    assert stopped.returncode == 3, stopped
    one_error(stopped)
    repo = repo_state(live_state(sandbox))
    assert len(repo["pulls"]) == 1
    branch_head = repo["branches"][SETUP_BRANCH]
    sandbox.faults.clear()

    # Resumed before the merge: the branch and the PR are found, nothing is written again; it pauses.
    clear_request_log(sandbox)
    paused = ob.apply("--deliver", "pr")
    assert paused.returncode == 0, paused
    assert paused.json["status"] == "paused" and "merge pull request #1" in paused.json["paused"]
    assert writes(request_log(sandbox)) == []
    repo = repo_state(live_state(sandbox))
    assert len(repo["pulls"]) == 1 and repo["branches"][SETUP_BRANCH] == branch_head

    # Merged by a reviewer; the next run validates on the merge's own push build.
    merge_pull(sandbox, 1)
    done = ob.apply("--deliver", "pr")
    assert done.returncode == 0, done
    assert done.json["verdict"]["passed"] is True
    repo = repo_state(live_state(sandbox))
    assert len(repo["pulls"]) == 1
    assert sorted(repo["branches"]) == ["brik-onboard/setup", "main"]
    assert [(r["event"], len(r["attempts"])) for r in repo["runs"]] == [("push", 2)]
    assert count(request_log(sandbox), "POST", "/dispatches") == 0


@pytest.mark.slow
def test_lost_state_file_finds_the_branch_and_pull_on_github(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    first = ob.apply("--deliver", "pr")
    assert first.returncode == 0 and first.json["status"] == "paused", first
    ob.state_file.unlink()
    clear_request_log(sandbox)
    again = ob.apply("--deliver", "pr")
    assert again.returncode == 0, again
    assert again.json["status"] == "paused" and "pull request #1" in again.json["paused"]
    assert writes(request_log(sandbox)) == []
    assert len(repo_state(live_state(sandbox))["pulls"]) == 1


@pytest.mark.slow
def test_stopped_while_waiting_for_attempt_2_resumes_without_a_second_rerun(sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("GET", rf"^{R}/actions/runs/\d+/attempts/2$", count=None, status=500)
    ob = Onboarding(sandbox, tmp_path)
    stopped = ob.apply("--deliver", "commit")
    assert stopped.returncode == 3, stopped
    one_error(stopped)
    assert count(request_log(sandbox), "POST", "/rerun") == 1
    sandbox.faults.clear()

    resumed = ob.apply("--deliver", "commit")
    assert resumed.returncode == 0, resumed
    assert resumed.json["verdict"]["passed"] is True
    log = request_log(sandbox)
    assert count(log, "POST", "/rerun") == 1 and count(log, "POST", "/dispatches") == 0
    repo = repo_state(live_state(sandbox))
    assert [[a["number"] for a in r["attempts"]] for r in repo["runs"]] == [[1, 2]]


@pytest.mark.slow
def test_stopped_while_waiting_for_attempt_1_resumes_on_the_same_run(sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("GET", rf"^{R}/actions/runs/\d+/attempts/1$", count=None, status=500)
    ob = Onboarding(sandbox, tmp_path)
    stopped = ob.apply("--deliver", "commit")
    assert stopped.returncode == 3, stopped
    one_error(stopped)
    sandbox.faults.clear()
    resumed = ob.apply("--deliver", "commit")
    assert resumed.returncode == 0, resumed
    assert resumed.json["verdict"]["passed"] is True
    log = request_log(sandbox)
    assert count(log, "POST", "/rerun") == 1 and count(log, "POST", "/dispatches") == 0
    assert len(repo_state(live_state(sandbox))["runs"]) == 1


@pytest.mark.slow
def test_validate_after_a_pass_builds_a_fresh_run(sandbox, tmp_path: Path) -> None:
    """`brik-onboard validate` proves the cache again on a new build, not on the already judged one."""
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit").returncode == 0
    clear_request_log(sandbox)
    again = ob.validate()
    assert again.returncode == 0, again
    verdict = again.json["verdict"]
    assert verdict["passed"] is True and verdict["warmed_before"] is True
    repo = repo_state(live_state(sandbox))
    assert [(r["event"], len(r["attempts"])) for r in repo["runs"]] == [("push", 2), ("workflow_dispatch", 2)]
    assert verdict["run_id"] == repo["runs"][1]["id"]
    assert count(request_log(sandbox), "POST", "/dispatches") == 1


@pytest.mark.slow
def test_dispatch_without_run_details_finds_the_run(sandbox, tmp_path: Path) -> None:
    """Older GitHub Enterprise answers 400 to `return_run_details`: the run is found by event and time."""
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit").returncode == 0
    sandbox.state.legacy_dispatch_400 = True
    again = ob.validate()
    assert again.returncode == 0, again
    assert "finding the dispatched run" in again.stderr
    assert again.json["verdict"]["passed"] is True
    repo = repo_state(live_state(sandbox))
    assert [r["event"] for r in repo["runs"]] == ["push", "workflow_dispatch"]


@pytest.mark.slow
def test_closed_pull_request_is_not_reused_for_new_commits(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "pr").returncode == 0
    assert api(sandbox, "PATCH", f"{R}/pulls/1", body={"state": "closed"}).status_code == 200
    changed = ob.apply("--deliver", "pr", "--tags", "sha-${{ github.sha }},latest")
    assert changed.returncode == 0, changed
    assert changed.json["status"] == "paused" and "merge pull request #2" in changed.json["paused"]
    pulls = repo_state(live_state(sandbox))["pulls"]
    assert sorted((p["number"], p["state"]) for p in pulls) == [(1, "closed"), (2, "open")]


@pytest.mark.slow
def test_validate_needs_no_scope_to_write_workflows(sandbox, tmp_path: Path) -> None:
    """`validate` delivers nothing: a token without `workflow` (enough to build and read) passes its preflight,
    even when the answers file recorded delivery by pull request."""
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit").returncode == 0
    ob.token = sandbox.add_token(["repo", "admin:org"], login="octo-admin")
    again = ob.validate()
    assert again.returncode == 0, again.stderr
    assert again.json["verdict"]["passed"] is True


def _note_lost(ob: Onboarding, **fields: object) -> None:
    """The progress file as a run killed between a write and its noting leaves it."""
    data = json.loads(ob.state_file.read_text())
    data.update(fields)
    ob.state_file.write_text(json.dumps(data))


@pytest.mark.slow
def test_a_rerun_whose_noting_was_lost_is_not_sent_again(sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("GET", rf"^{R}/actions/runs/\d+/attempts/2$", count=None, status=500)
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit").returncode == 3
    sandbox.faults.clear()
    _note_lost(ob, rerun_requested=False)
    resumed = ob.apply("--deliver", "commit")
    assert resumed.returncode == 0, resumed
    assert resumed.json["verdict"]["passed"] is True
    assert count(request_log(sandbox), "POST", "/rerun") == 1
    assert [[a["number"] for a in r["attempts"]] for r in repo_state(live_state(sandbox))["runs"]] == [[1, 2]]


@pytest.mark.slow
def test_a_setup_branch_commit_whose_noting_was_lost_is_not_made_again(sandbox, tmp_path: Path) -> None:
    sandbox.faults.add("POST", rf"^{R}/pulls$", count=None, status=403)  # stops before the pull request
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "pr").returncode == 3
    sandbox.faults.clear()
    head = repo_state(live_state(sandbox))["branches"][SETUP_BRANCH]
    owner, name = REPO.split("/")
    model = sandbox.state.find_repo(owner, name)
    _note_lost(ob, setup_head=model.git.commits[head].parents[0])  # the last commit made, not yet noted
    clear_request_log(sandbox)
    resumed = ob.apply("--deliver", "pr")
    assert resumed.returncode == 0 and resumed.json["status"] == "paused", resumed
    assert writes(request_log(sandbox)) == [f"POST {R}/pulls"], "the branch is kept as it is: no force-move, no new commit"
    repo = repo_state(live_state(sandbox))
    assert repo["branches"][SETUP_BRANCH] == head and len(repo["pulls"]) == 1
