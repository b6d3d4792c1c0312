"""The fleet workflow's scripts (wizard/assets/workflows/brik-onboard-fleet.yml), read out of the YAML and run as the
runner runs them (`bash -eo pipefail FILE`, `python FILE`), so what is tested is what ships: the status step's exit
codes, and the job summaries written from `status --org --json` and from `fleet apply --json`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.engine_helpers import run_brik
from tests.fleet_helpers import seed_fleet, write_fleet
from tests.workflow_script import run_bash_step, step_script
from wizard.assets import fleet_workflow_path
from wizard.sandbox.seed import DEFAULT_ORG

WORKFLOW = fleet_workflow_path()


def run_python_step(job: str, step: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], str]:
    """GitHub's `shell: python` runs `python FILE`; returns the run and what it appended to the job summary."""
    script = cwd.parent / f"{cwd.name}-{job}-{step}.py"
    script.write_text(step_script(WORKFLOW, job, step), encoding="utf-8")
    summary = cwd.parent / f"{cwd.name}-summary.md"
    summary.write_text("")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "GITHUB_STEP_SUMMARY": str(summary), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return proc, summary.read_text(encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


def status_summary(workdir: Path, report: Any, code: str = "1") -> str:
    if report is not None:
        (workdir / "status.json").write_text(json.dumps(report))
    proc, summary = run_python_step("status", "summary", workdir, {"ORG": DEFAULT_ORG, "STATUS_CODE": code})
    assert proc.returncode == 0, proc.stderr
    return summary


def test_the_status_summary_is_a_table_of_the_repos_with_their_states_counted(workdir: Path) -> None:
    report = {
        "org": DEFAULT_ORG,
        "repos": [
            {"repo": f"{DEFAULT_ORG}/a", "state": "onboarded", "verdict": "PASS", "drifted": []},
            {"repo": f"{DEFAULT_ORG}/b", "state": "drifted", "drifted": ["tags", "target"], "verdict": None},
            {"repo": f"{DEFAULT_ORG}/c", "state": "missing", "note": "a | b <script>x</script>\nnext"},
        ],
    }
    lines = status_summary(workdir, report).splitlines()
    assert lines[0] == f"## brik-onboard status: {DEFAULT_ORG}"
    assert "**1** drifted, **1** missing, **1** onboarded" in lines
    assert "| repo | state | verdict | drifted | note |" in lines
    assert f"| {DEFAULT_ORG}/b | drifted |  | tags, target |  |" in lines
    # Text from repositories is data: no table break, no HTML, one line.
    assert f"| {DEFAULT_ORG}/c | missing |  |  | a \\| b &lt;script&gt;x&lt;/script&gt; next |" in lines


def test_the_status_summary_takes_a_bare_list_and_says_when_there_is_no_report(workdir: Path) -> None:
    summary = status_summary(workdir, [{"repo": "o/a", "status": "onboarded"}], code="0")
    assert "**1** onboarded" in summary and "| o/a | onboarded |" in summary
    (workdir / "status.json").unlink()
    assert "gave no report (exit 3): see the step's log." in status_summary(workdir, None, code="3")


@pytest.mark.parametrize(("code", "step_fails"), [(0, False), (1, False), (3, True)])
def test_the_status_step_goes_on_to_the_summary_unless_status_could_not_check(workdir: Path, code: int, step_fails: bool) -> None:
    bin_dir = workdir.parent / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "brik-onboard"  # stands in for `status --org` (its own tests are the command's)
    fake.write_text(f'#!/bin/sh\necho "$@" > args.txt\necho \'{{"repos": []}}\'\nexit {code}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    script = workdir.parent / "status.sh"
    script.write_text(step_script(WORKFLOW, "status", "status"), encoding="utf-8")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "ORG": DEFAULT_ORG, "GH_TOKEN": "unused"}
    ran = run_bash_step(script, workdir, env)
    assert ran.outputs == {"code": str(code)}
    assert (ran.returncode != 0) is step_fails
    assert (workdir / "args.txt").read_text().split() == ["status", "--org", DEFAULT_ORG, "--json"]
    assert json.loads((workdir / "status.json").read_text()) == {"repos": []}


@pytest.mark.slow
def test_the_apply_summary_counts_a_real_runs_outcomes_and_lists_the_others(sandbox, workdir: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = write_fleet(workdir / "fleet.yml", sandbox, [*names, "not-there"])
    result = run_brik("fleet", "apply", str(path), "--yes", "--json", "--validate", "none", env={"GH_TOKEN": sandbox.token})
    assert result.returncode == 3
    (workdir / "fleet.jsonl").write_text(result.stdout)
    proc, summary = run_python_step("apply", "summary", workdir, {})
    assert proc.returncode == 0, proc.stderr
    lines = summary.splitlines()
    assert lines[0] == "## brik-onboard fleet apply" and "**2** done, **1** refused" in lines
    refused = [line for line in lines if line.startswith(f"| {DEFAULT_ORG}/not-there | refused | ")]
    assert len(refused) == 1 and "not found" in refused[0]
    assert not any(f"{DEFAULT_ORG}/{name} |" in summary for name in names)  # done ones are counted, not listed

    # A run cut short (no totals line) says so, with what it had finished.
    cut = [line for line in result.stdout.splitlines() if json.loads(line)["event"] != "totals"]
    (workdir / "fleet.jsonl").write_text("\n".join(cut) + "\n")
    _, summary = run_python_step("apply", "summary", workdir, {})
    assert "The run stopped before its end (3 repositories finished)" in summary
