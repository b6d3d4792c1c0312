"""`brik-onboard plan` with a token reads GitHub's current state (what exists, what would change) and writes
nothing; `--offline` does not contact GitHub at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine_helpers import REPO, Onboarding, clear_request_log, request_log, run_brik, writes


def plan(sandbox, *flags: str, env: dict[str, str] | None = None):
    return run_brik("plan", "--repo", REPO, "--api-url", sandbox.base_url, *flags, env={"GH_TOKEN": sandbox.token, **(env or {})})


def actions(report: dict) -> dict[str, str]:
    return {f"{c['kind']} {c['target']}": c["action"] for c in report["live"]}


def test_plan_before_onboarding_lists_what_would_be_created(sandbox) -> None:
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    clear_request_log(sandbox)
    done = plan(sandbox, "--json", "--deliver", "commit", "--strategy", "pat", env={"BRIK_SECRET_REGISTRY_PAT": pat})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["offline"] is False and report["api_url"] == sandbox.base_url
    assert actions(report) == {
        "variable org:REGISTRY_URL": "create",
        "secret org:REGISTRY_PAT": "create",
        "workflow .github/workflows/build-image.yml": "create",
        "answers .github/brik-onboard.yml": "create",
        "build validation": "unchanged",  # nothing to build until the caller is on the default branch
    }
    log = request_log(sandbox)
    assert log and writes(log) == [], "plan reads GitHub and writes nothing"
    assert pat not in done.stdout + done.stderr


@pytest.mark.slow
def test_plan_after_onboarding_lists_what_exists(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path)
    assert ob.apply("--deliver", "commit").returncode == 0
    clear_request_log(sandbox)
    done = plan(sandbox, "--answers", str(ob.answers))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"on GitHub ({sandbox.base_url}):" in out
    assert "[secrets] keep variable REGISTRY_URL=ghcr.io at org" in out
    assert "[workflow] .github/workflows/build-image.yml already up to date" in out
    assert "[validate] already validated in run " in out
    assert writes(request_log(sandbox)) == []

    # A changed answer: the live plan shows the diff against the caller on GitHub.
    changed = plan(sandbox, "--answers", str(ob.answers), "--tags", "sha-${{ github.sha }},latest", "--json")
    assert changed.returncode == 0, changed.stderr
    report = json.loads(changed.stdout)
    assert actions(report)["workflow .github/workflows/build-image.yml"] == "update"
    assert report["workflow_change"] == "update" and "latest" in report["diff"]
    assert writes(request_log(sandbox)) == []


def test_offline_plan_does_not_contact_github(sandbox) -> None:
    clear_request_log(sandbox)
    done = plan(sandbox, "--offline", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["offline"] is True and "live" not in report
    assert request_log(sandbox) == []
