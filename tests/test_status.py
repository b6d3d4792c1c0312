"""`brik-onboard status` against the sandbox: not onboarded, healthy, drifted, a secret gone, a pull request open.

`apply` runs as a user would (a subprocess, see engine_helpers.py); `status` runs in this process through
`wizard.cli.main`, over real HTTP, so the worktree's code is the one tested and its output is captured.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from tests.engine_helpers import (
    ORG,
    REPO,
    SETUP_BRANCH,
    WORKFLOW_PATH,
    Onboarding,
    api,
    clear_request_log,
    fake_token,
    file_on,
    leaks_in,
    live_state,
    repo_state,
    request_log,
)
from tests.sandbox_client import Client
from wizard.cli import main
from wizard.core.answers import load_answers

ROOT = str(Path(__file__).resolve().parents[1])
TOKEN_VAR = "BRIK_TEST_STATUS_TOKEN"  # the admin token reaches `status` through --token-env, never a literal
TOP_KEYS = {"repo", "onboarded", "answers", "workflow", "secrets", "variables", "pull_request", "last_run"}
SECRET_KEYS = {"name", "level", "present", "visibility", "repo_selected", "updated_at", "legacy"}
VARIABLE_KEYS = {"name", "level", "present", "value", "visibility", "repo_selected"}
RUN_KEYS = {"id", "conclusion", "verdict", "hits", "misses"}


def status(sandbox: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setenv(TOKEN_VAR, sandbox.token)
    code = main(["status", "--api-url", sandbox.base_url, "--token-env", TOKEN_VAR, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def status_json(sandbox: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    code, out, err = status(sandbox, capsys, monkeypatch, "--repo", REPO, "--json")
    assert code in (0, 1), err
    return code, json.loads(out)


def onboard(sandbox: Any, workdir: Path, *flags: str, secret_env: dict[str, str] | None = None) -> Onboarding:
    ob = Onboarding(sandbox, workdir, secret_env=secret_env or {})
    result = ob.apply(*flags, env={"PYTHONPATH": ROOT})  # the child runs this worktree's code too
    assert result.returncode == 0, result
    return ob


def assert_shape(report: dict[str, Any]) -> None:
    assert set(report) == TOP_KEYS
    assert set(report["workflow"]) == {"path", "state", "drift"}
    assert all(set(s) == SECRET_KEYS for s in report["secrets"])
    assert all(set(v) == VARIABLE_KEYS for v in report["variables"])
    assert report["last_run"] is None or set(report["last_run"]) == RUN_KEYS


def edit_on_main(sandbox: Any, path: str, old: str, new: str) -> None:
    """A hand edit pushed to the default branch through the contents API (with the file's sha)."""
    current = api(sandbox, "GET", f"/repos/{REPO}/contents/{path}?ref=main")
    current.raise_for_status()
    text = base64.b64decode(current.json()["content"]).decode()
    assert old in text
    body = {
        "message": "hand edit",
        "branch": "main",
        "sha": current.json()["sha"],
        "content": base64.b64encode(text.replace(old, new).encode()).decode(),
    }
    api(sandbox, "PUT", f"/repos/{REPO}/contents/{path}", body=body).raise_for_status()


def test_a_repo_never_onboarded_is_reported_so_with_exit_1(sandbox, capsys, monkeypatch) -> None:
    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    assert_shape(report)
    assert report == {
        "repo": REPO,
        "onboarded": False,
        "answers": {},
        "workflow": {"path": WORKFLOW_PATH, "state": "missing", "drift": []},
        "secrets": [],
        "variables": [],
        "pull_request": None,
        "last_run": None,
    }
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "not onboarded" in out and "brik-onboard apply" in out


@pytest.mark.slow
def test_after_apply_everything_is_current_and_status_only_reads(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    pat = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    onboard(sandbox, tmp_path, "--deliver", "commit", "--strategy", "pat", secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    repo = repo_state(live_state(sandbox))
    clear_request_log(sandbox)

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0, report
    assert_shape(report)
    assert report["onboarded"] is True
    recorded = file_on(sandbox, ".github/brik-onboard.yml")
    assert recorded is not None
    assert report["answers"] == json.loads(json.dumps(asdict(load_answers(recorded))))
    assert report["workflow"] == {"path": WORKFLOW_PATH, "state": "current", "drift": []}
    [secret] = report["secrets"]  # REGISTRY_URL is a configuration variable now: no secret of that name is created
    assert (secret["name"], secret["level"], secret["present"], secret["visibility"], secret["repo_selected"], secret["legacy"]) == (
        "REGISTRY_PAT",
        "org",
        True,
        "selected",
        True,
        False,
    )
    assert secret["updated_at"]
    assert report["variables"] == [
        {"name": "REGISTRY_URL", "level": "org", "present": True, "value": "ghcr.io", "visibility": "selected", "repo_selected": True}
    ]
    assert report["pull_request"] is None
    [run] = repo["runs"]
    last = report["last_run"]
    assert (last["id"], last["conclusion"], last["verdict"]) == (run["id"], "success", "passed")
    assert last["hits"] > 0 and last["misses"] == 0

    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 0 and "onboarded, healthy" in out and "current" in out and "cache verdict passed" in out
    assert "variable      REGISTRY_URL       ghcr.io (org, visibility selected, this repo selected)" in out

    log = request_log(sandbox)
    assert log, "status read GitHub"
    assert {r["method"] for r in log} == {"GET"}, [f"{r['method']} {r['path']}" for r in log if r["method"] != "GET"]
    assert leaks_in({"json": json.dumps(report), "human": out}, [pat, sandbox.token]) == []


def test_a_hand_edit_of_the_image_name_is_drift(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    edit_on_main(
        sandbox, WORKFLOW_PATH, "image_name: ghcr.io/brikbyte-studios/example-node-api", "image_name: ghcr.io/brikbyte-studios/other"
    )

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    assert report["workflow"]["state"] == "drifted"
    assert report["workflow"]["drift"] == ["image_name"]
    assert all(s["present"] for s in report["secrets"])
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "needs attention" in out and "drifted, not as the recorded answers render it: image_name" in out


def test_a_deleted_caller_is_missing(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    sha = api(sandbox, "GET", f"/repos/{REPO}/contents/{WORKFLOW_PATH}?ref=main").json()["sha"]
    api(
        sandbox, "DELETE", f"/repos/{REPO}/contents/{WORKFLOW_PATH}", body={"message": "rm", "branch": "main", "sha": sha}
    ).raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    assert report["workflow"] == {"path": WORKFLOW_PATH, "state": "missing", "drift": []}


def test_a_deleted_secret_is_missing(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    pat = sandbox.add_token(["write:packages", "read:packages"], login="ci-bot")
    flags = ("--deliver", "commit", "--skip-validation", "--strategy", "pat")
    onboard(sandbox, tmp_path, *flags, secret_env={"BRIK_SECRET_REGISTRY_PAT": pat})
    api(sandbox, "DELETE", f"/orgs/{ORG}/actions/secrets/REGISTRY_PAT").raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    assert report["workflow"]["state"] == "current"
    assert report["secrets"] == [
        {
            "name": "REGISTRY_PAT",
            "level": "org",
            "present": False,
            "visibility": None,
            "repo_selected": None,
            "updated_at": None,
            "legacy": False,
        }
    ]
    assert [v["present"] for v in report["variables"]] == [True]
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "secret        REGISTRY_PAT       missing (org)" in out


def test_a_deleted_variable_is_missing(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    api(sandbox, "DELETE", f"/orgs/{ORG}/actions/variables/REGISTRY_URL").raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    assert report["workflow"]["state"] == "current"
    assert report["secrets"] == []  # the GITHUB_TOKEN strategy stores no secret
    assert report["variables"] == [
        {"name": "REGISTRY_URL", "level": "org", "present": False, "value": None, "visibility": None, "repo_selected": None}
    ]
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "variable      REGISTRY_URL       missing (org)" in out and "run `brik-onboard` again" in out


def test_a_variable_with_another_value_needs_attention(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    api(sandbox, "PATCH", f"/orgs/{ORG}/actions/variables/REGISTRY_URL", body={"value": "registry.example.com"}).raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1, "the caller would log in to another registry than the answers say"
    [variable] = report["variables"]
    assert (variable["present"], variable["value"]) == (True, "registry.example.com")
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "registry.example.com, the answers say ghcr.io" in out


def test_a_legacy_registry_url_secret_is_listed_only_when_it_exists(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0 and report["secrets"] == []

    # An older onboarding stored REGISTRY_URL as an org secret, readable by no repository now: nothing reads it, so
    # it is reported for the owner to delete and does not make the repository unhealthy.
    Client(sandbox.base_url, sandbox.token).put_secret(
        f"/orgs/{ORG}/actions", "REGISTRY_URL", "ghcr.io", expect=201, visibility="selected", selected_repository_ids=[]
    )
    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0, report
    [secret] = report["secrets"]
    assert (secret["name"], secret["level"], secret["present"], secret["visibility"], secret["repo_selected"], secret["legacy"]) == (
        "REGISTRY_URL",
        "org",
        True,
        "selected",
        False,
        True,
    )
    assert [v["name"] for v in report["variables"]] == ["REGISTRY_URL"]
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 0 and "onboarded, healthy" in out and "no longer read" in out


def test_a_selected_secret_that_leaves_this_repo_out_is_unhealthy(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--skip-validation")
    repo_id = repo_state(live_state(sandbox))["id"]
    api(sandbox, "DELETE", f"/orgs/{ORG}/actions/variables/REGISTRY_URL/repositories/{repo_id}").raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1
    [variable] = report["variables"]
    assert (variable["present"], variable["value"], variable["visibility"], variable["repo_selected"]) == (
        True,
        "ghcr.io",
        "selected",
        False,
    )
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert code == 1 and "this repo NOT selected: its workflows cannot read it" in out


def test_environment_secrets_and_a_run_without_a_second_attempt(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit", "--scope", "environment", "--environment", "production", "--skip-validation")

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0, report
    assert report["secrets"] == []  # the GITHUB_TOKEN strategy stores no secret in the environment
    # The caller's `with:` runs in no environment: REGISTRY_URL is a repository variable at environment scope.
    assert report["variables"] == [
        {"name": "REGISTRY_URL", "level": "repository", "present": True, "value": "ghcr.io", "visibility": None, "repo_selected": None}
    ]
    [run] = repo_state(live_state(sandbox))["runs"]  # the push build the caller's commit started
    assert report["last_run"]["id"] == run["id"]
    assert (report["last_run"]["verdict"], report["last_run"]["hits"], report["last_run"]["misses"]) == (None, None, None)


@pytest.mark.slow
def test_deleted_logs_leave_no_verdict(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    onboard(sandbox, tmp_path, "--deliver", "commit")
    [run] = repo_state(live_state(sandbox))["runs"]
    api(sandbox, "DELETE", f"/repos/{REPO}/actions/runs/{run['id']}/logs").raise_for_status()

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 0, "expired logs are not a health problem"
    assert report["last_run"] == {"id": run["id"], "conclusion": "success", "verdict": None, "hits": None, "misses": None}


def test_an_open_onboarding_pull_request_is_shown(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    ob = Onboarding(sandbox, tmp_path)
    paused = ob.apply("--deliver", "pr", env={"PYTHONPATH": ROOT})
    assert paused.returncode == 0 and paused.json["status"] == "paused", paused

    code, report = status_json(sandbox, capsys, monkeypatch)
    assert code == 1, "the answers reach the default branch with the merge"
    assert report["onboarded"] is False
    pull = report["pull_request"]
    assert (pull["number"], pull["head"], pull["base"]) == (1, SETUP_BRANCH, "main")
    assert pull["url"].endswith("/pull/1")
    code, out, _ = status(sandbox, capsys, monkeypatch, "--repo", REPO)
    assert "#1 open" in out and "merge the onboarding pull request" in out


def test_the_repo_defaults_to_the_origin_of_the_current_directory(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", f"https://github.com/{REPO}.git"], check=True)
    monkeypatch.chdir(tmp_path)
    code, out, err = status(sandbox, capsys, monkeypatch, "--json")
    assert code == 1, err
    assert json.loads(out)["repo"] == REPO


def test_no_repository_is_a_usage_error(sandbox, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # not inside any clone
    code, out, err = status(sandbox, capsys, monkeypatch)
    assert (code, out) == (2, "") and "no repository given" in err
    code, _, err = status(sandbox, capsys, monkeypatch, "--repo", "not a repo")
    assert code == 2 and "invalid repository" in err


def test_a_refused_token_exits_3_without_showing_it(sandbox, capsys, monkeypatch) -> None:
    wrong = fake_token()
    monkeypatch.setenv("BRIK_TEST_WRONG_TOKEN", wrong)
    code = main(["status", "--repo", REPO, "--api-url", sandbox.base_url, "--token-env", "BRIK_TEST_WRONG_TOKEN"])
    out, err = capsys.readouterr()
    assert code == 3
    assert wrong not in out + err and os.environ["BRIK_TEST_WRONG_TOKEN"] == wrong
