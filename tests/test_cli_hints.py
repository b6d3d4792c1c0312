"""Hints fit their command: each error a command can give without GitHub is provoked, and every --flag its hint
names must be one that command (or the `brik-onboard ...` command the hint quotes) accepts.

The errors that need the sandbox are checked the same way in tests/test_engine_noninteractive.py.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from tests.engine_helpers import run_brik
from tests.hint_check import hint_of, misfits
from wizard import credentials

REPO = "BrikByte-Studios/example-node-api"
DEAD_API = "http://127.0.0.1:9"  # never reached: every error here comes before the first request


@pytest.fixture
def no_token_anywhere(monkeypatch: pytest.MonkeyPatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    monkeypatch.setattr(credentials.shutil, "which", lambda name: None)  # no `gh auth token` either
    yield
    keyring.set_keyring(previous)


# (the command's words, the arguments after them, what the error line says)
NO_TOKEN = [
    (["auth", "status"], ["--api-url", DEAD_API], "no GitHub token found"),
    (["status"], ["--repo", REPO, "--api-url", DEAD_API], "no GitHub token found"),
    (["apply"], ["--repo", REPO, "--api-url", DEAD_API, "--yes", "--deliver", "local"], "no GitHub token found"),
    (["validate"], ["--repo", REPO, "--api-url", DEAD_API, "--yes"], "no GitHub token found"),
    (["rotate"], ["--repo", REPO, "--api-url", DEAD_API, "--scope", "org", "--yes"], "no GitHub token found"),
]
NO_TERMINAL = [
    (["rotate"], ["--repo", REPO, "--api-url", DEAD_API, "--scope", "org"], "interactive session required: confirmation of the rotation"),
    (["auth", "login"], ["--api-url", DEAD_API], "interactive session required: no token given"),
    (["demo"], ["--plain"], "interactive session required"),
    (["demo"], [], "interactive session required"),
    ([], ["--repo", REPO], "interactive session required"),
    ([], ["--plain", "--repo", REPO], "interactive session required: the prompt mode's first question"),
]
INPUT = [
    (["plan"], ["--repo", REPO, "--service", "Bad Name", "--offline"], "Bad Name"),
    (["plan"], ["--offline"], "no repository given"),
    (["status"], [], "no repository given"),
    (["plan"], ["--repo", REPO, "--offline", "--tags", ""], "no tags given"),
    (["inspect-log"], ["nope.log"], "does not exist"),
    (["inspect-log"], ["npm.log"], "no Kaniko build found in npm.log"),
]


def provoke(command: list[str], args: list[str], cwd: Path) -> str:
    (cwd / "npm.log").write_text("> jest --ci\nTests: 3 passed\n")
    result = run_brik(*command, *args, cwd=cwd)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    return hint_of(result.stderr)


@pytest.mark.parametrize(("command", "args", "says"), NO_TOKEN, ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_no_token_hint_fits(command: list[str], args: list[str], says: str, tmp_path: Path, no_token_anywhere: None) -> None:
    shown = provoke(command, args, tmp_path)
    assert shown.startswith(f"error: {says}"), shown
    assert "--token-env" in shown and "--yes" not in shown and "answers file" not in shown
    assert misfits(command, shown) == []


@pytest.mark.parametrize(("command", "args", "says"), NO_TERMINAL + INPUT, ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_hint_names_only_flags_of_its_command(command: list[str], args: list[str], says: str, tmp_path: Path) -> None:
    shown = provoke(command, args, tmp_path)
    assert says in shown.splitlines()[0], shown
    assert "hint:" in shown
    assert misfits(command, shown) == []


def test_the_checker_sees_a_flag_that_does_not_fit() -> None:
    hint = "error: interactive session required: x has no answer\nhint: pass --yes / an answers file / the missing flag"
    assert misfits(["auth", "status"], hint) == ["--yes (for `brik-onboard auth status`)"]
    assert misfits(["demo"], "run `brik-onboard demo --headless`") == []
    assert misfits(["demo"], "run `brik-onboard apply --headless`") == ["--headless (for `brik-onboard apply`)"]
    assert misfits(["inspect-log"], "save it with `gh run view 1 --log`") == []
