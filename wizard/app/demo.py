"""The demo: the embedded GitHub sandbox in-process with the sample service repo, and sessions against it.

No token and no network: the sandbox makes its own admin token (and a registry PAT its registry accepts), and
answers/state live in a temporary folder so a demo never writes into the current directory. This module and
`sandbox serve` are the only places outside the tests that import the sandbox. The full-screen demo runs it in a
child process instead (SandboxProcess), started before the UI loads, so its start-up does not hold up the screen.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.app.options import AnswerSource, Connection
from wizard.errors import GitHubRefused, InputError, WizardError

if TYPE_CHECKING:
    from wizard.app.sessions import SessionFactory
    from wizard.engine.session import Options
    from wizard.sandbox import Sandbox

DEMO_REPO = "BrikByte-Studios/example-node-api"
DEMO_TIME_FACTOR = 0.05  # an 80 s first build takes 4 s: long enough to watch, short enough to wait for
DEMO_POLL_S = 0.1


@dataclass(frozen=True)
class SandboxAddress:
    """Where a sandbox in another process answers, its admin token, and a registry PAT its registry accepts."""

    base_url: str
    token: str = field(repr=False)
    registry_pat: str = field(repr=False)

    # The demo's stand-ins for a reviewer's merge and a `git push` of the checkout, as the in-process Sandbox
    # offers them (wizard/sandbox/server.py), here over the child's REST API with the admin token.
    def merge_pull(self, full_name: str, number: int) -> None:
        self._call("PUT", f"/repos/{full_name}/pulls/{number}/merge", {}, f"merge {full_name}#{number}")

    def commit_file(self, full_name: str, path: str, text: str) -> None:
        import base64

        url = f"/repos/{full_name}/contents/{path}"
        current = self._call("GET", url, None, f"read {path}", missing_ok=True)
        body = {"message": f"Add {path}", "content": base64.b64encode(text.encode()).decode()}
        if current is not None:
            body["sha"] = current["sha"]
        self._call("PUT", url, body, f"commit {path} to {full_name}")

    def _call(self, method: str, path: str, body: dict[str, Any] | None, what: str, *, missing_ok: bool = False) -> Any:
        import requests  # PyGithub's HTTP library, already installed with it

        headers = {"Authorization": f"token {self.token}", "Accept": "application/vnd.github+json"}
        answer = requests.request(method, self.base_url + path, json=body, headers=headers, timeout=30)
        if missing_ok and answer.status_code == 404:
            return None
        if answer.status_code not in (200, 201):
            raise GitHubRefused(f"the demo's sandbox refused to {what} (HTTP {answer.status_code})")
        return answer.json()


@dataclass
class DemoEnv:
    sandbox: Sandbox | SandboxAddress
    workdir: Path
    environ: dict[str, str]

    def source(self, **answers: Any) -> AnswerSource:
        """The answers a session on the sample repo starts from (the flags `apply` would take)."""
        given = {"repo": DEMO_REPO, "api_url": self.sandbox.base_url, "delivery": "commit", **answers}
        flags = {name: value for name, value in given.items() if value is not None}  # None: not given
        return AnswerSource(flags=flags, answers_file=self.workdir / "brik-onboard.yml", checkout=self.checkout())

    def checkout(self) -> Path:
        """The demo's local clone of the sample repo (its files, no git): where `--deliver local` writes."""
        from wizard import assets

        path = self.workdir / DEMO_REPO.split("/")[1]
        if not path.is_dir():
            shutil.copytree(assets.demo_repo_dir(), path)
        return path

    def factory(self, options: Options, *, environ: Mapping[str, str] | None = None, **answers: Any) -> SessionFactory:
        from wizard.app.sessions import session_factory

        # The demo's sandbox lives and dies with this process: no other run can reach it, so no lock (and no file).
        env = {**self.environ, **(environ or {})}
        if options.demo_merge is None and options.demo_push is None:
            # Nobody else can merge the demo's pull request or push its checkout: the engine offers to, clearly as
            # demo actions, so every delivery reaches the validation build.
            options = replace(options, demo_merge=self.sandbox.merge_pull, demo_push=self.sandbox.commit_file)
        return session_factory(self.source(**answers), Connection(), options, environ=env, run_lock=False)


