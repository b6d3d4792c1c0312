"""A fleet run killed (SIGKILL) midway, twice, then run again: it finishes with exit 0, and every repository holds
what one uninterrupted run leaves — one setup branch and pull request where delivery is by PR, one caller commit,
at most one build with at most two attempts, the org secret's value written once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine_helpers import child_env, live_state, run_brik
from tests.test_fleet import lines, seed_fleet
from wizard.engine.fleet import validated_repos
from wizard.sandbox.seed import DEFAULT_ORG

pytestmark = pytest.mark.slow
N = 20
CALLER = ".github/workflows/build-image.yml"
SETUP_BRANCH = "brik-onboard/setup"
KILL_TIMEOUT_S = 60


def fleet_file(tmp_path: Path, names: list[str], by_pr: set[str], api_url: str) -> Path:
    path = tmp_path / "fleet.yml"
    defaults = {"strategy": "pat", "scope": "org", "visibility": "selected", "delivery": "commit", "api_url": api_url}
    repos = [{"name": n, "delivery": "pr"} if n in by_pr else n for n in names]
    path.write_text(json.dumps({"org": DEFAULT_ORG, "defaults": defaults, "repos": repos}))
    return path


def ok_writes(sandbox) -> list[dict]:
    with sandbox.state.lock:
        logged = list(sandbox.state.requests)
    return [r for r in logged if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and 200 <= r["status"] < 300]


def run_until_killed(args: list[str], env: dict[str, str], tmp_path: Path, name: str, when: Callable[[], bool]) -> None:
    """`brik-onboard ARGS` in a child process, killed with SIGKILL as soon as `when()` holds (it must, before the
    run ends: a run that finished was not interrupted)."""
    out = (tmp_path / f"{name}.out").open("w")
    err = (tmp_path / f"{name}.err").open("w")
    with out, err:
        child = subprocess.Popen(
            [sys.executable, "-m", "wizard", *args], env=child_env(env), stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        try:
            for _ in range(int(KILL_TIMEOUT_S / 0.01)):
                if when():
                    child.send_signal(signal.SIGKILL)
                    break
                try:
                    child.wait(timeout=0.01)  # the tick of this loop: returns early only if the run ended
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(
                    f"{name}: the run ended (exit {child.returncode}) before it could be killed: {(tmp_path / f'{name}.err').read_text()[-2000:]}"
                )
            else:
                pytest.fail(f"{name}: the kill condition never held")
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_a_fleet_run_killed_twice_midway_finishes_with_nothing_made_twice(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, N)
    full = [f"{DEFAULT_ORG}/{n}" for n in names]
    sample = validated_repos(full, "sample:2")
    by_pr = {n for n, f in zip(names, full, strict=True) if f.lower() not in sample}
    by_pr = set(sorted(by_pr)[::3])  # a third of the others go by pull request (validation needs the commit path)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    env = {"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat}
    path = fleet_file(tmp_path, names, by_pr, sandbox.base_url)
    args = ["fleet", "apply", str(path), "--yes", "--json", "--validate", "sample:2", "--poll-interval", "0.2"]

    # Kill 1: a dozen writes in, several repositories mid-way through their steps.
    run_until_killed(args, env, tmp_path, "first", lambda: len(ok_writes(sandbox)) >= 12)
    seen = len(ok_writes(sandbox))

    # Kill 2: the moment GitHub has taken a validation's re-run (its answer may not have reached the run), or,
    # should no sampled repository get that far first, another 30 writes on.
    def mid_validation() -> bool:
        done = ok_writes(sandbox)
        return any(r["path"].endswith("/rerun") for r in done) or len(done) >= seen + 30

    run_until_killed(args, env, tmp_path, "second", mid_validation)
    progress = json.loads((tmp_path / "fleet.state.json").read_text())["repos"]
    assert sum(1 for r in progress.values() if r.get("outcome") == "done") < N, "the kills left work to resume"

    final = run_brik(*args, env=env, timeout=120)
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    outcomes = {e["repo"]: e["outcome"] for e in lines(final.stdout) if e["event"] == "repo"}
    assert set(outcomes) == set(full) and set(outcomes.values()) <= {"done", "skipped"}

    state = live_state(sandbox)
    repos = {r["full_name"]: r for r in state["repos"]}
    writes = ok_writes(sandbox)
    for name, full_name in zip(names, full, strict=True):
        repo = repos[full_name]
        model = sandbox.state.find_repo(DEFAULT_ORG, name)
        caller_commits = [w for w in writes if w["method"] == "PUT" and w["path"] == f"/repos/{full_name}/contents/{CALLER}"]
        assert len(caller_commits) == 1, (full_name, name in by_pr, _history(model))
        if name in by_pr:
            assert set(repo["branches"]) == {"main", SETUP_BRANCH}, full_name
            assert len(model.pulls) == 1, full_name
            assert CALLER not in repo["files"]
        else:
            assert set(repo["branches"]) == {"main"} and not model.pulls, full_name
            assert CALLER in repo["files"]
        assert len(repo["runs"]) <= 1, (full_name, repo["runs"])
        attempts = [a["number"] for run in repo["runs"] for a in run["attempts"]]
        assert attempts == ([1, 2] if full_name.lower() in sample else attempts[:1]), (full_name, attempts)
    assert all(outcomes[f] in ("done", "skipped") for f in full)

    org = next(o for o in state["orgs"] if o["login"] == DEFAULT_ORG)
    secret = next(s for s in org["secrets"] if s["name"] == "REGISTRY_PAT")
    assert sorted(repos_by_id(state)[i] for i in secret["selected_repositories"]) == sorted(full)
    value_writes = [w for w in writes if w["method"] == "PUT" and w["path"] == f"/orgs/{DEFAULT_ORG}/actions/secrets/REGISTRY_PAT"]
    assert len(value_writes) == 1, "the secret's value is written once, whatever the kills interrupted"
    assert state["secondary_limit_hits"] == 0
    for name in ("first", "second"):
        text = (tmp_path / f"{name}.out").read_text() + (tmp_path / f"{name}.err").read_text()
        assert pat not in text and sandbox.token not in text and "Traceback" not in text


def repos_by_id(state: dict) -> dict[int, str]:
    return {r["id"]: r["full_name"] for r in state["repos"]}


def _history(model) -> list[tuple[str, str]]:
    out = []
    for branch, head in model.branches.items():
        sha = head
        while sha:
            commit = model.git.commits[sha]
            out.append((branch, commit.message.splitlines()[0]))
            sha = commit.parents[0] if commit.parents else None
    return out
