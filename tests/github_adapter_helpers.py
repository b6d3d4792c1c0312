"""Shared pieces of the GitHub adapter tests: fixtures over the sandbox and request-log helpers."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

import pytest

from wizard.core.clock import CLOCK
from wizard.engine.port import RunInfo
from wizard.github import connect

ORG = "BrikByte-Studios"
REPO = f"{ORG}/example-node-api"
HELLO_PATH = ".github/workflows/hello.yml"
HELLO = """name: hello
on:
  workflow_dispatch: {}
jobs:
  hello:
    runs-on: ubuntu-latest
    steps:
      - run: echo hello
"""
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ")


@pytest.fixture
def gh(sandbox, admin_token):
    # A short grace: these tests' resets are never applied later (test_github_adapter_faults.py has the late ones).
    adapter = connect(sandbox.base_url, admin_token, dispatch_settle_s=0.2, lost_answer_grace_s=0.3)
    yield adapter
    adapter.close()


@pytest.fixture
def hello(gh) -> int:
    """A dispatchable workflow on the default branch; its id."""
    gh.put_file(REPO, HELLO_PATH, HELLO, "add hello workflow", "main", None)
    workflow_id = gh.workflow_id(REPO, HELLO_PATH)
    assert workflow_id is not None
    return workflow_id


@pytest.fixture
def sleeps(virtual_time) -> list[float]:
    """Every wait the wizard asked its clock for (skipped: virtual time, see conftest.py), to see that the waits
    GitHub asked for were honoured without waiting them out."""
    return virtual_time.waits


def logged(sandbox, method: str, path_pattern: str) -> list[dict]:
    with sandbox.state.lock:
        entries = list(sandbox.state.requests)
    return [e for e in entries if e["method"] == method and re.search(path_pattern, e["path"])]


def wait_completed(gh, run_id: int) -> RunInfo:
    deadline = time.monotonic() + 60  # a guard against a hang, not an assertion on speed
    while (run := gh.get_run(REPO, run_id)).status != "completed":
        assert time.monotonic() < deadline, f"run {run_id} did not complete"
        CLOCK.sleep(0.05)  # virtual time under the sandbox fixture: the build moves on without waiting
    return run


def fake_token() -> str:
    return "ghp_" + secrets.token_hex(18)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def repo_state(sandbox, full_name: str = REPO) -> dict:
    return next(r for r in sandbox.snapshot()["repos"] if r["full_name"] == full_name)


def org_secret_state(sandbox, name: str) -> dict:
    org = next(o for o in sandbox.snapshot()["orgs"] if o["login"] == ORG)
    return next(s for s in org["secrets"] if s["name"] == name)