def require_sandbox_extra() -> None:
    """The sandbox's own dependencies (Flask) come with the `sandbox` extra, which `make demo` installs: a plain
    `pip install brik-onboard` lacks them. One clear line (exit 2) instead of an import traceback."""
    import importlib.util

    if importlib.util.find_spec("flask") is None:
        raise InputError(
            "the embedded GitHub sandbox is not installed (its web server, Flask, is missing)",
            "pip install 'brik-onboard[sandbox]' (or run `make demo` in a clone)",
        )


def demo_registry_pat() -> str:
    """A fake classic PAT made at run time, for `demo_environment(registry_pat=...)` (shaped like the sandbox's own)."""
    import secrets

    return "ghp_" + secrets.token_hex(18)


@contextmanager
def demo_environment(time_factor: float = DEMO_TIME_FACTOR, *, registry_pat: bool | str = True) -> Iterator[DemoEnv]:
    """`registry_pat`: True, the sandbox also makes a registry PAT (write:packages) and hands it over in the
    environment, where the `pat` strategy reads it, so the demo walks that path with no real token; a string, the
    sandbox accepts that value as a registry PAT (typed when asked); False, neither."""
    from wizard.core.plan import PAT_SECRET, Plan, secret_env_var
    from wizard.sandbox import Sandbox

    with Sandbox(time_factor=time_factor) as sandbox, tempfile.TemporaryDirectory(prefix="brik-onboard-demo-") as tmp:
        environ = {"GH_TOKEN": sandbox.token}
        if isinstance(registry_pat, str):
            sandbox.state.add_token("octo-admin", ("write:packages",), value=registry_pat)
        elif registry_pat:
            environ[secret_env_var(Plan(), PAT_SECRET)] = sandbox.add_token(("write:packages",))
        yield DemoEnv(sandbox, Path(tmp), environ)


class SandboxProcess:
    """The demo's sandbox in a child process (wizard/sandbox/child.py). Started as soon as the demo knows it runs
    full screen: the child imports Flask and seeds its state on another core while this process loads the UI; an
    in-process sandbox would hold the GIL and delay the first usable screen by its whole start-up."""

    def __init__(self, time_factor: float, registry_pat: str | None = None) -> None:
        self._time_factor = time_factor
        self._registry_pat = registry_pat or demo_registry_pat()  # known before the child is up: the UI offers it
        self._process: subprocess.Popen[str] | None = None
        self._address: SandboxAddress | None = None  # the child says it once: kept for a second session (Ctrl+R)
        self.start()

    def start(self) -> None:
        command = [sys.executable, "-m", "wizard.sandbox.child", "--time-factor", repr(self._time_factor)]
        # Its own session: a signal meant for the terminal's foreground job is not its business; it ends when stdin closes.
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
        )
        assert self._process.stdin is not None
        # The registry PAT its registry is to accept: on the pipe, never in argv (which `ps` shows).
        self._process.stdin.write(self._registry_pat + "\n")
        self._process.stdin.flush()

    def address(self) -> SandboxAddress:
        """Wait for the child's URL and token (a call after a failed start starts a new child)."""
        if self._process is None or self._process.poll() is not None:
            self.stop()
            self.start()
        elif self._address is not None:
            return self._address  # the same child, still serving
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        try:
            found = json.loads(line)
            self._address = SandboxAddress(str(found["url"]), str(found["token"]), str(found["registry_pat"]))
            return self._address
        except (ValueError, KeyError, TypeError):
            self.stop()
            raise WizardError("the demo's sandbox did not start", "run `brik-onboard demo --headless` to see why") from None

    def stop(self) -> None:
        process, self._process, self._address = self._process, None, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the child's cue to stop serving
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()  # only the child this object started
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@contextmanager
def demo_process_environment(server: SandboxProcess) -> Iterator[DemoEnv]:
    """A DemoEnv on the child's sandbox: the admin token in the environment, answers in a temporary folder."""
    address = server.address()
    with tempfile.TemporaryDirectory(prefix="brik-onboard-demo-") as tmp:
        yield DemoEnv(address, Path(tmp), {"GH_TOKEN": address.token})
