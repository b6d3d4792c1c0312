"""No terminal and an unanswered question: exit 2 with "interactive session required", never a hang.

Every run here has stdin closed (or a pipe) and a timeout: a hang fails the test instead of blocking it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_helpers import Onboarding, clear_request_log, request_log, run_brik, writes
from tests.hint_check import hint_of, misfits

QUICK_S = 30  # far more than these runs need; a prompt waiting on a closed stdin would trip it


def assert_interactive_required(result, missing: str, hint: str, *, says: str = "interactive session required:") -> None:
    """One error line saying what is missing, and a hint that names only flags `apply` takes."""
    assert result.returncode == 2, result
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {says}") and missing in errors[0], errors[0]
    assert f"hint: {hint}" in result.stderr
    assert misfits(["apply"], hint_of(result.stderr)) == []
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_pat_strategy_without_a_value(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path, subprocess_=True)  # no terminal: a real child, stdin closed
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", "--strategy", "pat", timeout=QUICK_S)
    assert_interactive_required(
        result, "the value of secret REGISTRY_PAT", "set BRIK_SECRET_REGISTRY_PAT, or pass --secrets-from-stdin with a REGISTRY_PAT=value"
    )
    assert writes(request_log(sandbox)) == []


@pytest.mark.slow
def test_stdin_without_the_needed_secret(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path, subprocess_=True)  # no terminal: a real child, stdin closed
    result = ob.apply(
        "--deliver", "commit", "--strategy", "pat", "--secrets-from-stdin", stdin="REGISTRY_USERNAME=ci-bot\n", timeout=QUICK_S
    )
    assert_interactive_required(result, "the value of secret REGISTRY_PAT", "set BRIK_SECRET_REGISTRY_PAT, or pass --secrets-from-stdin")


@pytest.mark.slow
def test_no_yes_and_no_terminal_to_confirm(sandbox, tmp_path: Path) -> None:
    ob = Onboarding(sandbox, tmp_path, subprocess_=True)  # no terminal: a real child, stdin closed
    clear_request_log(sandbox)
    result = ob.apply("--deliver", "commit", yes=False, timeout=QUICK_S)
    assert_interactive_required(result, "confirmation of the secrets step's changes", "pass --yes to apply them without asking")
    assert writes(request_log(sandbox)) == []


@pytest.mark.slow
def test_no_token_anywhere(sandbox, tmp_path: Path) -> None:
    result = run_brik(
        "apply",
        "--repo",
        "BrikByte-Studios/example-node-api",
        "--api-url",
        sandbox.base_url,
        "--yes",
        "--answers",
        str(tmp_path / "answers.yml"),
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PATH": "/nonexistent"},
        subprocess_=True,  # the keyring backend is chosen once per process
        timeout=QUICK_S,
    )
    assert_interactive_required(
        result, "for 127.0.0.1", "set GH_TOKEN, pass --token-env VAR, or run `brik-onboard auth login`", says="no GitHub token found"
    )
    assert request_log(sandbox) == []
