"""`brik-onboard inspect-log` through the real entry point, on logs generated in Kaniko's formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.kaniko_samples import Build, Stage, Variant, write_log

RUNS = ("RUN apk add --no-cache tini", "COPY package.json package-lock.json ./", "RUN npm ci", "RUN npm run build")


def _logs(tmp_path: Path, second_plan: tuple[bool, ...], variant: Variant = Variant(ci_timestamps=True)) -> tuple[Path, Path]:
    build = Build(stages=[Stage(instructions=RUNS)])
    first, second = tmp_path / "attempt1.log", tmp_path / "attempt2.log"
    write_log(first, build.with_(plan=()), variant)
    write_log(second, build.with_(plan=second_plan, run_seconds=0.5), variant)
    return first, second


def test_two_logs_passing_verdict_json(tmp_path: Path) -> None:
    first, second = _logs(tmp_path, (True, True, True))
    res = run_cli("inspect-log", str(first), str(second), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert [set(log) >= {"path", "hits", "misses", "cache_pushes", "cache_upload_errors", "pushed", "fatal"} for log in out["logs"]] == [
        True,
        True,
    ]
    assert out["logs"][0]["misses"] == ["RUN apk add --no-cache tini"]
    assert out["logs"][1]["hits"] == ["RUN apk add --no-cache tini", "RUN npm ci", "RUN npm run build"]
    assert out["verdict"]["passed"] is True


def test_miss_on_attempt_two_fails_with_exit_1_and_names_the_instruction(tmp_path: Path) -> None:
    first, second = _logs(tmp_path, (True, False), Variant(fmt="json"))
    res = run_cli("inspect-log", str(first), str(second))
    assert res.returncode == 1
    assert "FAIL" in res.stdout and "RUN npm ci" in res.stdout


def test_one_log_has_no_verdict(tmp_path: Path) -> None:
    first, _ = _logs(tmp_path, ())
    res = run_cli("inspect-log", str(first), "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["verdict"] is None


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    res = run_cli("inspect-log", str(tmp_path / "nope.log"))
    assert res.returncode == 2 and "does not exist" in res.stderr and "Traceback" not in res.stderr


def test_a_file_with_no_kaniko_build_is_an_input_error(tmp_path: Path) -> None:
    other = tmp_path / "npm-test.log"
    other.write_text("2025-01-05T18:28:03.3534723Z > jest --ci\n2025-01-05T18:28:09.0000000Z Tests: 12 passed, 12 total\n")
    empty = tmp_path / "empty.log"
    empty.write_text("")
    for args in ([str(other)], [str(other), "--json"], [str(empty)]):
        res = run_cli("inspect-log", *args)
        assert res.returncode == 2, res
        assert res.stderr.splitlines()[0] == f"error: no Kaniko build found in {args[0]}" and res.stdout == ""
        assert "Traceback" not in res.stderr


def test_with_two_logs_each_one_without_a_build_is_named(tmp_path: Path) -> None:
    first, second = _logs(tmp_path, (True, True, True))
    other = tmp_path / "other.log"
    other.write_text("hello\n")
    res = run_cli("inspect-log", str(first), str(other))
    assert res.returncode == 2 and res.stderr.splitlines()[0] == f"error: no Kaniko build found in {other}"
    assert str(first) not in res.stderr
    another = tmp_path / "another.log"
    another.write_text("INFO[0000] starting the server on :8080\n")  # logrus, but not Kaniko
    res = run_cli("inspect-log", str(other), str(another))
    assert res.returncode == 2
    assert res.stderr.splitlines()[0] == f"error: no Kaniko build found in {other}; no Kaniko build found in {another}"
    res = run_cli("inspect-log", "-", str(second), stdin="not a build\n")
    assert res.returncode == 2 and res.stderr.splitlines()[0] == "error: no Kaniko build found in stdin"


def test_one_log_loads_no_other_command_code(tmp_path: Path) -> None:
    # inspect-log is timed against grep (bench/bench_inspect_log.py): its start-up is part of every run.
    first, _ = _logs(tmp_path, ())
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        f"assert main(['inspect-log', {str(first)!r}, '--json']) == 0\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('wizard.', 'github', 'textual', 'ruamel', 'yaml')))))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    loaded = set(res.stdout.strip().splitlines()[-1].split(","))
    assert "wizard.core.kaniko.log" in loaded
    unneeded = {"wizard.app.options", "wizard.core.kaniko.verdict", "wizard.engine", "wizard.github", "wizard.text", "wizard.tui"}
    assert not {m for m in loaded if m in unneeded or m.split(".")[0] != "wizard"}, sorted(loaded)
