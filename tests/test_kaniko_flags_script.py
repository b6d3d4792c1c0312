"""The reusable workflow's `kaniko_flags` step (its allow-list of Kaniko flags) run on sample inputs, with bash
and with dash (the POSIX sh GitHub's `shell: sh` runs on Ubuntu; the debug image's busybox sh is one too), and
held to the same answers as wizard/core/kaniko_flags.py, which the wizard and the sandbox use."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.workflow_script import ScriptRun, step_script
from wizard.assets import reusable_workflow_path
from wizard.core.kaniko_flags import ALLOWED, RECOMMENDED, check_kaniko_args
from wizard.errors import InputError

SHELLS = [name for name in ("bash", "dash") if shutil.which(name)]


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("flags") / "kaniko_flags.sh"
    path.write_text(step_script(reusable_workflow_path(), "build", "kaniko_flags"), encoding="utf-8")
    return path


def run_step(script: Path, shell: str, kaniko_args: str, target: str = "") -> ScriptRun:
    output = script.parent / f"out-{secrets.token_hex(4)}"
    output.write_text("")
    proc = subprocess.run(  # `sh -e {0}` is GitHub's command for `shell: sh`
        [shutil.which(shell) or shell, "-e", str(script)],
        cwd=script.parent,
        env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "KANIKO_ARGS": kaniko_args, "TARGET": target},
        capture_output=True,
        text=True,
        check=False,
    )
    return ScriptRun(proc.returncode, proc.stdout, proc.stderr, output.read_text())


def test_both_jobs_run_the_same_check() -> None:
    path = reusable_workflow_path()
    assert step_script(path, "build", "kaniko_flags") == step_script(path, "build_in_environment", "kaniko_flags")


@pytest.mark.parametrize("shell", SHELLS)
def test_the_recommended_flags_pass_in_order(script: Path, shell: str) -> None:
    lines = "\n".join(r.flag for r in RECOMMENDED)
    run = run_step(script, shell, f"{lines}\r\n\n")
    assert run.returncode == 0, run.stderr
    assert run.outputs["args"].split("\n") == [r.flag for r in RECOMMENDED]
    assert check_kaniko_args([lines]) == tuple(r.flag for r in RECOMMENDED)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_target_adds_skip_unused_stages(script: Path, shell: str) -> None:
    with_target = run_step(script, shell, "--use-new-run", target=" test\n")
    assert with_target.outputs["args"].split("\n") == ["--skip-unused-stages", "--use-new-run"]
    assert run_step(script, shell, "", target="production").outputs["args"] == "--skip-unused-stages"
    assert run_step(script, shell, "").outputs["args"] == ""  # no target, no flags: nothing is added


GOOD = [
    "--snapshot-mode=time",
    "--cache-ttl=1h30m",
    "--push-retry=3",
    "--compression=zstd",
    "--compression-level=-1",
    "--reproducible=true",
]


@pytest.mark.parametrize("shell", SHELLS)
def test_commas_and_blanks_separate_flags_too(script: Path, shell: str) -> None:
    run = run_step(script, shell, " , ".join(GOOD[:3]) + "\t" + " ".join(GOOD[3:]))
    assert run.returncode == 0, run.stderr
    assert run.outputs["args"].split("\n") == GOOD


REFUSED = [
    "--destination=evil.example/x:1",
    "--cache-repo=ghcr.io/other/cache",
    "--build-arg=A=1",
    "--registry-mirror=mirror.gcr.io",
    "--insecure",
    "--snapshot-mode=fast",
    "--cache-ttl",
    "--cache-ttl=forever",
    "--push-retry=100",
    "--compression-level=23",
    "--use-new-run=yes",
    "rm",
    "-v=debug",
    "--Snapshot-Mode=redo",
    "--skip-tls-verify",
]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("flag", REFUSED)
def test_a_flag_outside_the_allow_list_is_refused_as_the_wizard_refuses_it(script: Path, shell: str, flag: str) -> None:
    run = run_step(script, shell, f"--use-new-run\n{flag}")
    assert run.returncode != 0
    assert run.output_text == ""  # nothing reaches the executor
    with pytest.raises(InputError) as refused:
        check_kaniko_args(["--use-new-run", flag])
    assert f"::error::{refused.value.message}\n" == run.stderr
    assert refused.value.message.startswith("kaniko_args flag 2 ")


def credentials() -> list[str]:
    return [
        "--cache-ttl=ghp_" + secrets.token_hex(18),
        "--label=" + "github_pat_" + secrets.token_hex(20),
        "--label=org.example.token=" + secrets.token_hex(8),
        "--registry-map=index.docker.io=user:" + secrets.token_hex(6) + "@mirror.example",
        "--password=" + secrets.token_hex(8),
    ]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_flag_carrying_a_credential_is_refused_without_echoing_it(script: Path, shell: str) -> None:
    for line in credentials():
        run = run_step(script, shell, line)
        assert run.returncode != 0
        assert "::error::kaniko_args flag 1 looks like it carries a credential" in run.stderr
        value = line.split("=", 1)[1]
        for part in (value, value[-12:]):
            assert part not in run.stdout + run.stderr + run.output_text
        with pytest.raises(InputError) as refused:
            check_kaniko_args([line])
        assert value[-12:] not in str(refused.value.message) + str(refused.value.hint)
        assert f"::error::{refused.value.message}\n" == run.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_too_many_flags(script: Path, shell: str) -> None:
    run = run_step(script, shell, "\n".join(["--use-new-run"] * 33))
    assert run.returncode != 0 and "::error::more than 32 Kaniko flags" in run.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_every_allowed_flag_passes_with_a_value_of_its_grammar(script: Path, shell: str) -> None:
    samples = {"full|redo|time": "redo", "true|false": "false", "gzip|zstd": "gzip", "-1|[0-9]|1[0-9]|2[0-2]": "22"}
    lines = [f"{flag}={samples.get(grammar, '24h' if 'ns' in grammar else '5')}" for flag, (grammar, _) in ALLOWED.items()]
    run = run_step(script, shell, "\n".join(lines))
    assert run.returncode == 0, run.stderr
    assert run.outputs["args"].split("\n") == lines == list(check_kaniko_args(lines))


def test_a_glob_stays_a_word(script: Path, tmp_path: Path) -> None:
    (script.parent / "--use-new-run").write_text("")  # a file a glob could expand to
    run = run_step(script, SHELLS[0], "--use-*")
    assert run.returncode != 0  # expanded, it would have passed as --use-new-run
    assert run.stderr == "::error::kaniko_args flag 1 is not a --flag or --flag=value\n"


# Blanks the shell step does not split on (only space, tab, newline, CR and comma separate there): the wizard must
# refuse what the workflow refuses, not render a flag the build then fails on.
ODD_BLANKS = [
    "--use-new-run\x0b",
    "--use-new-run\x0c--destination=x",
    "--use-new-run\xa0",
    "--use-new-run\u2028--push-retry=3",
    "--use-new-run=true\x0b",
    "--cache-ttl=24h\x1c",
    "--use-new-run\x85",
]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", ODD_BLANKS)
def test_only_the_shells_separators_split_flags(script: Path, shell: str, line: str) -> None:
    run = run_step(script, shell, line)
    assert run.returncode != 0 and run.output_text == ""
    with pytest.raises(InputError) as refused:
        check_kaniko_args([line])
    assert f"::error::{refused.value.message}\n" == run.stderr
