"""The reusable workflow's build-secrets step (builder `container`): each KANIKO_SECRET_<n> is written to
/kaniko/<n-th id of build_secrets> with mode 0600, through shell builtins only.

The step's `run:` text is read out of the YAML and run with dash (a POSIX sh, like the debug image's busybox sh);
the commands it calls are wrapped to log their argv, so a value on any command line would show.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_reusable_workflow_script import DASH, needs_dash
from tests.workflow_script import ScriptRun, argv_logging_bin, step_script
from wizard.assets import reusable_workflow_path

WRAPPED = ("tr", "sed", "chmod", "mkdir", "cat")
NPMRC = "//npm.pkg.github.com/:_authToken={token}\n@brikbyte-studios:registry=https://npm.pkg.github.com\n"


@pytest.fixture
def bin_path(tmp_path: Path) -> tuple[str, Path]:
    """A PATH whose commands record their argv in a log before running the real one."""
    bin_dir, log = argv_logging_bin(tmp_path, WRAPPED)
    return f"{bin_dir}:{os.environ['PATH']}", log


def run_step(tmp_path: Path, path: str, ids: str, *values: str, job: str = "build", **extra: str) -> ScriptRun:
    script = tmp_path / "build_secrets.sh"
    script.write_text(step_script(reusable_workflow_path(), job, "build_secrets"), encoding="utf-8")
    kaniko = tmp_path / "kaniko"
    kaniko.mkdir(exist_ok=True)
    env = {"PATH": path, "BUILD_SECRET_IDS": ids, "SECRETS_DIR": str(kaniko) + "/"}
    env.update({f"KANIKO_SECRET_{n}": v for n, v in enumerate(values, start=1)})
    env.update(extra)
    assert DASH is not None
    proc = subprocess.run([DASH, "-e", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    return ScriptRun(proc.returncode, proc.stdout, proc.stderr, "")


@needs_dash
@pytest.mark.parametrize("job", ["build", "build_in_environment"])
def test_each_secret_is_written_to_its_file_mode_0600(tmp_path: Path, bin_path: tuple[str, Path], job: str) -> None:
    path, log = bin_path
    npmrc = NPMRC.format(token="npm_" + secrets.token_hex(18))
    gem = "gem-" + secrets.token_hex(12)
    run = run_step(tmp_path, path, " npmrc \r\n\ngemserver_credentials\n", npmrc, gem, job=job)
    assert run.returncode == 0, run.stderr
    kaniko = tmp_path / "kaniko"
    assert (kaniko / "npmrc").read_text() == npmrc  # both lines, the final newline kept: byte for byte
    assert (kaniko / "gemserver_credentials").read_text() == gem
    for name in ("npmrc", "gemserver_credentials"):
        assert oct((kaniko / name).stat().st_mode & 0o777) == "0o600"
    assert run.stdout.splitlines() == [
        f"Build secret npmrc written to {kaniko}/npmrc",
        f"Build secret gemserver_credentials written to {kaniko}/gemserver_credentials",
    ]
    argv = log.read_text()
    assert f"chmod 600 {kaniko}/npmrc" in argv  # the wrappers did see the commands
    for value in (npmrc, *npmrc.splitlines(), gem):
        assert value not in run.stdout + run.stderr
        assert value not in argv  # no command ever had it on its command line


@needs_dash
@pytest.mark.parametrize(
    ("ids", "values", "message"),
    [
        ("npmrc", (), "::error::build secret npmrc is empty: store the secret BUILD_SECRET_<ID> and pass it as KANIKO_SECRET_1."),
        ("../etc/passwd", ("v",), "::error::build secret id '../etc/passwd' is not a file name"),
        (".docker", ("v",), "::error::build secret id '.docker' is not a file name"),
        ("a b", ("v",), "::error::build secret id 'a b' is not a file name"),
        ("executor", ("v",), "already exists (the executor image's own file, or the id given twice)"),
        ("npmrc\nnpmrc", ("v", "w"), "::error::build secret npmrc: "),
        ("\n".join(f"s{n}" for n in range(11)), tuple("v" * 11), "more than 10 ids in build_secrets"),
    ],
    ids=["empty-value", "path", "hidden", "blank", "kaniko-file", "twice", "too-many"],
)
def test_refusals_name_the_id_never_a_value(
    tmp_path: Path, bin_path: tuple[str, Path], ids: str, values: tuple[str, ...], message: str
) -> None:
    (tmp_path / "kaniko").mkdir()
    executor = tmp_path / "kaniko" / "executor"
    executor.write_text("the executor\n")
    values = tuple(f"{v}-{secrets.token_hex(8)}" for v in values)
    run = run_step(tmp_path, bin_path[0], ids, *values)
    assert run.returncode != 0
    assert message in run.stderr
    assert executor.read_text() == "the executor\n"  # Kaniko's own file is never overwritten
    assert not (tmp_path / "etc").exists()
    for value in values:
        assert value not in run.stdout + run.stderr


@needs_dash
def test_a_slot_without_an_id_is_not_written_and_warned(tmp_path: Path, bin_path: tuple[str, Path]) -> None:
    stray = "stray-" + secrets.token_hex(8)
    run = run_step(tmp_path, bin_path[0], "npmrc", "first", KANIKO_SECRET_3=stray)
    assert run.returncode == 0, run.stderr
    assert "::warning::KANIKO_SECRET_3 is set but build_secrets names no id for it: not written." in run.stdout
    assert sorted(p.name for p in (tmp_path / "kaniko").iterdir()) == ["npmrc"]
    assert stray not in run.stdout + run.stderr
