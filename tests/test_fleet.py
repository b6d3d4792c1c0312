"""`brik-onboard fleet plan|apply`: many repositories of the sandbox's org in one run, within the write budget,
resumable, with org-level secrets shared once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.engine_helpers import clear_request_log, live_state, request_log, run_brik
from tests.fleet_helpers import apply_unvalidated, seed_fleet
from wizard.engine import org_selection
from wizard.sandbox.seed import DEFAULT_ORG, demo_files

pytestmark = pytest.mark.slow
WRITES = ("POST", "PUT", "PATCH", "DELETE")
N = 20


def fleet_file(tmp_path: Path, names: list[str], **defaults: object) -> Path:
    path = tmp_path / "fleet.yml"
    answers = {"strategy": "pat", "scope": "org", "visibility": "selected", "delivery": "commit", **defaults}
    path.write_text(json.dumps({"org": DEFAULT_ORG, "defaults": answers, "repos": names}))  # JSON is YAML
    return path


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def writes(log: list[dict]) -> list[dict]:
    return [r for r in log if r["method"] in WRITES and 200 <= r["status"] < 300]


def test_fleet_apply_onboards_every_repo_shares_the_secret_once_and_a_second_run_writes_nothing(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, N)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    env = {"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat}
    args = ("fleet", "apply", str(path), "--yes", "--json", "--validate", "sample:2", "--poll-interval", "0.2")

    first = run_brik(*args, env=env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    events = lines(first.stdout)
    repos = [e for e in events if e["event"] == "repo"]
    assert sorted(e["repo"] for e in repos) == [f"{DEFAULT_ORG}/{n}" for n in names]
    assert {e["outcome"] for e in repos} == {"done"}
    assert sum(1 for e in repos if e["verdict"] is True) == 2  # the sample; the others were not built

    state = live_state(sandbox)
    org = next(o for o in state["orgs"] if o["login"] == DEFAULT_ORG)
    secret = next(s for s in org["secrets"] if s["name"] == "REGISTRY_PAT")
    by_id = {r["id"]: r["full_name"] for r in state["repos"]}
    assert sorted(by_id[i] for i in secret["selected_repositories"]) == sorted(f"{DEFAULT_ORG}/{n}" for n in names)
    for repo in state["repos"]:
        if repo["full_name"].split("/")[1] in names:
            assert ".github/workflows/build-image.yml" in repo["files"], repo["full_name"]
    log = request_log(sandbox)
    secret_writes = [r for r in writes(log) if "/actions/secrets/REGISTRY_PAT" in r["path"]]
    assert len(secret_writes) == 1, [(r["method"], r["path"]) for r in secret_writes]  # created once, with all 20
    assert state.get("secondary_limit_hits", 0) == 0
    repo_reads = Counter(r["path"] for r in log if r["method"] == "GET" and r["path"].count("/") == 3 and r["path"].startswith("/repos/"))
    assert set(repo_reads.values()) == {2}, repo_reads  # its own run's read, and one for the secret's list
    assert pat not in first.stdout + first.stderr and sandbox.token not in first.stdout + first.stderr
    progress = (tmp_path / "fleet.state.json").read_text()
    assert pat not in progress and sandbox.token not in progress

    clear_request_log(sandbox)
    second = run_brik(*args, env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {e["outcome"] for e in lines(second.stdout) if e["event"] == "repo"} == {"skipped"}
    assert writes(request_log(sandbox)) == []


def test_fleet_plan_counts_the_writes_and_writes_nothing(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 3)
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    clear_request_log(sandbox)
    result = run_brik("fleet", "plan", str(path), "--json", env={"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat})
    assert result.returncode == 0, result.stderr[-3000:]
    events = lines(result.stdout)
    planned = [e for e in events if e["event"] == "repo"]
    assert [e["outcome"] for e in planned] == ["planned"] * 3 and all(e["writes"] > 0 for e in planned)
    totals = events[-1]
    assert totals["event"] == "totals" and totals["writes"] == sum(e["writes"] for e in planned)
    assert totals["writes_per_minute"] == 80 and totals["expected_seconds"] == 0  # under a minute's budget
    assert writes(request_log(sandbox)) == []
    assert not (tmp_path / "fleet.state.json").exists()


def test_with_many_readers_one_listing_of_the_org_gives_the_secrets_repository_ids(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org_selection, "LIST_ABOVE", 2)  # three readers stand for hundreds
    names = seed_fleet(sandbox, 3)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    done = apply_unvalidated(sandbox, path, pat)
    assert done.returncode == 0, done.stderr[-3000:]
    log = request_log(sandbox)
    assert [r["path"] for r in log if r["path"] == f"/orgs/{DEFAULT_ORG}/repos"] == [f"/orgs/{DEFAULT_ORG}/repos"]
    repo_reads = Counter(r["path"] for r in log if r["method"] == "GET" and r["path"].count("/") == 3 and r["path"].startswith("/repos/"))
    assert set(repo_reads.values()) == {1}, repo_reads  # its own run's read only
    org = next(o for o in live_state(sandbox)["orgs"] if o["login"] == DEFAULT_ORG)
    secret = next(s for s in org["secrets"] if s["name"] == "REGISTRY_PAT")
    assert len(secret["selected_repositories"]) == 3


def test_a_repo_that_fails_is_reported_and_the_others_go_on(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = fleet_file(tmp_path, [*names, "does-not-exist"], api_url=sandbox.base_url)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    result = apply_unvalidated(sandbox, path, pat)
    outcomes = {e["repo"]: e["outcome"] for e in lines(result.stdout) if e["event"] == "repo"}
    assert outcomes[f"{DEFAULT_ORG}/does-not-exist"] in ("refused", "failed")
    assert [outcomes[f"{DEFAULT_ORG}/{n}"] for n in names] == ["done", "done"]
    assert result.returncode == 3
    assert "Traceback" not in result.stderr


def test_a_bad_fleet_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yml"
    path.write_text("repos: [a/b, a/b]\n")
    result = run_brik("fleet", "plan", str(path), env={"GH_TOKEN": "unused"})
    assert result.returncode == 2
    assert "repos item 2: a/b is already item 1" in result.stderr and "Traceback" not in result.stderr


def test_a_stopped_repo_resumes_on_the_next_run_without_a_second_run_or_commit(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 3)
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    env = {"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat}
    args = ("fleet", "apply", str(path), "--yes", "--json", "--validate", "all", "--poll-interval", "0.2")
    # GitHub keeps refusing the re-run of one repository's build: that repository stops after its first attempt.
    sandbox.faults.add("POST", rf"^/repos/{DEFAULT_ORG}/{names[1]}/actions/runs/\d+/rerun$", count=None, status=403)
    first = run_brik(*args, env=env)
    outcomes = {e["repo"]: e["outcome"] for e in lines(first.stdout) if e["event"] == "repo"}
    assert outcomes[f"{DEFAULT_ORG}/{names[1]}"] == "refused" and first.returncode == 3, first.stdout
    sandbox.faults.clear()

    second = run_brik(*args, env=env)
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    outcomes = {e["repo"]: e["outcome"] for e in lines(second.stdout) if e["event"] == "repo"}
    assert outcomes == {f"{DEFAULT_ORG}/{names[0]}": "skipped", f"{DEFAULT_ORG}/{names[1]}": "done", f"{DEFAULT_ORG}/{names[2]}": "skipped"}
    repo = next(r for r in live_state(sandbox)["repos"] if r["full_name"] == f"{DEFAULT_ORG}/{names[1]}")
    assert len(repo["runs"]) == 1 and [a["number"] for a in repo["runs"][0]["attempts"]] == [1, 2]
    caller_commits = [
        r
        for r in request_log(sandbox)
        if r["method"] == "PUT" and r["path"].endswith(f"{names[1]}/contents/.github/workflows/build-image.yml")
    ]
    assert len([r for r in caller_commits if 200 <= r["status"] < 300]) == 1
