"""`brik-onboard plan` end to end through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
ISSUE_TAGS = "v0.1.0, sha-${{ github.sha }}"


def test_issue_example_json() -> None:
    res = run_cli("plan", "--repo", "BrikByte-Studios/Example-Node-API", "--tags", ISSUE_TAGS, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["image"] == "ghcr.io/brikbyte-studios/example-node-api"
    assert out["cache_repo"] == "ghcr.io/brikbyte-studios/example-node-api-cache"
    assert out["destinations"] == [
        "ghcr.io/brikbyte-studios/example-node-api:v0.1.0",
        "ghcr.io/brikbyte-studios/example-node-api:sha-${{ github.sha }}",
    ]
    assert out["workflow_path"] == ".github/workflows/build-image.yml"
    assert out["diff"] is None
    assert out["secrets"] == []  # GITHUB_TOKEN: nothing stored
    assert out["variables"] == [{"name": "REGISTRY_URL", "scope": "org", "value": "ghcr.io"}]
    assert "registry: ${{ vars.REGISTRY_URL || 'ghcr.io' }}" in out["workflow"]
    assert "image_name: ghcr.io/brikbyte-studios/example-node-api" in out["workflow"]
    assert any("lower" in n.lower() for n in out["notices"])


def test_pat_strategy_in_an_environment_names_its_secrets() -> None:
    res = run_cli("plan", "--repo", "o/svc", "--strategy", "pat", "--scope", "environment", "--environment", "production", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"name": "REGISTRY_PAT", "scope": "environment:production"} in out["secrets"]
    assert "environment: production" in out["workflow"]
    # Passed by name: the called job sees the environment's REGISTRY_PAT only for a name its caller passes.
    assert "      REGISTRY_PAT: ${{ secrets.REGISTRY_PAT }}\n" in out["workflow"]
    # The caller job runs in no environment: REGISTRY_URL lives where its `with:` can read it.
    assert out["variables"] == [{"name": "REGISTRY_URL", "scope": "repository", "value": "ghcr.io"}]


def test_human_output_lists_every_change(tmp_path: Path) -> None:
    res = run_cli("plan", "--repo", "BrikByte-Studios/example-node-api", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for fragment in ("ghcr.io/brikbyte-studios/example-node-api", "-cache", "REGISTRY_URL", "build-image.yml (create)"):
        assert fragment in res.stdout
    assert list(tmp_path.iterdir()) == [], "plan must write nothing"


def test_dockerfile_preflight_from_the_checkout() -> None:
    checkout = REPO / "wizard" / "assets" / "demo" / "example-node-api"
    res = run_cli("plan", "--repo", "BrikByte-Studios/example-node-api", "--checkout", str(checkout), "--json")
    assert res.returncode == 0, res.stderr
    df = json.loads(res.stdout)["dockerfile"]
    assert df["found"] and df["targets"]
    assert df["credential_args"] == []


def test_credential_arg_flagged_with_the_kaniko_fix(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nARG NPM_TOKEN\nRUN echo hi\n")
    res = run_cli("plan", "--repo", "o/svc", "--checkout", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert "NPM_TOKEN" in res.stdout and "/kaniko/" in res.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--service", "Foo Bar"], "Foo Bar"),
        (["--tags", "v1, not ok"], "not ok"),
        (["--workflow-file", "/nonexistent/build-image.yml"], "does not exist"),
        (["--strategy", "pat", "--scope", "environment"], "needs an environment name"),
        (["--cache-repo", "GHCR.io/Org/Cache"], "GHCR.io/Org/Cache"),
    ],
)
def test_bad_input_one_message_exit_2(args: list[str], fragment: str) -> None:
    res = run_cli("plan", "--repo", "o/svc", *args)
    assert res.returncode == 2
    assert fragment in res.stderr
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("error: ")
    assert res.stdout == ""


def test_malformed_workflow_file_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "build-image.yml"
    bad.write_text("jobs:\n  build: [unclosed\n")
    res = run_cli("plan", "--repo", "o/svc", "--workflow-file", str(bad))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "error: " in res.stderr
    assert bad.read_text() == "jobs:\n  build: [unclosed\n"


def test_edited_caller_diff_touches_only_what_the_plan_needs(tmp_path: Path) -> None:
    first = run_cli("plan", "--repo", "o/svc", "--json")
    caller = json.loads(first.stdout)["workflow"]
    edited = "# owned by team svc\n" + caller.replace("jobs:\n", "concurrency: build-${{ github.ref }}\njobs:\n")
    path = tmp_path / "build-image.yml"
    path.write_text(edited)
    same = run_cli("plan", "--repo", "o/svc", "--workflow-file", str(path), "--json")
    assert json.loads(same.stdout)["diff"] == "", "unchanged plan on an edited caller: no diff"
    changed = run_cli("plan", "--repo", "o/svc", "--workflow-file", str(path), "--target", "production", "--json")
    diff = json.loads(changed.stdout)["diff"]
    changes = [l for l in diff.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    assert changes and all("target" in l for l in changes), diff
    assert path.read_text() == edited, "plan must not write the caller"


def test_answers_file_then_flags_win(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("repo: o/svc\ntags: [v1]\nservice: from-file\n")
    res = run_cli("plan", "--answers", str(answers), "--service", "from-flag", "--json")
    out = json.loads(res.stdout)
    assert out["image"] == "ghcr.io/brikbyte-studios/from-flag"
    assert out["destinations"] == ["ghcr.io/brikbyte-studios/from-flag:v1"]


def test_repo_defaults_to_origin_remote(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:BrikByte-Studios/Billing-API.git"], check=True)
    res = run_cli("plan", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["image"] == "ghcr.io/brikbyte-studios/billing-api"


def test_no_repo_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    res = run_cli("plan", cwd=tmp_path)
    assert res.returncode == 2 and "--repo OWNER/NAME" in res.stderr


def test_help_imports_neither_pygithub_nor_textual() -> None:
    code = (
        "import sys\n"
        "from wizard.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('github', 'textual', 'ruamel', 'nacl', 'questionary', 'keyring'))\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "usage: brik-onboard" in res.stdout
    assert res.stdout.strip().splitlines()[-1] == "HEAVY="
