"""Issue 3's "done when": `brik-onboard sandbox serve --port N --token T` starts, and a short PyGithub
script sets an org secret with `selected` visibility and an environment secret (their hashes in
/_sandbox/state match the values sent), writes the caller workflow, dispatches it with run details,
re-runs it, and the second attempt's job log shows `Using caching version of cmd` for each RUN layer."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from github import Auth, Github

from tests.sandbox_client import CACHED_IN_DEFAULT_BUILD, CALLER_WORKFLOW, HIT, MISS, ORG, REPO
from wizard.core.clock import CLOCK

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _completed(repo, run_id: int, attempt: int):
    deadline = time.monotonic() + 60
    while (run := repo.get_workflow_run(run_id).get_attempt(attempt)).status != "completed":
        assert time.monotonic() < deadline
        CLOCK.sleep(0.1)  # virtual time under the sandbox fixture: the build moves on without waiting
    return run


def test_serve_then_secrets_caller_dispatch_rerun_and_cache_hits() -> None:
    token, port = "ghp_" + os.urandom(18).hex(), _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "wizard", "sandbox", "serve", "--port", str(port), "--token", token, "--time-factor", "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = server.stdout.readline() + server.stdout.readline()
        base_url = f"http://127.0.0.1:{port}"
        assert base_url in banner and token in banner
        gh = Github(base_url=base_url, auth=Auth.Token(token), seconds_between_requests=0, seconds_between_writes=0)
        org, repo = gh.get_organization(ORG), gh.get_repo(REPO)
        pat, env_value = "ghp_" + os.urandom(18).hex(), "env-" + os.urandom(8).hex()
        org.create_secret("REGISTRY_PAT", pat, visibility="selected", selected_repositories=[repo])
        repo.create_environment("production").create_secret("REGISTRY_PAT", env_value)
        state = requests.get(f"{base_url}/_sandbox/state", headers={"Authorization": f"token {token}"}, timeout=30).json()
        org_secret = state["orgs"][0]["secrets"][0]
        assert org_secret["sha256"] == hashlib.sha256(pat.encode()).hexdigest()
        assert (org_secret["visibility"], org_secret["selected_repositories"]) == ("selected", [repo.id])
        env_secret = next(r for r in state["repos"] if r["full_name"] == REPO)["environments"][0]["secrets"][0]
        assert env_secret["sha256"] == hashlib.sha256(env_value.encode()).hexdigest()

        repo.create_file(".github/workflows/build-image.yml", "Build the image with Kaniko", CALLER_WORKFLOW)
        run = repo.get_workflow("build-image.yml").create_dispatch("main", return_run_details=True, throw=True)
        assert _completed(repo, run.id, 1).conclusion == "success"
        assert repo.get_workflow_run(run.id).rerun() is True
        second = _completed(repo, run.id, 2)
        assert (second.id, second.run_attempt, second.conclusion) == (run.id, 2, "success")
        [job] = list(second.jobs())
        log = requests.get(job.logs_url(), timeout=30).text
        assert HIT.findall(log) == CACHED_IN_DEFAULT_BUILD and MISS.findall(log) == []
        assert pat not in log and env_value not in log
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
