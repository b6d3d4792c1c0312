"""Starting and stopping the sandbox: a context manager for tests and the demo, `serve` for the CLI."""

from __future__ import annotations

import base64
import contextlib
import email.utils
import io
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from wizard.errors import GitHubRefused
from wizard.sandbox.app import UNLOGGED, create_app
from wizard.sandbox.faults import Faults
from wizard.sandbox.kaniko import Registry
from wizard.sandbox.seed import SeedResult, apply_default, apply_seed, packages_of, read_seed
from wizard.sandbox.state import DEFAULT_SCOPES, SandboxState


class _RequestHandler(WSGIRequestHandler):
    """Werkzeug's handler plus the faults that must act below HTTP (a connection reset)."""

    def run_wsgi(self) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        rule = None
        if not path.startswith(UNLOGGED):  # the control area itself is never faulted
            # Sandbox.start sets sandbox_* on the server; socketserver's BaseServer type does not declare them
            rule = self.server.sandbox_faults.take(self.command, path)  # type: ignore[attr-defined]
        if rule is not None and rule.reset:
            if rule.delay:
                time.sleep(rule.delay)
            if rule.apply_after is not None:
                self._apply_later(rule.apply_after)
            self._reset(path)
            return
        self._fault = rule
        super().run_wsgi()

    def _apply_later(self, seconds: float) -> None:
        """Read the whole request now and carry it out `seconds` later, as GitHub does when it is slow to apply."""
        environ = super().make_environ()
        length = int(self.headers.get("Content-Length") or 0)
        environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
        environ["sandbox.fault"] = None
        app = self.server.app

        def ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            return lambda data: None  # nobody is listening: the client's connection was reset

        def carry_out() -> None:
            for _ in app(environ, ignore_start):
                pass

        timer = threading.Timer(seconds, carry_out)
        timer.daemon = True
        timer.start()

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["sandbox.fault"] = getattr(self, "_fault", None)
        return environ

    def _reset(self, path: str) -> None:
        """Close the socket with SO_LINGER 0: the kernel sends RST, the client sees a reset connection."""
        state: SandboxState = self.server.sandbox_state  # type: ignore[attr-defined]  # set by Sandbox.start
        with state.lock:
            state.requests.append({"method": self.command, "path": path, "query": "", "status": 0, "fault": "reset"})
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(self.connection.detach())

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header on the sandbox's clock, which pushed_at is also read from: a client may compare the two
        (wizard/engine/status_memory.py), as it may on GitHub."""
        if timestamp is None:
            timestamp = self.server.sandbox_state.seconds()  # type: ignore[attr-defined]  # set by Sandbox.start
        return email.utils.formatdate(timestamp, usegmt=True)

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        if not getattr(self.server, "sandbox_quiet", True):
            super().log_request(*args, **kwargs)


class Sandbox:
    """The embedded GitHub: `with Sandbox(time_factor=0.01) as sb: Github(base_url=sb.base_url, ...)`."""

    def __init__(
        self,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        token: str | None = None,
        scopes: list[str] | tuple[str, ...] | None = None,
        seed_file: Path | None = None,
        time_factor: float = 1.0,
        quiet: bool = True,
        plan: str = "free",
        ghes: str | None = None,
    ) -> None:
        """plan: the GitHub plan of the default org and of seeded orgs that name none (free, team, enterprise)."""
        seed = read_seed(Path(seed_file)) if seed_file else {}
        self.state = SandboxState(time_factor=time_factor, registry=Registry(packages_of(seed)))
        self.state.ghes_version = ghes
        self.token = apply_default(self.state, token, scopes, plan)
        self.state.control_token = self.token
        self.seeded_tokens = apply_seed(self.state, seed, Path(seed_file).parent, plan) if seed_file else {}
        self.faults = Faults()
        self.app = create_app(self.state, self.faults, hosts=(host,))
        self._host, self._port, self._quiet = host, port or 0, quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def seed(self) -> SeedResult:
        return SeedResult(self.token, dict(self.seeded_tokens))

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        return f"http://{self._host}:{self._server.server_port}"

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        server = make_server(self._host, self._port, self.app, threaded=True, request_handler=_RequestHandler)
        # make_server is typed as BaseWSGIServer: sandbox_* are ours (for _RequestHandler), daemon_threads is ThreadingMixIn's
        server.sandbox_faults = self.faults  # type: ignore[attr-defined]
        server.sandbox_state = self.state  # type: ignore[attr-defined]
        server.sandbox_quiet = self._quiet  # type: ignore[attr-defined]
        server.daemon_threads = True  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="github-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        server = self._server
        stopping = threading.Thread(target=server.shutdown, name="github-sandbox-stop")
        stopping.start()
        # shutdown() waits for the serving loop to look at its flag: a connection wakes it at once (the loop stops
        # before accepting it), where a short poll interval would cost a wake-up every few milliseconds.
        with contextlib.suppress(OSError):
            socket.create_connection((self._host, server.server_port), timeout=1).close()
        stopping.join()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add_token(
        self,
        scopes: list[str] | tuple[str, ...] = DEFAULT_SCOPES,
        *,
        login: str = "octo-admin",
        fine_grained: bool = False,
        permissions: dict[str, str] | None = None,
    ) -> str:
        """A new token for `login` with these scopes, or fine-grained with these permissions (made at run time)."""
        return self.state.add_token(login, tuple(scopes), fine_grained=fine_grained or permissions is not None, permissions=permissions)

    def add_installation_token(self, permissions: dict[str, str] | None = None) -> str:
        """A new App installation token (`ghs_`), by default with the permissions of a sensibly configured App."""
        return self.state.add_installation_token(permissions)

    def add_app(
        self, app_id: int, public_key: str, *, slug: str = "brik-onboard-fleet", orgs: tuple[str, ...] = ("BrikByte-Studios",)
    ) -> None:
        """A GitHub App (its PEM public key) installed on `orgs` with the permissions of a sensibly configured App."""
        app = self.state.add_app(app_id, slug, public_key)
        for org in orgs:
            self.state.install_app(app, org)

    def merge_pull(self, full_name: str, number: int) -> None:
        """Merge a pull request as the admin token's user, through the sandbox's own REST route (in-process, no
        socket): the demo's stand-in for a reviewer. GitHubRefused when the sandbox refuses (as GitHub would)."""
        headers = {"Authorization": f"token {self.token}", "Accept": "application/vnd.github+json"}
        client = self.app.test_client()
        answer = client.put(f"/repos/{full_name}/pulls/{number}/merge", json={}, headers=headers, base_url=self.base_url)
        if answer.status_code != 200:
            raise GitHubRefused(f"the demo's sandbox refused to merge {full_name}#{number} (HTTP {answer.status_code})")

    def commit_file(self, full_name: str, path: str, text: str) -> None:
        """Commit one file to the default branch as the admin token's user, through the sandbox's contents route:
        the demo's stand-in for a `git push` of its checkout. GitHubRefused when the sandbox refuses."""
        headers = {"Authorization": f"token {self.token}", "Accept": "application/vnd.github+json"}
        client = self.app.test_client()
        url = f"/repos/{full_name}/contents/{path}"
        current = client.get(url, headers=headers, base_url=self.base_url)
        body = {"message": f"Add {path}", "content": base64.b64encode(text.encode()).decode()}
        if current.status_code == 200:
            body["sha"] = current.get_json()["sha"]
        answer = client.put(url, json=body, headers=headers, base_url=self.base_url)
        if answer.status_code not in (200, 201):
            raise GitHubRefused(f"the demo's sandbox refused to commit {path} to {full_name} (HTTP {answer.status_code})")

    def snapshot(self) -> dict[str, Any]:
        from wizard.sandbox.routes_sandbox import snapshot

        return snapshot(self.state)


