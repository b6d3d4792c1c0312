"""Builder `container` (no Docker daemon, ARC containerMode kubernetes): `apply --runs-on arc-runner-set --builder
container` onboards and validates against the sandbox, whose runner emulates the job inside Kaniko's debug image."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from github import Auth, Github

from tests.engine_helpers import REPO, WORKFLOW_PATH, Onboarding, file_on, leaks_in, live_state, repo_state


@pytest.mark.slow
def test_apply_with_the_container_builder_onboards_and_validates(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    result = ob.apply("--deliver", "commit", "--runs-on", "arc-runner-set", "--builder", "container")
    assert result.returncode == 0, result
    verdict = result.json["verdict"]
    assert verdict["passed"] is True, verdict["reasons"]
    assert all(row["attempt2"] == "hit" for row in verdict["table"] if row["instruction"].startswith("RUN "))

    workflow = file_on(sandbox, WORKFLOW_PATH)
    assert workflow is not None
    assert "runs_on: arc-runner-set" in workflow and "builder: container" in workflow

    gh = Github(base_url=sandbox.base_url, auth=Auth.Token(sandbox.token), seconds_between_requests=0, seconds_between_writes=0)
    run = gh.get_repo(REPO).get_workflow_run(repo_state(live_state(sandbox))["runs"][0]["id"])
    job = next(iter(run.jobs()))  # of the latest attempt
    steps = [s.name for s in job.steps]
    # The container path: no checkout, no docker login; Kaniko's config.json, then the executor itself.
    assert steps == [
        "Set up job",
        "Initialize containers",
        "Check the Kaniko flags",
        "Write the registry credentials for Kaniko",
        "Build and push with the Kaniko executor",
        "Stop containers",
        "Complete job",
    ]
    log = requests.get(job.logs_url(), timeout=30).text
    after_setup = log.split("Complete job name", 1)[1]
    assert "/kaniko/executor --context=git://github.com/" in after_setup
    assert "docker/login-action" not in after_setup and "docker run" not in after_setup
    assert "REGISTRY_PASSWORD: ***" in after_setup
    assert "Using caching version of cmd" in after_setup  # the latest attempt: validation's second build
    assert leaks_in({"stdout": result.stdout, "stderr": result.stderr}, [ob.token]) == []
