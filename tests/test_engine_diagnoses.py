"""Each way onboarding can fail, with its own message and exit code: the verdict's diagnoses (exit 1) from real
builds in the sandbox, and the preflight's missing scopes (exit 3) before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_helpers import (
    CACHE_REPO,
    IMAGE,
    Onboarding,
    clear_request_log,
    link_package,
    live_state,
    repo_state,
    request_log,
    writes,
)


def failed_with(result, code: str) -> str:
    """The one verdict reason starting with `code`; the run failed validation (exit 1) and said so once."""
    assert result.returncode == 1, result
    assert result.json["status"] == "validation-failed"
    verdict = result.json["verdict"]
    assert verdict["passed"] is False
    matching = [r for r in verdict["reasons"] if r.startswith(code + ":")]
    assert matching, verdict["reasons"]
    assert "verdict: FAIL" in result.stderr and matching[0] in result.stderr
    assert "Traceback" not in result.stderr
    return matching[0]


def test_cache_disabled_fails_validation(sandbox, tmp_path: Path) -> None:
    result = Onboarding(sandbox, tmp_path).apply("--deliver", "commit", "--no-cache")
    reason = failed_with(result, "cache-disabled")
    assert "--cache=true" in reason
    assert "cache_enabled: false" in (tmp_path / "brik-onboard.yml").read_text()


@pytest.mark.slow
def test_cache_upload_refused_when_the_cache_package_belongs_to_another_repo(sandbox, tmp_path: Path) -> None:
    link_package(sandbox, CACHE_REPO, "BrikByte-Studios/another-service")
    result = Onboarding(sandbox, tmp_path).apply("--deliver", "commit")
    reason = failed_with(result, "cache-upload-refused")
    assert CACHE_REPO in reason and "write the cache package" in reason
    assert not any(r.startswith("push-denied") for r in result.json["verdict"]["reasons"])


@pytest.mark.slow
def test_cache_read_refused_is_named_not_a_miss_thanks_to_the_debug_rerun(sandbox, tmp_path: Path) -> None:
    """The second attempt is a re-run with debug logging: Kaniko then logs the registry's refusal of each cache read."""
    link_package(sandbox, CACHE_REPO, "BrikByte-Studios/another-service")
    result = Onboarding(sandbox, tmp_path).apply("--deliver", "commit")
    reason = failed_with(result, "cache-read-refused")
    assert CACHE_REPO in reason and "DENIED" in reason and "read the cache package" in reason
    assert "misses-on-attempt-2" not in result.json["verdict"]["codes"]
    attempts = repo_state(live_state(sandbox))["runs"][0]["attempts"]
    assert [a["debug_logging"] for a in attempts] == [False, True]


def test_push_denied_when_the_image_package_belongs_to_another_repo(sandbox, tmp_path: Path) -> None:
    link_package(sandbox, IMAGE, "BrikByte-Studios/another-service")
    result = Onboarding(sandbox, tmp_path).apply("--deliver", "commit")
    reason = failed_with(result, "push-denied")
    assert "push rights" in reason or "push-permission" in reason
    assert repo_state(live_state(sandbox))["runs"][0]["conclusion"] == "failure"


@pytest.mark.parametrize(
    ("scopes", "flags", "missing"),
    [
        (["repo", "admin:org", "read:org"], ("--deliver", "pr"), "`workflow`"),
        (["repo", "admin:org", "read:org"], ("--deliver", "commit"), "`workflow`"),
        (["repo", "workflow"], ("--deliver", "commit", "--scope", "org"), "`admin:org`"),
        (["workflow", "admin:org"], ("--deliver", "commit"), "`repo`"),
    ],
)
def test_missing_scope_stops_in_preflight_before_any_write(sandbox, tmp_path: Path, scopes, flags, missing) -> None:
    token = sandbox.add_token(scopes, login="octo-admin")
    ob = Onboarding(sandbox, tmp_path, token=token)
    clear_request_log(sandbox)
    result = ob.apply(*flags)
    assert result.returncode == 3, result
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and missing in lines[0] and "nothing was written" in lines[0], result.stderr
    assert "hint: refresh the token" in result.stderr
    assert "Traceback" not in result.stderr
    assert writes(request_log(sandbox)) == []
    assert not ob.answers.exists(), "no answers file for a run that stopped in preflight"


def test_local_delivery_does_not_need_the_workflow_scope(sandbox, tmp_path: Path) -> None:
    """The `workflow` scope guards API writes under .github/workflows; a local write does not need it."""
    token = sandbox.add_token(["repo", "admin:org", "read:org"], login="octo-admin")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    result = Onboarding(sandbox, tmp_path / "run", token=token).apply("--deliver", "local", "--checkout", str(checkout))
    assert result.returncode == 0, result
    assert result.json["status"] == "paused"