def serve(
    port: int | None,
    token: str | None,
    scopes: list[str] | None,
    seed_file: Path | None,
    time_factor: float,
    out: TextIO = sys.stdout,
    plan: str = "free",
    ghes: str | None = None,
    greeting: Callable[[Sandbox], list[str]] | None = None,
) -> None:
    """`brik-onboard sandbox serve`: print the API base URL and the token (then `greeting`'s lines, once it is
    serving), serve until interrupted."""
    sandbox = Sandbox(
        port=port, token=token, scopes=scopes, seed_file=seed_file, time_factor=time_factor, quiet=False, plan=plan, ghes=ghes
    )
    sandbox.start()
    server = f" (as GitHub Enterprise Server {ghes})" if ghes else ""
    print(f"GitHub sandbox API: {sandbox.base_url}{server}", file=out)
    print(f"token: {sandbox.token}", file=out)
    for login, value in sandbox.seeded_tokens.items():
        print(f"token for {login}: {value}", file=out)
    for app in sandbox.state.apps.values():  # its private key is the seed's author's: never read here
        orgs = ", ".join(i.account.login for i in app.installations.values()) or "no organisation"
        print(f"GitHub App {app.id} ({app.slug}), installed on {orgs}: --app-id {app.id} --app-key <its private key>", file=out)
    for line in greeting(sandbox) if greeting is not None else ():
        print(line, file=out)
    try:  # the line that invites Ctrl+C is inside: a Ctrl+C right after it still stops cleanly
        print("Press Ctrl+C to stop.", file=out, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
