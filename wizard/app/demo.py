"""The demo: the embedded GitHub sandbox in-process with the sample service repo, and sessions against it.

No token and no network: the sandbox makes its own admin token (and a registry PAT its registry accepts), and
answers/state live in a temporary folder so a demo never writes into the current directory. This module and
`sandbox serve` are the only places outside the tests that import the sandbox.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.app.options import AnswerSource, Connection

if TYPE_CHECKING:
    from wizard.app.sessions import SessionFactory
    from wizard.engine.session import Options
    from wizard.sandbox import Sandbox

DEMO_REPO = "BrikByte-Studios/example-node-api"
DEMO_TIME_FACTOR = 0.05  # an 80 s first build takes 4 s: long enough to watch, short enough to wait for
DEMO_POLL_S = 0.1


@dataclass
class DemoEnv:
    sandbox: Sandbox
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
