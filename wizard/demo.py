"""The demo: the embedded GitHub sandbox in-process with the sample service repo, and a session against it.

No token and no network: the sandbox makes its own admin token, and answers/state live in a temporary
folder so a demo never writes into the current directory.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEMO_REPO = "BrikByte-Studios/example-node-api"
DEMO_TIME_FACTOR = 0.05  # an 80 s first build takes 4 s: long enough to watch, short enough to wait for


@dataclass
class DemoEnv:
    sandbox: object  # wizard.sandbox.Sandbox
    workdir: Path
    environ: dict[str, str]

    def args(self, **overrides: object) -> argparse.Namespace:
        """Command-line answers for a session on the sample repo (the flags `apply` would take)."""
        values: dict[str, object] = dict.fromkeys(
            (
                "org",
                "registry",
                "reusable_workflow",
                "service",
                "tags",
                "cache_repo",
                "no_cache",
                "target",
                "dockerfile",
                "context",
                "strategy",
                "scope",
                "visibility",
                "environment",
                "workflow_path",
                "pin_sha",
                "checkout",
                "workflow_file",
                "token_env",
                "state",
                "log",
            ),
        )
        values.update(
            repo=DEMO_REPO,
            api_url=self.sandbox.base_url,  # type: ignore[attr-defined]
            answers=str(self.workdir / "brik-onboard.yml"),
            deliver="commit",
        )
        values.update(overrides)
        return argparse.Namespace(**values)


@contextmanager
def demo_environment(time_factor: float = DEMO_TIME_FACTOR) -> Iterator[DemoEnv]:
    from wizard.sandbox import Sandbox

    with Sandbox(time_factor=time_factor) as sandbox, tempfile.TemporaryDirectory(prefix="brik-onboard-demo-") as tmp:
        yield DemoEnv(sandbox, Path(tmp), {"GH_TOKEN": sandbox.token})
