"""The sandbox's runner with build secrets: the container builder writes each passed KANIKO_SECRET_<n> to /kaniko/<id>
and reports it (`build_secrets_mounted` in /_sandbox/state); a RUN whose secret the job did not write fails as the
Kaniko executor fails it; GitHub's refusal of a secret the reusable workflow does not declare."""

from __future__ import annotations

import secrets

import pytest

from tests.sandbox_client import ORG, REPO, Client
from tests.test_sandbox_runner import _build, _rerun, caller

R = f"/repos/{REPO}"
MOUNT = "RUN --mount=type=secret,id=npmrc,dst=/kaniko/npmrc npm ci"


def dockerfile(mount: str = MOUNT) -> str:
    return f"FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\n{mount}\n"


@pytest.fixture
def admin(sandbox) -> Client:
    client = Client(sandbox.base_url, sandbox.token)
    client.put_file(REPO, "Dockerfile", dockerfile())
    return client


def store_npmrc(admin: Client) -> str:
    value = f"//npm.pkg.github.com/:_authToken=npm_{secrets.token_hex(18)}\n//registry.npmjs.org/:_authToken=npm_{secrets.token_hex(18)}"
    admin.put_secret(f"/orgs/{ORG}/actions", "BUILD_SECRET_NPMRC", value, visibility="all", expect=201)
    return value


def container(**with_: str) -> dict[str, str]:
    return {"builder": "container", "dockerfile": "./Dockerfile", **with_}


PASSED = {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "KANIKO_SECRET_1": "${{ secrets.BUILD_SECRET_NPMRC }}"}


def mounted(client: Client, run_id: int) -> list[list[str]]:
    """Per attempt, the build secrets the run's job reports mounted."""
    state = client.get("/_sandbox/state", expect=200).json()
    run = next(run for repo in state["repos"] for run in repo["runs"] if run["id"] == run_id)
    return [a["jobs"][0]["build_secrets_mounted"] for a in run["attempts"]]


def test_a_passed_build_secret_is_written_and_reported_mounted(admin) -> None:
    value = store_npmrc(admin)
    run_id, log, job = _build(admin, caller(with_=container(build_secrets="npmrc"), secrets=PASSED))
    assert job["conclusion"] == "success", log
    assert "Write the build secrets for Kaniko" in [s["name"] for s in job["steps"]]
    assert "Build secret npmrc written to /kaniko/npmrc" in log
    assert "  KANIKO_SECRET_1: ***" in log
    assert 'skip mounting "npmrc" as it is not available' in log  # the fork's line: no --secret flag, the file is there
    assert "Running: [/bin/sh -c npm ci]" in log  # executed: a miss on the first build
    log2, job2 = _rerun(admin, run_id)
    assert job2["conclusion"] == "success" and "Using caching version of cmd: " + MOUNT in log2
    assert mounted(admin, run_id) == [["npmrc"], ["npmrc"]]
    state = admin.get("/_sandbox/state", expect=200).text
    for text in (log, log2, state):
        for line in value.splitlines():
            assert line not in text


@pytest.mark.parametrize(
    ("mount", "error"),
    [
        (MOUNT, "waiting for process to exit: exit status 1"),  # not required: skipped, and the command finds no file
        (MOUNT.replace(",dst=", ",required,dst="), "secret not defined: npmrc"),  # the fork refuses a required one
    ],
    ids=["optional", "required"],
)
def test_a_secret_the_job_did_not_write_fails_the_build_with_kanikos_error(admin, mount: str, error: str) -> None:
    admin.put_file(REPO, "Dockerfile", dockerfile(mount))
    run_id, log, job = _build(admin, caller(with_=container()))  # an older caller: no build_secrets, no slot
    assert job["conclusion"] == "failure"
    assert "error building image: error building stage: failed to execute command: " + error in log
    assert ('skip mounting "npmrc" as it is not available' in log) is (error != "secret not defined: npmrc")
    assert "Write the build secrets for Kaniko" not in [s["name"] for s in job["steps"]]
    assert mounted(admin, run_id) == [[]]


def test_upstream_kaniko_ignores_the_mount_and_the_command_fails_without_the_file(admin) -> None:
    run_id, log, job = _build(admin, caller(with_=container(executor="gcr.io/kaniko-project/executor:v1.24.0")))
    assert job["conclusion"] == "failure"
    assert "skip mounting" not in log
    assert "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1" in log


def test_a_mount_elsewhere_than_kaniko_misses_the_written_file(admin) -> None:
    store_npmrc(admin)
    admin.put_file(REPO, "Dockerfile", dockerfile("RUN --mount=type=secret,id=npmrc npm ci"))  # /run/secrets/npmrc
    _, log, job = _build(admin, caller(with_=container(build_secrets="npmrc"), secrets=PASSED))
    assert job["conclusion"] == "failure"
    assert "Build secret npmrc written to /kaniko/npmrc" in log
    assert "failed to execute command: waiting for process to exit: exit status 1" in log


def test_an_empty_slot_fails_the_write_step_before_kaniko(admin) -> None:
    run_id, log, job = _build(admin, caller(with_=container(build_secrets="npmrc"), secrets=PASSED))  # no secret stored
    assert job["conclusion"] == "failure"
    steps = {s["name"]: s["conclusion"] for s in job["steps"]}
    assert steps["Write the build secrets for Kaniko"] == "failure"
    assert steps["Build and push with the Kaniko executor"] == "skipped"
    assert "##[error]build secret npmrc is empty: store the secret BUILD_SECRET_<ID> and pass it as KANIKO_SECRET_1." in log
    assert mounted(admin, run_id) == [[]]


def test_build_secrets_with_the_action_builder_are_refused_by_the_workflow(admin) -> None:
    store_npmrc(admin)
    _, log, job = _build(admin, caller(with_={"build_secrets": "npmrc"}, secrets=PASSED))
    assert job["conclusion"] == "failure"
    # After the Kaniko flags' check, the job's first step in either builder
    assert [s["name"] for s in job["steps"]][1:3] == ["Check the Kaniko flags", "Refuse build secrets without the container builder"]
    assert "##[error]build secrets need builder container" in log


def test_a_secret_the_reusable_workflow_does_not_declare_is_refused_as_github_does(admin) -> None:
    store_npmrc(admin)
    named = {"REGISTRY_TOKEN": "${{ secrets.GITHUB_TOKEN }}", "BUILD_SECRET_NPMRC": "${{ secrets.BUILD_SECRET_NPMRC }}"}
    _, log, job = _build(admin, caller(with_=container(), secrets=named))
    assert job["conclusion"] == "failure"
    assert "Invalid secret, BUILD_SECRET_NPMRC is not defined in the referenced workflow." in log
