"""Helpers for the engine tests: run `brik-onboard` in a subprocess against the embedded sandbox, and read back
what the sandbox holds (secrets only as sha256), what it was asked (its request log) and whether anything leaked.

The sandbox runs in the test process (a thread); the CLI runs as a user would run it, in a child process with
stdin closed (never a terminal), so a question without an answer must fail fast instead of hanging.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets as pysecrets
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from tests.cli_inprocess import force_subprocess, run_in_process
from wizard.core.leaks import find_leaks

ORG = "BrikByte-Studios"
REPO = "BrikByte-Studios/example-node-api"
IMAGE = "ghcr.io/brikbyte-studios/example-node-api"
CACHE_REPO = IMAGE + "-cache"
WORKFLOW_PATH = ".github/workflows/build-image.yml"
SETUP_BRANCH = "brik-onboard/setup"
WRITE_METHODS = frozenset({"PUT", "POST", "PATCH", "DELETE"})
CLI_TIMEOUT_S = 60


def fake_token(prefix: str = "ghp_") -> str:
    """A token-shaped value made at run time (never a literal in the source)."""
    return prefix + pysecrets.token_hex(18)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The parent's environment without any token or secret of its own, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN") and not k.startswith("BRIK_SECRET_")}
    env.update(extra or {})
    return env


def run_brik(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: float = CLI_TIMEOUT_S,
    subprocess_: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`brik-onboard ARGS` with stdin closed (or fed `stdin`): never a terminal, never a hang. In this process
    (see cli_inprocess.py) unless `subprocess_`: then `python -m wizard ARGS` in a child."""
    if not (subprocess_ or force_subprocess()):
        return run_in_process(list(args), child_env(env), stdin, cwd)
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=cwd,
        env=child_env(env),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"


@dataclass
class Onboarding:
    """One user's onboarding of the sample repo: the sandbox, a working folder, the admin token, the secrets."""

    sandbox: Any
    workdir: Path
    token: str = ""
    secret_env: dict[str, str] = field(default_factory=dict)  # BRIK_SECRET_* values for the child
    subprocess_: bool = False  # a real child process (entry point, no terminal), not the CLI in this process

    def __post_init__(self) -> None:
        self.token = self.token or self.sandbox.token
        self.workdir.mkdir(parents=True, exist_ok=True)

    @property
    def answers(self) -> Path:
        return self.workdir / "brik-onboard.yml"

    @property
    def state_file(self) -> Path:
        return self.workdir / "brik-onboard.state.json"

    @property
    def log(self) -> Path:
        return self.workdir / "engine.log"

    def common(self) -> list[str]:
        return ["--api-url", self.sandbox.base_url, "--poll-interval", "0.2", "--log", str(self.log), "--answers", str(self.answers)]

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"GH_TOKEN": self.token, **self.secret_env, **(extra or {})}

    def apply(
        self,
        *extra: str,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
        repo: bool = True,
        yes: bool = True,
        as_json: bool = True,
        timeout: float = CLI_TIMEOUT_S,
    ) -> Result:
        args = ["apply", *(["--repo", REPO] if repo else []), *self.common()]
        args += (["--yes"] if yes else []) + (["--json"] if as_json else []) + list(extra)
        return self._run(args, env, stdin, timeout)

    def validate(self, *extra: str, env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT_S) -> Result:
        args = ["validate", "--repo", REPO, *self.common(), "--yes", "--json", *extra]
        return self._run(args, env, None, timeout)

    def _run(self, args: list[str], env: dict[str, str] | None, stdin: str | None, timeout: float) -> Result:
        done = run_brik(*args, env=self.env(env), stdin=stdin, timeout=timeout, subprocess_=self.subprocess_)
        return Result(done.returncode, done.stdout, done.stderr)


# -- what the sandbox holds and was asked ----------------------------------------------------------------------
def api(sandbox: Any, method: str, path: str, *, token: str | None = None, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"token {token or sandbox.token}", "Accept": "application/vnd.github+json"}
    return requests.request(method, sandbox.base_url + path, headers=headers, json=body, timeout=30)


