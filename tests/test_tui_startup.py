"""Start-up of the full-screen wizard as a user meets it: on a real terminal (pexpect, 80x24), the first screen
answers keys while the session loads in workers, the connect step signs in, and Ctrl+Q ends everything, including
the demo's sandbox, which runs in a child process (wizard/app/demo.py SandboxProcess)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pexpect  # the test extra: a missing pexpect must fail here, not skip
import pytest

from tests.engine_helpers import child_env
from tests.tui_helpers import REPO_NAME, REPO_OWNER

ROOT = Path(__file__).resolve().parent.parent
F1 = "\x1bOP"
ESCAPE = "\x1b"
CTRL_Q = "\x11"


def spawn(args: list[str], env: dict[str, str], cwd: Path) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "wizard", *args], env=env, cwd=str(cwd), encoding="utf-8", dimensions=(24, 80), timeout=60)
    child.delaybeforesend = None
    return child


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def gone(pid: int, timeout: float = 10.0) -> bool:
    """The process has ended and was reaped by its parent (its /proc entry is gone)."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Nothing from the user's own config, keyring cache or locks: a fresh user in a fresh directory.
    return child_env(
        {"TERM": "xterm-256color", "BRIK_ONBOARD_CONFIG": str(tmp_path / "config.yml"), "XDG_CACHE_HOME": str(tmp_path), **extra}
    )


@pytest.mark.slow
def test_the_demo_answers_f1_while_connecting_signs_in_and_ctrl_q_ends_it_with_its_sandbox(tmp_path: Path) -> None:
    child = spawn(["demo", "--time-factor", "0.01"], user_env(tmp_path), tmp_path)
    try:
        child.expect_exact("Connect to GitHub")
        sandbox_pids = children_of(child.pid)
        assert len(sandbox_pids) == 1  # the sandbox's process, started before the first frame
        child.send(F1)  # the first screen takes keys while the session still loads
        child.expect_exact("Help: Connect to GitHub")
        child.send(ESCAPE)
        child.expect_exact("Signed in as")
        child.expect_exact("octo-admin")
        child.send(CTRL_Q)
        child.expect(pexpect.EOF, timeout=15)
    finally:
        child.close(force=True)
    assert gone(sandbox_pids[0])


@pytest.mark.slow
def test_ctrl_q_on_the_first_frame_ends_the_demo_and_its_sandbox_without_waiting_for_the_session(tmp_path: Path) -> None:
    child = spawn(["demo"], user_env(tmp_path), tmp_path)
    try:
        child.expect_exact("Connect to GitHub")
        sandbox_pids = children_of(child.pid)
        child.send(CTRL_Q)
        child.expect(pexpect.EOF, timeout=15)
        shown = child.before or ""
    finally:
        child.close(force=True)
    assert "Traceback" not in shown
    assert child.exitstatus not in (0, None)  # stopped before connecting: nothing was done
    assert sandbox_pids and all(gone(pid) for pid in sandbox_pids)


@pytest.mark.slow
def test_the_wizard_signs_in_against_a_running_server_with_the_token_from_the_environment(sandbox, tmp_path: Path) -> None:
    env = user_env(tmp_path, GH_TOKEN=sandbox.token)
    child = spawn(["--repo", f"{REPO_OWNER}/{REPO_NAME}", "--api-url", sandbox.base_url], env, tmp_path)
    try:
        child.expect_exact("Connect to GitHub")
        child.expect_exact("Signed in as")
        child.expect_exact("octo-admin")
        child.send(CTRL_Q)
        child.expect(pexpect.EOF, timeout=15)
        shown = (child.before or "") + (child.after if isinstance(child.after, str) else "")
    finally:
        child.close(force=True)
    assert sandbox.token not in shown


@pytest.mark.slow
def test_the_sandbox_process_hands_over_an_address_that_answers_and_stops_when_its_stdin_closes() -> None:
    from wizard.app.demo import SandboxProcess
    from wizard.github import connect

    server = SandboxProcess(0.01)
    try:
        process = server._process
        assert process is not None
        address = server.address()
        assert connect(address.base_url, address.token).whoami().login == "octo-admin"
        pat = connect(address.base_url, address.registry_pat).whoami()
        assert pat.login == "octo-admin" and pat.scopes is not None and "write:packages" in pat.scopes
    finally:
        server.stop()
    assert process.returncode == 0  # it ended on its own once stdin closed, not killed


