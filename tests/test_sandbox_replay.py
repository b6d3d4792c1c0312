"""For each recorded GitHub exchange (shared/github/replay) the sandbox covers, the sandbox's answer to
the same request has GitHub's status and GitHub's field names and JSON types.

The recordings name other owners, repositories and ids; each request is translated to the sandbox's
equivalent (the sample repo, its workflows, its runs), and encrypted secret values are re-sealed with
the sandbox's public key, since GitHub's sealed boxes cannot be opened here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.openapi_check import facts_dir
from tests.replay_data import Record, load_all, shape_differences
from tests.sandbox_client import CALLER_WORKFLOW, ORG, REPO, Client, seal

R = f"/repos/{REPO}"
LINT = "name: check\non: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"


def _replay_dir() -> Path | None:
    root = facts_dir()
    return root / "replay" if root and (root / "replay").is_dir() else None


pytestmark = pytest.mark.skipif(_replay_dir() is None, reason="recorded GitHub exchanges are not available")


class World:
    """The sandbox objects the recordings' objects map to."""

    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.admin = Client(sandbox.base_url, sandbox.token)
        sandbox.state.content_limit_per_minute = 10_000
        self.admin.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, expect=201)
        self.admin.put_file(REPO, ".github/workflows/check.yml", LINT, expect=201)
        workflows = self.admin.get(f"{R}/actions/workflows", expect=200).json()["workflows"]
        self.workflow = {w["path"].rsplit("/", 1)[-1]: w["id"] for w in workflows}
        self.run_id = self.admin.dispatch(REPO, "build-image.yml")
        self.admin.wait_run(REPO, self.run_id)
        self.admin.call("POST", f"{R}/actions/runs/{self.run_id}/rerun", expect=201)
        self.admin.wait_run(REPO, self.run_id, 2)
        self.head_sha = self.admin.get(f"{R}/actions/runs/{self.run_id}", expect=200).json()["head_sha"]
        self.job_id = self.admin.jobs(REPO, self.run_id)[0]["id"]
        self.repo_id = self.admin.get(R, expect=200).json()["id"]
        self.other_id = self.admin.get(f"/repos/{ORG}/.github", expect=200).json()["id"]

    def sealed(self, scope: str, body: dict[str, Any]) -> dict[str, Any]:
        key = self.admin.get(f"{scope}/secrets/public-key", expect=200).json()
        return {**body, "encrypted_value": seal(key["key"], "replayed-value"), "key_id": key["key_id"]}

    def main_sha(self) -> str:
        return self.admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]


Translation = tuple[str, str, Any]  # method, path (with query), JSON body


def _secret_name(name: str) -> str:
    """One recording (hand-written upstream) uses `secret-name`; GitHub only accepts [A-Za-z0-9_].

    A distinct valid name keeps it from colliding with the `secret_name` another recording creates.
    """
    return name.replace("-", "_") + "_HYPHENATED" if "-" in name else name


def _secret_put(world: World, scope: str, name: str, body: dict[str, Any]) -> Translation:
    name = _secret_name(name)
    body = world.sealed(scope, body)
    if "selected_repository_ids" in body:
        body["selected_repository_ids"] = [world.repo_id, world.other_id]
    return "PUT", f"{scope}/secrets/{name}", body


def _contents_put(world: World, path: str, body: dict[str, Any]) -> Translation:
    body = {**body, "branch": "main"}
    current = world.admin.get(f"{R}/contents/{path}")
    if current.status_code == 200:
        body["sha"] = current.json()["sha"]
    return "PUT", f"{R}/contents/{path}", body


def _pull(world: World, body: dict[str, Any]) -> Translation:
    world.admin.put_file(REPO, "pull.txt", "change\n", branch="BranchCreatedByPyGithub", expect=201)
    return "POST", f"{R}/pulls", {**body, "head": f"{ORG}:BranchCreatedByPyGithub", "base": "main"}


def _dispatch(world: World, number: str, body: dict[str, Any]) -> Translation:
    name = _workflow_file("manual_dispatch" if number == "2001227" else "check")
    body = {k: v for k, v in body.items() if k != "inputs"}
    return "POST", f"{R}/actions/workflows/{world.workflow[name]}/dispatches", body


RP, OP = r"/repos/[^/]+/[^/]+", r"/orgs/[^/]+"  # any recorded repository / organisation
E = rf"{RP}/environments/([^/]+)"


def _workflow_file(recorded: str) -> str:
    return "build-image.yml" if recorded == "manual_dispatch" else "check.yml"