def request_log(sandbox: Any) -> list[dict[str, Any]]:
    """Every API request the sandbox answered, in order (the /_sandbox area's own calls are not logged)."""
    return requests.get(sandbox.base_url + "/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()


def clear_request_log(sandbox: Any) -> None:
    requests.delete(
        sandbox.base_url + "/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30
    ).raise_for_status()


def writes(log: list[dict[str, Any]]) -> list[str]:
    """The writes of a request log as 'METHOD path' lines."""
    return [f"{r['method']} {r['path']}" for r in log if r["method"] in WRITE_METHODS and not r["path"].startswith("/_sandbox")]


def count(log: list[dict[str, Any]], method: str, path_suffix: str) -> int:
    """How many such requests GitHub carried out (answered 2xx; refused, faulted and reset ones left out)."""
    return sum(1 for r in log if r["method"] == method and r["path"].endswith(path_suffix) and 200 <= r["status"] < 300)


def live_state(sandbox: Any) -> dict[str, Any]:
    return requests.get(sandbox.base_url + "/_sandbox/state", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()


def repo_state(state: dict[str, Any], full_name: str = REPO) -> dict[str, Any]:
    return next(r for r in state["repos"] if r["full_name"].lower() == full_name.lower())


def org_secrets(state: dict[str, Any], org: str = ORG) -> dict[str, dict[str, Any]]:
    found = next(o for o in state["orgs"] if o["login"].lower() == org.lower())
    return {s["name"]: s for s in found["secrets"]}


def org_variables(state: dict[str, Any], org: str = ORG) -> dict[str, dict[str, Any]]:
    found = next(o for o in state["orgs"] if o["login"].lower() == org.lower())
    return {v["name"]: v for v in found["variables"]}


def env_secrets(state: dict[str, Any], environment: str, full_name: str = REPO) -> dict[str, dict[str, Any]]:
    env = next(e for e in repo_state(state, full_name)["environments"] if e["name"] == environment)
    return {s["name"]: s for s in env["secrets"]}


def file_on(sandbox: Any, path: str, ref: str = "main", full_name: str = REPO) -> str | None:
    reply = api(sandbox, "GET", f"/repos/{full_name}/contents/{path}?ref={urllib.parse.quote(ref, safe='')}")
    if reply.status_code == 404:
        return None
    reply.raise_for_status()
    return base64.b64decode(reply.json()["content"]).decode()


def put_file(sandbox: Any, path: str, text: str, branch: str = "main", full_name: str = REPO) -> None:
    """Commit a file through the contents API, as `git push` of that one file would."""
    current = api(sandbox, "GET", f"/repos/{full_name}/contents/{path}?ref={branch}")
    body: dict[str, Any] = {"message": "add the caller workflow", "branch": branch, "content": base64.b64encode(text.encode()).decode()}
    if current.status_code == 200:
        body["sha"] = current.json()["sha"]
    api(sandbox, "PUT", f"/repos/{full_name}/contents/{path}", body=body).raise_for_status()


def merge_pull(sandbox: Any, number: int, full_name: str = REPO) -> None:
    """A reviewer merges the pull request through the REST API, with a token of their own."""
    reviewer = sandbox.add_token(["repo"], login="a-reviewer")
    reply = api(sandbox, "PUT", f"/repos/{full_name}/pulls/{number}/merge", token=reviewer, body={"merge_method": "merge"})
    assert reply.status_code == 200, reply.text


def link_package(sandbox: Any, image_ref: str, other_repo: str) -> None:
    """Make `image_ref` an existing GHCR package linked to another repository: this repo's GITHUB_TOKEN is refused."""
    from wizard.sandbox.kaniko.registry import RegistryCredential

    owner_token = RegistryCredential("github-token", other_repo)
    sandbox.state.registry.push(image_ref, "seed", "sha256:" + "0" * 64, by=owner_token)


def add_repo(sandbox: Any, name: str) -> int:
    """Another repository in the org (for a `selected` secret's list); returns its id."""
    return sandbox.state.add_repo(ORG, name, {"README.md": b"other\n"}).id


# -- leaks -----------------------------------------------------------------------------------------------------
def encodings(value: str) -> list[str]:
    """The forms a secret must not appear in: as is, base64 (both alphabets), URL-encoded."""
    b64 = base64.b64encode(value.encode()).decode()
    return [
        value,
        b64,
        b64.rstrip("="),
        base64.urlsafe_b64encode(value.encode()).decode().rstrip("="),
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value, safe=""),
    ]


def leaks_in(texts: dict[str, str], values: list[str]) -> list[str]:
    """Where any value appears in any text: core.leaks's audit and an independent plain search, together."""
    found: list[str] = []
    for where, text in texts.items():
        for leak in find_leaks(text, values):
            found.append(f"{where}: {leak.describe()}")
        for index, value in enumerate(values):
            for form in encodings(value):
                if form and form in text:
                    found.append(f"{where}: secret #{index + 1} appears (plain search)")
    return found


def texts_of(result: Result, *paths: Path) -> dict[str, str]:
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in paths:
        if path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    return texts
