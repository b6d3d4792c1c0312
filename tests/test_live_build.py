"""Live builds below the faces: the log tail made safe to show, the job log as GitHub serves it (only once the job
completed), the conditional job-list poll, and what one validation costs in log requests, over real HTTP to the
sandbox on a clock the test moves (no sleeps while a run is held)."""

from __future__ import annotations

import re
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.github_adapter_helpers import REPO, gh, hello  # noqa: F401  (fixtures)
from wizard.core.log_tail import MAX_LINE, TAIL_LINES, clean_line, log_tail
from wizard.engine.events import BuildUpdate, Event, VerdictReady
from wizard.errors import GitHubRefused

STAMP = "2026-01-05T09:00:01.1234567Z "
START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


def fake_secret() -> str:
    return "s3cr3t-" + secrets.token_hex(12)


# -- the tail: untrusted text made plain -----------------------------------------------------------------------
def test_tail_strips_escape_sequences_and_controls_and_keeps_markup_literal() -> None:
    hostile = [
        "\x1b]0;pwned title\x07colours \x1b[1;31mred\x1b[0m and \x1b[2J\x1b[Hclear",
        "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ text",
        "bell\x07 backspace\x08 del\x7f c1\x9b31m bidi\u202eevil\u202c",
        "[bold red]not markup[/] [link=https://x]y[/link]",
        "tab\there",
    ]
    text = "".join(STAMP + line + "\n" for line in hostile)
    tail = log_tail(text, [])
    assert tail == (
        "colours red and clear",
        "link text",
        "bell backspace del c1 bidievil",
        "[bold red]not markup[/] [link=https://x]y[/link]",
        "tab    here",
    )
    assert not any(re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", line) for line in tail)


def test_tail_masks_secrets_even_split_by_an_escape_sequence() -> None:
    secret = fake_secret()
    token = "ghp_" + secrets.token_hex(18)  # a token shape, known to nobody: masked all the same
    split = secret[:9] + "\x1b[0m" + secret[9:]
    text = f"{STAMP}login with {secret}\n{STAMP}echo {split}\n{STAMP}Authorization: token {token}\n"
    tail = log_tail(text, [secret])
    joined = "\n".join(tail)
    assert secret not in joined and secret[:12] not in joined and token not in joined
    assert tail[0] == "login with ***" and tail[1] == "echo ***"


def test_tail_is_the_last_non_blank_lines_without_timestamps_and_cut() -> None:
    lines = [f"{STAMP}line {n}" for n in range(50)] + [STAMP, "", f"{STAMP}" + "x" * (MAX_LINE * 3)]
    tail = log_tail("\n".join(lines), [])
    assert len(tail) == TAIL_LINES
    assert tail[0] == f"line {50 - TAIL_LINES + 1}" and tail[-2] == "line 49"
    assert len(tail[-1]) == MAX_LINE and tail[-1].endswith("…")
    assert clean_line(STAMP + "no stamp") == "no stamp"


# -- the adapter against the sandbox, as GitHub behaves ----------------------------------------------------------
def test_a_running_jobs_log_is_not_there_yet_and_the_job_list_is_polled_conditionally(gh, sandbox, hello) -> None:  # noqa: F811
    held = sandbox.state.clock()
    sandbox.state.clock = lambda: held  # the run stays queued however slowly this machine answers
    run_id = gh.dispatch(REPO, hello, "main")
    (job,) = gh.attempt_jobs(REPO, run_id, 1)
    assert job.status == "queued"
    # GitHub writes a job's log when the job completes: before that the download finds no blob.
    with pytest.raises(GitHubRefused) as refused:
        gh.job_log(REPO, job.id)
    assert "404" in str(refused.value) and "sig=" not in str(refused.value)
    polls, not_modified = gh.stats["job_polls"], gh.stats["job_not_modified"]
    assert gh.attempt_jobs(REPO, run_id, 1)[0].status == "queued"  # nothing moved: a 304, the kept body
    assert (gh.stats["job_polls"], gh.stats["job_not_modified"]) == (polls + 1, not_modified + 1)
    sandbox.state.clock = lambda: held + timedelta(hours=1)
    (done,) = gh.attempt_jobs(REPO, run_id, 1)
    assert (done.status, done.conclusion) == ("completed", "success")
    assert gh.stats["job_not_modified"] == not_modified + 1  # it changed: a full answer
    assert "hello" in gh.job_log(REPO, done.id)
    run = gh.get_attempt(REPO, run_id, 1)
    assert run.run_started_at is not None and run.updated_at is not None and run.updated_at > run.run_started_at


# -- the engine: one validation, held mid-build, then let go ---------------------------------------------------
def test_polls_keep_their_interval_however_long_the_reads_take(monkeypatch) -> None:
    """One poll every interval, counted from the start of the last one: 2.5 s of reads (status and job list) do
    not stretch a 5 s interval to 7.5 s. On a clock of the test's own, so nothing sleeps."""
    from types import SimpleNamespace

    from wizard.engine.port import RunInfo
    from wizard.engine.steps import validate

    now, polled_at = [0.0], []

    def advance(seconds: float) -> None:
        now[0] += seconds

    class Port:
        def get_attempt(self, full_name: str, run_id: int, attempt: int) -> RunInfo:
            polled_at.append(now[0])
            advance(2.0)
            status = "completed" if len(polled_at) == 4 else "in_progress"
            return RunInfo(run_id, status, "success" if status == "completed" else None, attempt, "sha", "push", "https://x/run")

        def attempt_jobs(self, full_name: str, run_id: int, attempt: int) -> list[Any]:
            advance(0.5)
            return []

    from wizard.core.clock import CLOCK

    monkeypatch.setattr(CLOCK, "monotonic", lambda: now[0])
    monkeypatch.setattr(CLOCK, "sleep", advance)
    options = SimpleNamespace(poll_interval_s=5.0, live_steps=True, build_timeout_s=3600)
    session = SimpleNamespace(
        repo=SimpleNamespace(full_name=REPO), options=options, port=Port(), emit=lambda event: None, clock=lambda: START, links={}
    )
    run, _ = validate.ValidateStep()._wait(session, 1, 1)
    assert run.status == "completed"
    assert polled_at == [0.0, 5.0, 10.0, 15.0]


class HeldClock:
    """Holds time still until `go` is called, then runs it 200x faster than real time (the builds then finish)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.since = start, None

    def go(self) -> None:
        self.since = time.monotonic()

    def __call__(self) -> datetime:
        if self.since is None:
            return self.start
        return self.start + timedelta(seconds=(time.monotonic() - self.since) * 200)


@pytest.mark.slow
@pytest.mark.wall_clock  # on a held clock that then runs in real time
def test_validation_streams_elapsed_and_a_masked_clean_tail_at_a_few_log_requests(tmp_path: Path) -> None:
    from wizard.app.demo import DemoEnv
    from wizard.app.flag_questioner import FlagQuestioner
    from wizard.engine.runner import Engine
    from wizard.engine.session import Options
    from wizard.sandbox import Sandbox

    events: list[Event] = []
    with Sandbox(time_factor=1.0) as sandbox:
        clock = HeldClock(START)
        sandbox.state.clock = clock
        factory = DemoEnv(sandbox, tmp_path, {"GH_TOKEN": sandbox.token}).factory(Options(poll_interval_s=0.01, live_steps=True))
        session = factory(FlagQuestioner(yes=True, interactive=False), events.append)
        session.clock = clock
        engine = Engine(session)
        worker = threading.Thread(target=engine.run, daemon=True)
        worker.start()
        try:
            job = _first_build_job(sandbox)
            # The repository's build prints the admin token, hidden in escape sequences and Rich markup.
            token = sandbox.token
            printed = [f"token {token}", f"[red]{token[:6]}\x1b[0m{token[6:]}[/red] \x1b]0;title\x07done"]
            stamp = (job.log_start + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
            with sandbox.state.lock:
                lines = job.job.log_text.splitlines(keepends=True)
                job.job.log_text = "".join(lines[:-1]) + "".join(f"{stamp} {p}\n" for p in printed) + lines[-1]
            clock.go()
            worker.join(timeout=60)
            assert not worker.is_alive(), "the validation did not finish"
        finally:
            clock.go()
        stats = dict(session.port.stats)  # type: ignore[attr-defined]

    verdict = next(e for e in events if isinstance(e, VerdictReady))
    assert verdict.leaks == 2  # the audit saw the token in the full log: as printed, and split by a colour code
    updates = [e for e in events if isinstance(e, BuildUpdate)]
    tails = [u.log_tail for u in updates if u.log_tail]
    assert len(tails) == 2  # one per attempt, once its job completed
    shown = "\n".join(line for tail in tails for line in tail)
    assert token not in shown and token[6:] not in shown and "token ***" in shown and "[red]***[/red]" in shown
    assert "\x1b" not in shown and "title" not in shown
    for attempt in (1, 2):
        running = [u.elapsed_s for u in updates if u.attempt == attempt and u.status == "in_progress"]
        assert running == sorted(running)
        last = [u for u in updates if u.attempt == attempt][-1]
        assert last.status == "completed" and last.elapsed_s is not None and last.elapsed_s > 0
    # What the log costs: one API read (and its download) per job and attempt, after the job completed. The live
    # part is the job list, polled conditionally (a 304 while no step moved).
    assert (stats["log_requests"], stats["log_downloads"]) == (2, 2), stats
    assert stats["job_polls"] >= 2 and 0 <= stats["job_not_modified"] < stats["job_polls"], stats


class _HeldJob:
    def __init__(self, job: Any, log_start: datetime) -> None:
        self.job, self.log_start = job, log_start


def _first_build_job(sandbox: Any) -> _HeldJob:
    deadline = time.monotonic() + 60  # a guard against a hang, not an assertion on speed
    while True:
        repo = sandbox.state.find_repo(*REPO.split("/"))
        with sandbox.state.lock:
            runs = list(repo.runs.values())
            if runs and runs[0].attempts and runs[0].attempts[0].jobs:
                attempt = runs[0].attempts[0]
                job = attempt.jobs[0]
                return _HeldJob(job, attempt.created_at + timedelta(seconds=job.queue_s))
        assert time.monotonic() < deadline, "no build started"
        time.sleep(0.02)
