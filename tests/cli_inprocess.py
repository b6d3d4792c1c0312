"""Run `brik-onboard ARGS` in this process, as a user's shell would run it: its own environment, a closed (or given)
stdin that is never a terminal, a working directory, and the exit code the console script would return.

Starting a child costs ~1.7 s of imports per call; in process it is paid once per test worker. A few tests keep a
real child process on purpose (the entry point, signals, no terminal): they pass `subprocess=True` to the helpers,
and BRIK_TEST_SUBPROCESS=1 sends every call through a child again.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path

from wizard.cli import main

_ONE_AT_A_TIME = threading.Lock()  # the environment, stdin and the working directory are the process's own


def force_subprocess() -> bool:
    return os.environ.get("BRIK_TEST_SUBPROCESS") == "1"


@contextlib.contextmanager
def _as_a_child(env: Mapping[str, str], stdin: str | None, cwd: Path | None) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin or ""), out, err
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def run_in_process(args: list[str], env: Mapping[str, str], stdin: str | None, cwd: Path | None) -> subprocess.CompletedProcess[str]:
    with _ONE_AT_A_TIME, _as_a_child(env, stdin, cwd) as (out, err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse's own exits: usage errors and --help
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - what the interpreter would print before exiting 1
            traceback.print_exc(file=err)
            code = 1
    return subprocess.CompletedProcess([sys.executable, "-m", "wizard", *args], code, out.getvalue(), err.getvalue())
