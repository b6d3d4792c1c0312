"""`brik-onboard sandbox serve` starts you off: what it holds, a registry PAT its registry accepts, and `plan` and
`apply` commands that work when pasted as they are, from an empty directory."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.app_keys import app_jwt, shared_key_pair
from tests.sandbox_client import Client
from wizard.cli_help_docs import SANDBOX_SEED_DOC
from wizard.sandbox import Sandbox
from wizard.sandbox.workflows import parse_yaml

WORKTREE = Path(__file__).resolve().parents[1]


def _serve(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`brik-onboard sandbox serve ARGS` in a child; the lines it printed up to "Press Ctrl+C to stop."."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(WORKTREE), os.environ.get("PYTHONPATH"))))}
    process = subprocess.Popen([sys.executable, "-m", "wizard", "sandbox", "serve", *args], stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Press Ctrl+C"):
        line = process.stdout.readline()
        assert line, f"serve ended early: {lines}"
        lines.append(line.rstrip("\n"))
    return process, lines


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0


def _pasted(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a printed command as a shell would: leading NAME=value words go into the environment; `brik-onboard` is
    the console script beside this Python (or, not installed, this Python's `-m wizard` of the worktree)."""
    words = shlex.split(line)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GH_", "GITHUB_", "BRIK_"))}
    env["PYTHONPATH"] = str(WORKTREE)
    while re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0] == "brik-onboard"
    script = Path(sys.executable).with_name("brik-onboard")
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "wizard"]
    env["PATH"] = f"{script.parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([*program, *words[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_serve_prints_where_to_start_and_its_apply_command_onboards_the_repo_with_a_pat(tmp_path: Path) -> None:
    process, lines = _serve("--time-factor", "0.005")
    try:
        text = "\n".join(lines)
        assert "orgs: BrikByte-Studios (plan free)" in text
        assert "repos: BrikByte-Studios/example-node-api" in text
        base_url = lines[0].split(": ", 1)[1].strip()
        admin = lines[1].removeprefix("token: ").strip()
        pat = next(line for line in lines if line.startswith("registry PAT")).rsplit(": ", 1)[1]
        # The printed PAT is a classic one with write:packages only: what GHCR wants, and what the sandbox takes.
        assert Client(base_url, pat).get("/user", expect=200).headers["X-OAuth-Scopes"] == "write:packages"
        plan_line = next(line.strip() for line in lines if " plan --api-url " in line)
        apply_line = next(line.strip() for line in lines if " apply --api-url " in line)
        assert f"--api-url {base_url}" in apply_line and "--strategy pat" in apply_line and f"GH_TOKEN={admin}" in apply_line
        empty = tmp_path / "empty"
        empty.mkdir()
        planned = _pasted(plan_line, empty)
        assert planned.returncode == 0, planned.stdout + planned.stderr
        assert "create REGISTRY_PAT at org" in planned.stdout
        applied = _pasted(apply_line, empty)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "verdict: PASS" in applied.stdout
        assert pat not in applied.stdout + applied.stderr and admin not in applied.stdout + applied.stderr
        # Onboarded: the PAT is the org's secret, the caller passes it.
        state = Client(base_url, admin).get("/_sandbox/state", expect=200).json()
        org = next(o for o in state["orgs"] if o["login"] == "BrikByte-Studios")
        assert [s["name"] for s in org["secrets"]] == ["REGISTRY_PAT"]
        assert list(empty.iterdir()) == []  # the commit delivery wrote nothing in the current directory
    finally:
        _stop(process)


def test_the_seed_file_example_in_serve_help_is_a_working_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = SANDBOX_SEED_DOC  # the YAML shown under the "Seed file" heading
    seed = parse_yaml(block)
    assert set(seed) == {"orgs", "users", "repos", "fleet", "limits", "tokens", "packages", "apps"}
    private_key, public_key = shared_key_pair()
    (tmp_path / "app.pub.pem").write_text(public_key)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "README.md").write_text("svc\n")
    (tmp_path / "seed.yml").write_text(block)
    monkeypatch.setenv("CI_BOT_PAT", "ghp_" + os.urandom(18).hex())
    with Sandbox(seed_file=tmp_path / "seed.yml") as sandbox:
        assert set(sandbox.seeded_tokens) == {"alice", "bob", "my-app"}
        svc = Client(sandbox.base_url, sandbox.seeded_tokens["alice"])
        assert svc.get("/repos/acme/svc/contents/Dockerfile", expect=200).json()["name"] == "Dockerfile"
        assert svc.get("/repos/acme/svc/contents/README.md", expect=200).json()["name"] == "README.md"
        assert svc.get("/repos/acme/svc/topics", expect=200).json() == {"names": ["node"]}
        assert svc.get("/repos/acme/svc-200/contents/README.md", expect=200).json()["name"] == "README.md"
        assert svc.get("/orgs/acme/repos?per_page=1", expect=200).json()[0]["full_name"] == "acme/svc-200"  # newest first
        assert (sandbox.state.content_limit_per_minute, sandbox.state.concurrent_limit) == (80, 100)
        signed = app_jwt(private_key, sandbox.state.now().timestamp(), iss=12345)
        installation = requests.get(sandbox.base_url + "/orgs/acme/installation", headers={"Authorization": f"Bearer {signed}"}, timeout=30)
        assert installation.status_code == 200 and installation.json()["app_slug"] == "brik-onboard-fleet"


@pytest.mark.parametrize(
    ("seed", "said"),
    [(None, "No such file"), ("repos: [{name: x}]\n", "lacks the key 'full_name'"), ("orgs: [{login: a, plan: gold}]\n", "plan")],
)
@pytest.mark.slow
def test_a_bad_seed_file_is_one_clear_line_and_exit_2(tmp_path: Path, seed: str | None, said: str) -> None:
    path = tmp_path / "seed.yml"
    if seed is not None:
        path.write_text(seed)
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "sandbox", "serve", "--seed", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2, result
    assert result.stderr.startswith(f"error: the seed file {path}") and said in result.stderr.splitlines()[0]
    assert "Traceback" not in result.stderr


def test_serve_help_documents_the_seed_file() -> None:
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    result = subprocess.run([sys.executable, "-m", "wizard", "sandbox", "serve", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0
    assert "Seed file (--seed FILE" in result.stdout and "value_env" in result.stdout and "Examples:" in result.stdout
    assert "Exit codes:" in result.stdout


def test_serve_names_a_seeded_app_and_how_to_use_it_without_any_key(tmp_path: Path) -> None:
    private_key, public_key = shared_key_pair()
    (tmp_path / "app.pub.pem").write_text(public_key)
    seed = tmp_path / "seed.yml"
    seed.write_text(
        "apps: [{id: 12345, slug: brik-onboard-fleet, public_key_file: app.pub.pem, installations: [{org: BrikByte-Studios}]}]\n"
    )
    process, lines = _serve("--seed", str(seed))
    try:
        shown = "\n".join(lines)
        assert "GitHub App 12345 (brik-onboard-fleet), installed on BrikByte-Studios: --app-id 12345 --app-key" in shown
        assert "PRIVATE KEY" not in shown and "PUBLIC KEY" not in shown
    finally:
        _stop(process)