RULES: list[tuple[str, str, Callable[..., Translation]]] = [
    ("GET", RP, lambda w, m, b: ("GET", R, None)),
    ("GET", OP, lambda w, m, b: ("GET", f"/orgs/{ORG}", None)),
    ("PUT", E, lambda w, m, b: ("PUT", f"{R}/environments/{m[1]}", b)),
    ("DELETE", E, lambda w, m, b: ("DELETE", f"{R}/environments/{m[1]}", None)),
    ("GET", rf"{E}/secrets(/public-key)?", lambda w, m, b: ("GET", f"{R}/environments/{m[1]}/secrets{m[2] or ''}", None)),
    ("PUT", rf"{E}/secrets/([^/]+)", lambda w, m, b: _secret_put(w, f"{R}/environments/{m[1]}", m[2], b)),
    ("GET", rf"{E}/secrets/([^/]+)", lambda w, m, b: ("GET", f"{R}/environments/{m[1]}/secrets/{m[2]}", None)),
    ("DELETE", rf"{E}/secrets/([^/]+)", lambda w, m, b: ("DELETE", f"{R}/environments/{m[1]}/secrets/{m[2]}", None)),
    ("GET", rf"{OP}/actions/secrets/public-key", lambda w, m, b: ("GET", f"/orgs/{ORG}/actions/secrets/public-key", None)),
    ("PUT", rf"{OP}/actions/secrets/([^/]+)", lambda w, m, b: _secret_put(w, f"/orgs/{ORG}/actions", m[1], b)),
    (
        "GET",
        rf"{OP}/actions/secrets/([^/]+)/repositories",
        lambda w, m, b: ("GET", f"/orgs/{ORG}/actions/secrets/{_secret_name(m[1])}/repositories", None),
    ),
    ("GET", rf"{RP}/actions/secrets/public-key", lambda w, m, b: ("GET", f"{R}/actions/secrets/public-key", None)),
    ("PUT", rf"{RP}/actions/secrets/([^/]+)", lambda w, m, b: _secret_put(w, f"{R}/actions", m[1], b)),
    ("GET", rf"{RP}/contents/(.+)", lambda w, m, b: ("GET", f"{R}/contents/{m[1]}", None)),
    ("PUT", rf"{RP}/contents/(.+)", lambda w, m, b: _contents_put(w, m[1], b)),
    ("POST", rf"{RP}/git/refs", lambda w, m, b: ("POST", f"{R}/git/refs", {**b, "sha": w.main_sha()})),
    ("POST", rf"{RP}/pulls", lambda w, m, b: _pull(w, b)),
    (
        "GET",
        rf"{RP}/actions/workflows/(manual_dispatch|check)\.yml",
        lambda w, m, b: ("GET", f"{R}/actions/workflows/{_workflow_file(m[1])}", None),
    ),
    ("POST", rf"{RP}/actions/workflows/(\d+)/dispatches", lambda w, m, b: _dispatch(w, m[1], b)),
    (
        "GET",
        rf"{RP}/actions/workflows/\d+/runs",
        lambda w, m, b: ("GET", f"{R}/actions/workflows/{w.workflow['build-image.yml']}/runs?head_sha={w.head_sha}", None),
    ),
    ("GET", rf"{RP}/actions/jobs/\d+/logs", lambda w, m, b: ("GET", f"{R}/actions/jobs/{w.job_id}/logs", None)),
    ("GET", rf"{RP}/actions/runs/\d+(/attempts/\d+|/jobs)?", lambda w, m, b: ("GET", f"{R}/actions/runs/{w.run_id}{m[1] or ''}", None)),
]


def _translate(world: World, record: Record) -> Translation | None:
    for verb, pattern, make in RULES:
        match = re.fullmatch(pattern, record.path)
        if verb == record.verb and match:
            return make(world, match, record.request_body)
    return None


def _fork_only(record: Record, difference: str) -> bool:
    """`parent` and `source` come only with forks; the recorded repos are forks, the sandbox's are not."""
    fork = isinstance(record.body, dict) and record.body.get("fork") is True
    return fork and difference in ("$.parent: missing", "$.source: missing")


@pytest.mark.slow
def test_the_sandbox_answers_recorded_requests_like_github(sandbox) -> None:
    world = World(sandbox)
    records = load_all(_replay_dir())
    compared, problems = 0, []
    for record in records:
        if record.status == 304:
            continue  # a conditional GET with GitHub's own ETag: nothing comparable
        translation = _translate(world, record)
        assert translation is not None, f"no translation for {record.label}"
        method, path, body = translation
        answer = world.admin.call(method, path, body)
        compared += 1
        if answer.status_code != record.status:
            problems.append(f"{record.label}: sandbox answered {answer.status_code}: {answer.text[:200]}")
            continue
        if record.status == 302:
            location = answer.headers.get("Location", "")
            if not location.startswith(sandbox.base_url + "/"):
                problems.append(f"{record.label}: Location {location!r} is not on the sandbox's host")
            continue
        ours = answer.json() if answer.content else None
        problems += [f"{record.label}: {d}" for d in shape_differences(record.body, ours) if not _fork_only(record, d)]
    assert compared >= 40
    assert not problems, "\n".join(problems)
