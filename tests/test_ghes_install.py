"""GitHub Enterprise Server: `sandbox serve --ghes 3.14` answers as that server, and `apply` installs the org's
reusable workflow in the variant it accepts when the org has none yet (by commit, or by pull request)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from github import Auth, Github

from tests.engine_helpers import ORG, REPO, WORKFLOW_PATH, Onboarding, clear_request_log, file_on, request_log, writes
from tests.sandbox_client import TEST_TIME_FACTOR
from wizard.assets import reusable_workflow_text
from wizard.core.workflow.variants import accepts_deployment_key, parse_ghes_version, reusable_variant
from wizard.errors import InputError
from wizard.sandbox import Sandbox

REUSABLE = ".github/workflows/ci-build-kaniko.yml"
ORG_REPO = f"{ORG}/.github"


@pytest.fixture
def ghes() -> Iterator[Sandbox]:
    with Sandbox(time_factor=TEST_TIME_FACTOR, ghes="3.14") as started:
        yield started


@pytest.mark.parametrize(
    ("version", "accepts"), [(None, True), ("3.14", False), ("3.14.7", False), ("3.21", False), ("3.22", True), ("4.0", True)]
)
def test_which_servers_know_environment_deployment(version: str | None, accepts: bool) -> None:
    assert accepts_deployment_key(version) is accepts


@pytest.mark.parametrize("value", ["3", "v3.14", "3.x", ""])
def test_a_bad_server_version_is_refused(value: str) -> None:
    with pytest.raises(InputError, match="invalid GitHub Enterprise Server version"):
        parse_ghes_version(value)


def test_the_ghes_variant_differs_only_by_the_deployment_key() -> None:
    asset = reusable_workflow_text()
    assert reusable_variant(asset, None) == asset == reusable_variant(asset, "3.22")
    variant = reusable_variant(asset, "3.14")
    removed = [line for line in asset.splitlines() if line not in variant.splitlines()]
    assert removed == ["      deployment: false # the environment's secrets, without a deployment record"]
    added = [line for line in variant.splitlines() if line not in asset.splitlines()]
    assert added == ["# Variant for GitHub Enterprise Server 3.14: without `environment.deployment`, which it does not know."]


def test_the_sandbox_answers_as_that_server(ghes: Sandbox) -> None:
    reply = requests.get(f"{ghes.base_url}/user", headers={"Authorization": f"token {ghes.token}"}, timeout=30)
    assert reply.headers["X-GitHub-Enterprise-Version"] == "3.14"
    assert file_on(ghes, REUSABLE, full_name=ORG_REPO) is None  # the org has not installed it yet


@pytest.mark.slow
def test_serve_refuses_a_bad_version_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "sandbox", "serve", "--ghes", "three"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "error: invalid GitHub Enterprise Server version 'three'"
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_apply_installs_the_ghes_variant_by_commit_then_onboards_and_validates(ghes: Sandbox, tmp_path: Path) -> None:
    ob = Onboarding(ghes, tmp_path)
    result = ob.apply("--deliver", "commit")
    assert result.returncode == 0, result
    installed = file_on(ghes, REUSABLE, full_name=ORG_REPO)
    assert installed == reusable_variant(reusable_workflow_text(), "3.14")
    assert "deployment:" not in installed
    applied = [a for a in result.json["applied"] if a["kind"] == "reusable-workflow"]
    assert [a["target"] for a in applied] == [f"{ORG_REPO}/{REUSABLE}@main"]
    assert "GitHub Enterprise Server 3.14 variant" in applied[0]["summary"]
    assert result.json["verdict"]["passed"] is True, result.json["verdict"]["reasons"]
    assert file_on(ghes, WORKFLOW_PATH) is not None

    clear_request_log(ghes)
    again = ob.apply(repo=False)
    assert again.returncode == 0, again
    assert writes(request_log(ghes)) == []  # installed once: the second run finds it


@pytest.mark.slow
def test_the_terminal_shows_the_start_of_the_install_not_all_of_it(ghes: Sandbox, tmp_path: Path) -> None:
    from wizard.text.events import MAX_DIFF_LINES

    result = Onboarding(ghes, tmp_path).apply("--deliver", "commit", "--skip-validation", as_json=False)
    assert result.returncode == 0, result
    assert "+# Variant for GitHub Enterprise Server 3.14" in result.stdout
    assert "more lines" in result.stdout
    diff_lines = [line for line in result.stdout.splitlines() if line.startswith("       +")]
    assert len(diff_lines) <= 2 * MAX_DIFF_LINES  # each diff (the install, the new caller) at most MAX_DIFF_LINES


@pytest.mark.slow
def test_apply_by_pull_request_proposes_the_install_once(ghes: Sandbox, tmp_path: Path) -> None:
    ob = Onboarding(ghes, tmp_path)
    result = ob.apply("--deliver", "pr")
    assert result.returncode == 0, result
    assert file_on(ghes, REUSABLE, full_name=ORG_REPO) is None  # not on main until the pull request is merged
    on_branch = file_on(ghes, REUSABLE, ref="brik-onboard/reusable-workflow", full_name=ORG_REPO)
    assert on_branch == reusable_variant(reusable_workflow_text(), "3.14")
    pulls = requests.get(f"{ghes.base_url}/repos/{ORG_REPO}/pulls", headers={"Authorization": f"token {ghes.token}"}, timeout=30).json()
    assert [(p["head"]["ref"], p["base"]["ref"], p["state"]) for p in pulls] == [("brik-onboard/reusable-workflow", "main", "open")]
    again = ob.apply("--deliver", "pr", repo=False)
    assert again.returncode == 0, again
    assert [a for a in again.json["applied"] if a["kind"] == "reusable-workflow"] == []  # the open pull request has it


def test_the_github_com_file_fails_on_ghes_like_the_runner_says(ghes: Sandbox, tmp_path: Path) -> None:
    from tests.engine_helpers import put_file

    put_file(ghes, REUSABLE, reusable_workflow_text(), full_name=ORG_REPO)
    ob = Onboarding(ghes, tmp_path)
    result = ob.apply("--deliver", "commit")
    assert result.returncode == 1, result  # validation failed: the build never ran
    line = next(n for n, text in enumerate(reusable_workflow_text().splitlines(), 1) if text.strip().startswith("deployment:"))
    gh = Github(base_url=ghes.base_url, auth=Auth.Token(ghes.token), seconds_between_requests=0, seconds_between_writes=0)
    job = next(iter(gh.get_repo(REPO).get_workflow_run(result.json["verdict"]["run_id"]).jobs()))
    log = requests.get(job.logs_url(), timeout=30).text
    assert f"(Line: {line}, Col: 7): Unexpected value 'deployment'" in log
    assert job.conclusion == "failure"


def test_validate_reports_a_missing_reusable_workflow_instead_of_installing_it(ghes: Sandbox, tmp_path: Path) -> None:
    clear_request_log(ghes)
    result = Onboarding(ghes, tmp_path).validate()
    assert result.returncode == 3, result
    assert "the reusable workflow BrikByte-Studios/.github/.github/workflows/ci-build-kaniko.yml@main was not found" in result.stderr
    assert "run `brik-onboard apply` to install it" in result.stderr
    assert writes(request_log(ghes)) == []
