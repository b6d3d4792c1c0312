"""The reusable workflow passes GitHub's workflow schema and zizmor, both run offline from the venv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wizard.assets import reusable_workflow_path

WORKFLOW = reusable_workflow_path()
VENV_BIN = Path(sys.executable).parent
SEVERITY_RANK = {"Unknown": 0, "Informational": 1, "Low": 2, "Medium": 3, "High": 4}


def offline_prefix() -> list[str]:
    """Run in an empty network namespace where user namespaces allow it; dead proxies catch the rest."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False).returncode == 0:
        return [unshare, "-rn"]
    return []


def offline_env() -> dict[str, str]:
    dead = "http://127.0.0.1:9"
    return {**os.environ, "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead}


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    command = [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run([*offline_prefix(), *command], capture_output=True, text=True, env=offline_env(), check=False)


def test_schema_valid_offline() -> None:
    result = check_jsonschema(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "    runs-on: ${{ inputs.runs_on }}\n" in text
    broken.write_text(text.replace("    runs-on: ${{ inputs.runs_on }}\n", ""))
    assert check_jsonschema(broken).returncode != 0


def zizmor_findings(path: Path, persona: str) -> list[dict[str, Any]]:
    # --no-config / --no-ignores: nothing may be silenced by a config file or an inline ignore comment.
    command = [
        str(VENV_BIN / "zizmor"),
        "--offline",
        "--no-config",
        "--no-ignores",
        "--persona",
        persona,
        "--format",
        "json",
        str(path),
    ]
    result = subprocess.run([*offline_prefix(), *command], capture_output=True, text=True, env=offline_env(), check=False)
    # 0: clean; 10-14: findings, by highest severity. Anything else is zizmor itself failing.
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr
    return json.loads(result.stdout)


def above_low(findings: list[dict[str, Any]]) -> list[str]:
    return [
        f"{f['ident']} ({f['determinations']['severity']})"
        for f in findings
        if SEVERITY_RANK[f["determinations"]["severity"]] > SEVERITY_RANK["Low"]
    ]


@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_reports_nothing_above_low(persona: str) -> None:
    assert above_low(zizmor_findings(WORKFLOW, persona)) == []


def test_zizmor_harness_sees_real_findings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - uses: actions/checkout@v4\n      - run: echo "${{ github.event.issue.title }}"\n'
    )
    found = above_low(zizmor_findings(bad, "regular"))
    assert any(item.startswith("template-injection") for item in found)
    assert any(item.startswith("unpinned-uses") for item in found)
