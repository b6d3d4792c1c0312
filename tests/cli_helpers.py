"""Run the real `brik-onboard` entry point in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli_inprocess import force_subprocess, run_in_process


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None, subprocess_: bool = False
) -> subprocess.CompletedProcess[str]:
    """The CLI in this process (see cli_inprocess.py), or with `subprocess_` as a child process."""
    # The caller's own GitHub tokens never leak into a test; a test that wants one passes it in `env`.
    full_env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN") and not k.startswith("BRIK_SECRET_")}
    full_env.update(env or {})
    if not (subprocess_ or force_subprocess()):
        return run_in_process(list(args), full_env, stdin, cwd)
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,  # no terminal: a stray prompt fails, never hangs
        capture_output=True,
        text=True,
        timeout=120,
    )
