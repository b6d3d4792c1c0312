"""A fleet run's live progress and its faces outside Textual: the runner's typed events (each repository's state
changes, the budget, the time the writes still need), `--json` one line per repository event, plain lines with no
terminal, and a rich progress bar on one (wizard/commands/fleet_progress.py, fleet_rich.py)."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from tests.engine_helpers import child_env, request_log, run_brik
from tests.fleet_helpers import fleet_parts, seed_fleet, write_fleet
from wizard.commands.fleet_progress import JsonFace, LineFace
from wizard.commands.fleet_rich import RichFace
from wizard.core.pacing import MARGIN_S, WINDOW_S, Pacer
from wizard.engine.fleet import (
    FleetProgress,
    RepoFinished,
    RepoQueued,
    RepoStarted,
    RepoStepDone,
    RepoStepStarted,
)
from wizard.engine.fleet_tally import FleetTally
from wizard.sandbox.seed import DEFAULT_ORG

pytestmark = pytest.mark.slow
REPO_LINE_KEYS = {"event", "repo", "outcome", "message", "writes", "verdict"}  # what `--json` has always printed


def full(name: str) -> str:
    return f"{DEFAULT_ORG}/{name}"


def test_the_runner_tells_each_repos_states_in_order_and_the_budget(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 4)
    parts = fleet_parts(sandbox, write_fleet(tmp_path / "fleet.yml", sandbox, names), concurrency=2)
    events: list[object] = []
    result = parts.start(events.append).run()
    assert result.outcomes() == {"done": 4}

    for name in names:
        mine = [e for e in events if getattr(e, "repo", None) == full(name)]
        kinds = [type(e) for e in mine]
        assert kinds[0] is RepoQueued and kinds[1] is RepoStarted and kinds[-1] is RepoFinished, kinds
        started = [e.step for e in mine if isinstance(e, RepoStepStarted)]
        done = [e.step for e in mine if isinstance(e, RepoStepDone)]
        assert started[0] == "connect" and started[-1] == "summary" and done == started  # every step started is done
    # Every repository is queued before any starts: a face can draw the whole table first.
    first_start = next(i for i, e in enumerate(events) if isinstance(e, RepoStarted))
    assert sum(isinstance(e, RepoQueued) for e in events[:first_start]) == 4

    progress = [e for e in events if isinstance(e, FleetProgress)]
    assert progress[0].queued == 4 and progress[0].remaining_writes is None  # nothing to estimate from yet
    assert all(p.writes_per_minute == 80 and p.writes_last_minute <= 80 for p in progress)
    sent = [p.writes for p in progress]
    assert sent == sorted(sent) and sent[-1] == parts.pacer.stats.writes > 0  # every write of the run, as it went
    last = progress[-1]
    assert (last.finished, last.remaining, last.ok, last.failed) == (4, 0, 4, 0)
    assert last.remaining_writes == 0 and last.eta_s == 0
    estimated = [p for p in progress if p.remaining_writes is not None and p.remaining]
    assert estimated and all(p.eta_s == 0 for p in estimated)  # a handful of writes fit this minute's budget


@pytest.mark.frozen_time  # the writes of one instant leave the window together
def test_the_estimate_is_the_mean_writes_of_the_finished_and_the_time_is_the_budgets() -> None:
    pacer = Pacer(10)
    tally = FleetTally([f"o/r{i}" for i in range(10)], pacer, to_go=10)
    for repo in ("o/r0", "o/r1"):
        tally.started(repo)
        for _ in range(6):
            pacer.before_write()
        tally.finished(repo, "done", 6)
    p = tally.progress()
    # The 11th write waited for the budget's window to pass: two writes are in the window now.
    assert (p.finished, p.queued, p.writes, p.writes_last_minute) == (2, 8, 12, 2)
    assert p.remaining_writes == 6 * 10 - 12
    # 8 of the 48 fit this window; the other 40 go at 10 a minute (each minute with the pacer's margin).
    assert p.eta_s == pytest.approx(40 / 10 * (WINDOW_S + MARGIN_S))
    tally.finished("o/r2", "failed", 0)  # a failure is no sample of what a repository needs
    assert tally.progress().remaining_writes == 6 * 10 - 12


def test_a_rate_limit_pause_reaches_the_progress_and_the_json_lines(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = write_fleet(tmp_path / "fleet.yml", sandbox, names)
    # GitHub's secondary limit answers one content write with 403 and Retry-After: every worker waits.
    sandbox.faults.add("PUT", r"/contents/\.github/workflows/", count=1, status=403, retry_after=30)
    result = run_brik(
        "fleet", "apply", str(path), "--yes", "--json", "--validate", "none", "--concurrency", "1", env={"GH_TOKEN": sandbox.token}
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    paused = [e for e in lines if e["event"] == "paused"]
    assert len(paused) == 1 and 0 < paused[0]["seconds"] <= 30 and paused[0]["writes_per_minute"] == 80
    assert lines[-1]["event"] == "totals" and lines[-1]["rate_limit_pauses"] == 1


def test_json_has_a_line_for_every_repo_event_and_keeps_the_outcome_lines(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 3)
    path = write_fleet(tmp_path / "fleet.yml", sandbox, [*names, "not-there"])
    result = run_brik("fleet", "apply", str(path), "--yes", "--json", "--validate", "none", env={"GH_TOKEN": sandbox.token})
    assert result.returncode == 3, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["event"] == "totals" and lines[-1]["outcomes"] == {"done": 3, "refused": 1}
    for name in [*names, "not-there"]:
        mine = [e for e in lines if e.get("repo") == full(name)]
        kinds = [e["event"] if e["event"] != "step" else f"step-{e['phase']}" for e in mine]
        assert kinds[:3] == ["queued", "started", "step-started"] and kinds[-1] == "repo", kinds
        assert set(mine[-1]) == REPO_LINE_KEYS  # the outcome line as before: scripts that read it keep working
    done = [e for e in lines if e["event"] == "step" and e["phase"] == "done" and e["repo"] == full(names[0])]
    assert {e["step"] for e in done} >= {"connect", "workflow", "summary"} and all(e["message"] for e in done)
    assert sandbox.token not in result.stdout + result.stderr


def test_without_a_terminal_each_event_is_one_plain_line(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = write_fleet(tmp_path / "fleet.yml", sandbox, names)
    args = ("fleet", "apply", str(path), "--yes", "--validate", "none", "--concurrency", "1")  # one at a time: in order
    result = run_brik(*args, env={"GH_TOKEN": sandbox.token})
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout.splitlines()
    assert [line for line in out if line.startswith("[")] == [
        f"[1/2] {full(names[0])}: done, 3 writes",
        f"[2/2] {full(names[1])}: done, 2 writes",
    ]
    assert out[-1] == "2 repositories: 2 done; 5 writes"
    err = result.stderr.splitlines()
    assert err[0] == "2 repositories queued"
    assert f"  … {full(names[0])}" in err
    assert any(line.startswith(f"  · {full(names[1])}: workflow: ") for line in err), err
    assert "\x1b[" not in result.stdout + result.stderr  # no terminal, no escape sequences


def test_the_rich_bar_counts_the_budget_and_the_outcomes(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 3)
    parts = fleet_parts(sandbox, write_fleet(tmp_path / "fleet.yml", sandbox, names))
    console = Console(file=io.StringIO(), force_terminal=True, force_interactive=True, width=140, record=True)
    face = RichFace(console, total=3)
    result = face.run(parts.start)
    face.totals(result, parts.pacer, planned=False)
    text = console.export_text()
    bar = [line for line in text.splitlines() if "fleet" in line and "3/3" in line]
    assert bar, text
    assert "3 ok · 0 failed · 0 to go" in bar[-1] and re.search(r"\d+/80 writes/min", bar[-1]), bar[-1]
    for name in names:
        assert f"{full(name)}: done" in text
    assert "3 repositories: 3 done" in console.file.getvalue()  # the totals, under the bar


def test_json_and_line_faces_render_the_same_progress_events() -> None:
    # The faces alone, on events as the runner sends them: a pause is said once, when it starts.
    out, err = io.StringIO(), io.StringIO()
    json_face, line_face = JsonFace(out), LineFace(total=1, out=io.StringIO(), err=err)
    queued = RepoQueued("o/a", False)
    pause = FleetProgress(total=1, queued=0, running=1, writes_per_minute=80, writes_last_minute=80, paused_for_s=42)
    for event in (queued, FleetProgress(total=1, queued=1, running=0), pause, pause):
        json_face.event(event)
        line_face.event(event)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["event"] for e in lines] == ["queued", "paused"] and lines[1]["seconds"] == 42
    said = err.getvalue().splitlines()
    assert said[0] == "1 repository queued"
    assert len([s for s in said if "paused by GitHub's rate limit for 42s" in s]) == 1, said


@pytest.mark.wall_clock  # the CLI runs in a child on its own clock
def test_on_a_terminal_fleet_apply_draws_a_progress_bar(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = write_fleet(tmp_path / "fleet.yml", sandbox, names)
    env = child_env({"GH_TOKEN": sandbox.token, "TERM": "xterm-256color", "COLUMNS": "150"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "fleet", "apply", str(path), "--yes", "--validate", "none"],
        env=env,
        encoding="utf-8",
        dimensions=(30, 150),
        timeout=60,
    )
    transcript = io.StringIO()
    child.logfile_read = transcript
    child.expect(pexpect.EOF)
    child.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", transcript.getvalue())
    assert child.exitstatus == 0, shown[-3000:]
    assert "━" in shown and "2/2" in shown and "writes/min" in shown, shown[-3000:]  # rich's bar, not log lines
    assert "2 repositories: 2 done" in shown
    assert not [line for line in shown.splitlines() if line.startswith("[1/2]")]
    assert len([r for r in request_log(sandbox) if r["method"] == "PUT" and "build-image.yml" in r["path"]]) == 2


def test_tui_needs_a_terminal_and_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yml"
    path.write_text("repos: [a/b]\n")
    result = run_brik("fleet", "apply", str(path), "--yes", "--tui", env={"GH_TOKEN": "unused"})
    assert result.returncode == 2 and "error: --tui needs a terminal" in result.stderr and "Traceback" not in result.stderr
    both = run_brik("fleet", "apply", str(path), "--yes", "--tui", "--json", env={"GH_TOKEN": "unused"})
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


@pytest.mark.wall_clock  # the CLI runs in a child on its own clock
def test_fleet_apply_tui_on_a_terminal_shows_the_table_then_leaves_the_totals(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 2)
    path = write_fleet(tmp_path / "fleet.yml", sandbox, names)
    env = child_env({"GH_TOKEN": sandbox.token, "TERM": "xterm-256color"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "wizard", "fleet", "apply", str(path), "--yes", "--validate", "none", "--tui"],
        env=env,
        encoding="utf-8",
        dimensions=(30, 120),
        timeout=60,
    )
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect_exact("Finished.")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", transcript.getvalue())
    assert child.exitstatus == 0, shown[-3000:]
    assert "Repository" in shown and "2/2 finished: 2 ok, 0 failed, 0 to go" in shown
    assert re.search(r"2 repositories: 2 done; \d+ writes\s*$", shown)  # left in the terminal once the screen is gone


def test_a_face_that_fails_stops_the_run_instead_of_finishing_the_fleet(sandbox, tmp_path: Path) -> None:
    names = seed_fleet(sandbox, 4)
    parts = fleet_parts(sandbox, write_fleet(tmp_path / "fleet.yml", sandbox, names), concurrency=1)
    failed: list[str] = []

    def emit(event: object) -> None:
        if isinstance(event, RepoFinished) and not failed:
            failed.append(event.repo)
            raise RuntimeError("the face broke")  # as a Ctrl-C in the caller's thread would, through the pool

    with pytest.raises(RuntimeError, match="the face broke"):
        parts.start(emit).run()
    assert failed == [full(names[0])]
    assert [parts.store.outcome(full(n)) for n in names] == ["done", None, None, None]
    callers = [
        r for r in request_log(sandbox) if r["method"] == "PUT" and r["path"].endswith("/contents/.github/workflows/build-image.yml")
    ]
    assert [r["path"].split("/")[3] for r in callers] == [names[0]]  # nobody after it was touched