@pytest.mark.slow
def test_the_sandbox_process_accepts_the_registry_pat_its_parent_made_and_does_the_demo_actions() -> None:
    import secrets

    from wizard.app.demo import SandboxProcess
    from wizard.errors import GitHubRefused
    from wizard.github import connect

    pat = "ghp_" + secrets.token_hex(18)  # made here, before the child exists, as the demo's UI offers it
    server = SandboxProcess(0.01, pat)
    try:
        address = server.address()
        assert address.registry_pat == pat
        assert server.address() is address  # a second session (Ctrl+R) gets it again instead of waiting for a line
        assert pat not in repr(address) and address.token not in repr(address)
        assert "write:packages" in (connect(address.base_url, pat).whoami().scopes or ())
        gh = connect(address.base_url, address.token)
        repo = "BrikByte-Studios/example-node-api"
        address.commit_file(repo, "docs/demo.txt", "first\n")
        address.commit_file(repo, "docs/demo.txt", "second\n")  # an update: the current file's sha is sent
        found = gh.get_file(repo, "docs/demo.txt")
        assert found is not None and found.text == "second\n"
        base = gh.branch_sha(repo, "main")
        assert base is not None
        gh.create_branch(repo, "demo-branch", base)
        gh.put_file(repo, "docs/pr.txt", "pr\n", "add pr file", "demo-branch", None)
        pull = gh.create_pull(repo, "demo-branch", "main", "demo", "")
        address.merge_pull(repo, pull.number)
        assert gh.get_pull(repo, pull.number).merged
        with pytest.raises(GitHubRefused, match="refused to merge"):
            address.merge_pull(repo, pull.number)  # merged already: the sandbox says so, as GitHub would (405)
    finally:
        server.stop()


@pytest.mark.slow
def test_the_sandbox_process_starts_again_when_the_first_one_died() -> None:
    from wizard.app.demo import SandboxProcess

    server = SandboxProcess(0.01)
    try:
        first = server._process
        assert first is not None
        first.kill()  # only the child this test's object started
        first.wait()
        address = server.address()  # a new child
        assert server._process is not first and address.base_url.startswith("http://127.0.0.1:")
    finally:
        server.stop()


def test_a_sandbox_child_that_cannot_start_is_one_clear_error() -> None:
    from wizard.app.demo import SandboxProcess
    from wizard.errors import WizardError

    server = SandboxProcess("not-a-number")  # type: ignore[arg-type]  # the child refuses its arguments and ends
    try:
        with pytest.raises(WizardError, match="the demo's sandbox did not start"):
            server.address()
    finally:
        server.stop()


@pytest.mark.slow
def test_pygithub_loads_without_jwt_and_cryptography_and_jwt_still_works_when_used() -> None:
    probe = (
        "import json, sys\n"
        "import wizard.github, github\n"
        "before = [m for m in ('jwt.api_jwt', 'cryptography') if m in sys.modules]\n"
        "import github.Auth\n"
        "token = github.Auth.jwt.encode({'iss': 'x'}, 'key', algorithm='HS256')\n"
        "import jwt\n"
        "print(json.dumps({'before': before, 'decoded': jwt.decode(token, 'key', algorithms=['HS256'])}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {"before": [], "decoded": {"iss": "x"}}


def test_a_session_does_not_parse_the_bundled_reusable_workflow(tmp_path: Path) -> None:
    from wizard.app.options import AnswerSource
    from wizard.app.sources import plan_context

    source = AnswerSource(flags={"repo": f"{REPO_OWNER}/{REPO_NAME}"})
    assert plan_context(source, tmp_path, with_interface=False).interface is None  # the preflight reads the real one
    assert plan_context(source, tmp_path).interface is not None  # `plan` still reads the bundled one
