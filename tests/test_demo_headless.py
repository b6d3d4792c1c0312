"""`brik-onboard demo --headless`: the smoke test of the whole product on the embedded sandbox."""

from __future__ import annotations

import re

import pytest

from tests.cli_helpers import run_cli


@pytest.mark.slow
def test_demo_headless_passes_and_shows_the_verdict_table() -> None:
    res = run_cli("demo", "--headless", "--time-factor", "0.01")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    for step in ("connect", "repository", "preflight", "image", "secrets", "workflow", "validate", "summary"):
        assert any(line.startswith(step) for line in lines), f"no line for step {step}"
    assert "verdict: PASS" in res.stdout
    # attempt 1 misses and pushes to cache, attempt 2 hits, for the RUN layers
    run_rows = [line for line in lines if line.strip().startswith("RUN ")]
    assert run_rows and all(re.search(r"(miss|built), pushed to cache\s+hit$", row) for row in run_rows), run_rows
    assert "leak audit: clean" in res.stdout
    saved = re.search(r"saved (\d+)s", res.stdout)
    assert saved and int(saved.group(1)) > 0
    # The demo's own admin token is made at run time and must never be printed.
    assert not re.search(r"gh[pousr]_[A-Za-z0-9]{20,}", res.stdout + res.stderr)


@pytest.mark.parametrize("args", [(), ("--plain",)])
def test_demo_without_a_terminal_says_so_before_starting_anything(args: tuple[str, ...]) -> None:
    res = run_cli("demo", *args)
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    assert "interactive session required" in res.stderr and "brik-onboard demo --headless" in res.stderr
    assert "--yes" not in res.stderr  # demo takes no --yes
    assert "sandbox:" not in res.stdout  # refused before the sandbox started
