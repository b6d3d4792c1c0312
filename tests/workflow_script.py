"""Pull a step's `run:` script out of a workflow file and run it as the runner would.

Tests execute exactly the text that ships, with `bash --noprofile --norc -eo pipefail <file>`
(GitHub's command for `shell: bash`), and read back what it wrote to $GITHUB_OUTPUT.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def load_workflow(path: Path) -> Any:
    """The workflow as ruamel.yaml's round-trip mapping (keys keep their order)."""
    return _parse(path.read_text(encoding="utf-8"))


def _parse(text: str) -> Any:
    return YAML(typ="rt").load(text)


# One parse per text and worker (about 70 ms each) for step_script, which only reads it; load_workflow's callers get
# their own.
_parsed = functools.lru_cache(maxsize=16)(_parse)


def find_step(workflow: Any, job_id: str, step_id: str) -> Any:
    """The step whose `id:` is `step_id` in job `job_id`; KeyError if there is none."""
    for step in workflow["jobs"][job_id]["steps"]:
        if step.get("id") == step_id:
            return step
    raise KeyError(f"no step with id {step_id!r} in job {job_id!r}")


def step_script(path: Path, job_id: str, step_id: str) -> str:
    """The literal text of that step's `run:` (what the runner hands to its shell)."""
    return str(find_step(_parsed(path.read_text(encoding="utf-8")), job_id, step_id)["run"])


def parse_github_output(text: str) -> dict[str, str]:
    """Read `key<<DELIM` ... `DELIM` records and plain `key=value` lines, as the runner does."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line:
            key, delim = line.split("<<", 1)
            end = lines.index(delim, i)  # ValueError: an unterminated record, as the runner would reject
            outputs[key] = "\n".join(lines[i:end])
            i = end + 1
        else:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


@dataclass(frozen=True)
class ScriptRun:
    returncode: int
    stdout: str
    stderr: str
    output_text: str  # the raw $GITHUB_OUTPUT file

    @property
    def outputs(self) -> dict[str, str]:
        return parse_github_output(self.output_text)


def run_bash_step(script_file: Path, cwd: Path, env: dict[str, str]) -> ScriptRun:
    """Run the script with only PATH, a fresh $GITHUB_OUTPUT and `env` in its environment."""
    output_file = cwd.parent / f"{cwd.name}.github_output"
    output_file.write_text("")
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output_file), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return ScriptRun(proc.returncode, proc.stdout, proc.stderr, output_file.read_text())


def argv_logging_bin(tmp_path: Path, names: tuple[str, ...]) -> tuple[Path, Path]:
    """A bin directory whose commands `names` record their argv (one line each) in a log before running the real
    one: (the directory, the log). A test reads the log to see that no value reached a command line."""
    bin_dir, log = tmp_path / "bin", tmp_path / "argv.log"
    bin_dir.mkdir()
    for name in names:
        real = shutil.which(name)
        assert real is not None, name
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "{name} $*" >> "{log}"\nexec {real} "$@"\n')
        wrapper.chmod(0o755)
    return bin_dir, log
