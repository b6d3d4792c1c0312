"""`fleet plan|apply --org ORG [--topic T] [--exclude PATTERN]` with no fleet file: the repositories come from one
listing of the org, with the defaults (the user's config file over the answers' defaults)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine_helpers import clear_request_log, fake_token, live_state, request_log, run_brik
from tests.test_fleet import fleet_file, lines, writes
from wizard.sandbox.seed import DEFAULT_ORG, demo_files


def seed(sandbox: Any) -> list[str]:
    """Four services with the topic `node`, one of them archived, and one without the topic."""
    files = demo_files()
    names = [f"svc-{i}" for i in range(5)]
    for name in names:
        repo = sandbox.state.add_repo(DEFAULT_ORG, name, files, topics=["node"] if name != "svc-4" else ["python"])
        repo.archived = name == "svc-3"
    return names


def user_env(sandbox: Any, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.yml"
    config.write_text(f"api_url: {sandbox.base_url}\n")  # the user's own config: where the admin token may go
    return {"GH_TOKEN": sandbox.token, "BRIK_ONBOARD_CONFIG": str(config)}


def full(*names: str) -> list[str]:
    return [f"{DEFAULT_ORG}/{n}" for n in names]


def test_fleet_plan_selects_by_topic_leaves_archived_repos_out_and_says_so(sandbox, tmp_path: Path) -> None:
    seed(sandbox)
    clear_request_log(sandbox)
    done = run_brik(
        "fleet", "plan", "--org", DEFAULT_ORG, "--topic", "node", "--exclude", "svc-2", "--json", env=user_env(sandbox, tmp_path)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    planned = [e for e in lines(done.stdout) if e["event"] == "repo"]
    assert sorted(e["repo"] for e in planned) == full("svc-0", "svc-1")
    assert all(e["outcome"] == "planned" and e["writes"] > 0 for e in planned)
    assert "left out: 1 archived, 1 excluded by --exclude, 3 without the topic(s)" in done.stderr  # .github, example-node-api, svc-4
    listings = [r for r in request_log(sandbox) if r["path"] == f"/orgs/{DEFAULT_ORG}/repos"]
    assert len(listings) == 1
    assert writes(request_log(sandbox)) == []


@pytest.mark.slow
def test_fleet_apply_onboards_the_selected_repos_with_the_defaults_and_resumes_from_its_own_state_file(sandbox, tmp_path: Path) -> None:
    seed(sandbox)
    env = user_env(sandbox, tmp_path)
    args = ("fleet", "apply", "--org", DEFAULT_ORG, "--topic", "node", "--exclude", f"{DEFAULT_ORG}/svc-[12]", "--yes", "--json")
    done = run_brik(*args, "--validate", "none", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert {e["repo"]: e["outcome"] for e in lines(done.stdout) if e["event"] == "repo"} == {f"{DEFAULT_ORG}/svc-0": "done"}
    state = live_state(sandbox)
    # The defaults: GITHUB_TOKEN (no secret stored), the caller delivered by a pull request.
    proposed = {
        r["full_name"] for r in state["repos"] if any(p["head"] == "brik-onboard/setup" and p["state"] == "open" for p in r["pulls"])
    }
    assert proposed == set(full("svc-0"))
    assert not any(o["secrets"] for o in state["orgs"] if o["login"] == DEFAULT_ORG)
    progress = json.loads((tmp_path / f"fleet-{DEFAULT_ORG.lower()}.state.json").read_text())
    assert progress["repos"][f"{DEFAULT_ORG}/svc-0".lower()]["outcome"] == "done"
    again = run_brik(*args, "--validate", "none", env=env, cwd=tmp_path)
    assert {e["outcome"] for e in lines(again.stdout) if e["event"] == "repo"} == {"skipped"}

    # Until the pull request is merged, status says the repository is missing, with its pull request open.
    status = run_brik("status", "--org", DEFAULT_ORG, "--topic", "node", "--json", env={**env, "XDG_CACHE_HOME": str(tmp_path)})
    rows = {r["repo"]: r for r in json.loads(status.stdout)["repos"]}
    assert status.returncode == 1 and rows[f"{DEFAULT_ORG}/svc-0"]["state"] == "missing"
    assert rows[f"{DEFAULT_ORG}/svc-0"]["pull_request"]["number"] >= 1 and rows[f"{DEFAULT_ORG}/svc-1"]["pull_request"] is None


def test_a_fleet_with_neither_a_file_nor_an_org_is_one_clear_error() -> None:
    for command in ("plan", "apply"):
        done = run_brik("fleet", command, env={"GH_TOKEN": fake_token()})
        assert done.returncode == 2, done.stderr
        assert "no repositories given: name a fleet FILE or select them with --org ORG" in done.stderr
        assert "Traceback" not in done.stderr


def test_topic_and_exclude_do_not_filter_a_fleet_file(tmp_path: Path) -> None:
    path = fleet_file(tmp_path, ["svc-0"])
    done = run_brik("fleet", "plan", str(path), "--topic", "node", env={"GH_TOKEN": fake_token()})
    assert done.returncode == 2 and "--topic and --exclude select from GitHub" in done.stderr and "Traceback" not in done.stderr


def test_a_selection_that_keeps_nothing_is_one_clear_error(sandbox, tmp_path: Path) -> None:
    seed(sandbox)
    done = run_brik("fleet", "plan", "--org", DEFAULT_ORG, "--topic", "rust", env=user_env(sandbox, tmp_path))
    assert done.returncode == 2, done.stderr
    assert f"no repository of {DEFAULT_ORG} is selected (left out:" in done.stderr and "Traceback" not in done.stderr
    bad = run_brik("fleet", "plan", "--org", DEFAULT_ORG, "--exclude", "", env=user_env(sandbox, tmp_path))
    assert bad.returncode == 2 and "is not a pattern" in bad.stderr
