"""Workflow runs, attempts and jobs, with their status computed lazily from the wall clock.

A job has a simulated queue time and duration (seconds). The attempt's wall-clock start plus
`simulated seconds x time_factor` says where it is now: queued, in progress or completed. The
timestamps shown in the API are on the simulated timeline (start + simulated offsets, unscaled), so
durations read from `started_at`/`completed_at` are the build's cost-model durations even when tests
run with time_factor=0.01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

LOG_STAMP_LEN = len("2025-01-05T18:28:03.3534723Z")


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    offset_s: float  # from the job's start
    duration_s: float
    conclusion: str  # success / failure / skipped / cancelled


@dataclass
class Job:
    id: int
    name: str
    run_id: int
    attempt: int
    queue_s: float
    duration_s: float
    conclusion: str
    steps: list[Step]
    log_text: str
    labels: list[str] = field(default_factory=lambda: ["ubuntu-latest"])
    secrets_seen: tuple[str, ...] = ()  # names of the secrets that resolved non-empty in the job (never values)
    build_secrets_mounted: tuple[str, ...] = ()  # build secret ids whose /kaniko/<id> file the job wrote (never values)


@dataclass
class Attempt:
    number: int
    created_at: datetime  # wall clock, UTC
    actor: str
    jobs: list[Job] = field(default_factory=list)
    cancelled_at: datetime | None = None  # wall clock
    debug_logging: bool = False  # re-run with enable_debug_logging: the jobs see runner.debug == '1'


@dataclass
class Run:
    id: int
    repo_id: int
    workflow_id: int
    workflow_path: str
    name: str
    event: str
    head_branch: str
    head_sha: str
    run_number: int
    actor: str
    display_title: str
    inputs: dict[str, object] = field(default_factory=dict)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def latest(self) -> Attempt:
        return self.attempts[-1]

    def attempt(self, number: int) -> Attempt | None:
        return self.attempts[number - 1] if 1 <= number <= len(self.attempts) else None


@dataclass(frozen=True)
class JobView:
    """Where a job is at a given moment."""

    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None
    sim_now: datetime  # the simulated "now" on the job's timeline


def _sim_elapsed(attempt: Attempt, now: datetime, factor: float) -> float:
    end = min(now, attempt.cancelled_at) if attempt.cancelled_at else now
    return max(0.0, (end - attempt.created_at).total_seconds()) / max(factor, 1e-9)


def job_view(job: Job, attempt: Attempt, now: datetime, factor: float) -> JobView:
    elapsed = _sim_elapsed(attempt, now, factor)
    start = attempt.created_at + timedelta(seconds=job.queue_s)
    sim_now = attempt.created_at + timedelta(seconds=elapsed)
    finished = elapsed >= job.queue_s + job.duration_s
    if finished:
        return JobView("completed", job.conclusion, start, start + timedelta(seconds=job.duration_s), sim_now)
    if attempt.cancelled_at:
        started = start if elapsed >= job.queue_s else None
        return JobView("completed", "cancelled", started, sim_now, sim_now)
    if elapsed < job.queue_s:
        return JobView("queued", None, None, None, sim_now)
    return JobView("in_progress", None, start, None, sim_now)


def step_view(step: Step, job_start: datetime | None, sim_now: datetime, cancelled: bool) -> dict[str, object]:
    """A step's status/conclusion/timestamps as the jobs API shows it."""
    if job_start is None:
        return {
            "status": "queued" if not cancelled else "completed",
            "conclusion": "cancelled" if cancelled else None,
            "started_at": None,
            "completed_at": None,
        }
    begin = job_start + timedelta(seconds=step.offset_s)
    end = begin + timedelta(seconds=step.duration_s)
    if sim_now >= end:
        return {"status": "completed", "conclusion": step.conclusion, "started_at": begin, "completed_at": end}
    if cancelled:
        return {
            "status": "completed",
            "conclusion": "cancelled",
            "started_at": begin if sim_now >= begin else None,
            "completed_at": sim_now if sim_now >= begin else None,
        }
    if sim_now >= begin:
        return {"status": "in_progress", "conclusion": None, "started_at": begin, "completed_at": None}
    return {"status": "queued", "conclusion": None, "started_at": None, "completed_at": None}


@dataclass(frozen=True)
class AttemptView:
    status: str
    conclusion: str | None
    updated_at: datetime


def attempt_view(attempt: Attempt, now: datetime, factor: float) -> AttemptView:
    views = [job_view(job, attempt, now, factor) for job in attempt.jobs]
    if not views:
        return AttemptView("completed", "success", attempt.created_at)
    updated = max([attempt.created_at] + [t for v in views for t in (v.started_at, v.completed_at) if t])
    if any(v.status != "completed" for v in views):
        status = "queued" if all(v.status == "queued" for v in views) else "in_progress"
        return AttemptView(status, None, updated)
    conclusions = {v.conclusion for v in views}
    for verdict in ("failure", "cancelled"):
        if verdict in conclusions:
            return AttemptView("completed", verdict, updated)
    return AttemptView("completed", "success", updated)


def visible_log(job: Job, view: JobView) -> str:
    """The job log up to the simulated now: all of it once the job is completed."""
    if view.status == "completed" and view.conclusion == job.conclusion:
        return job.log_text
    cutoff = view.sim_now.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    lines = job.log_text.splitlines(keepends=True)
    return "".join(line for line in lines if line[:LOG_STAMP_LEN] <= cutoff)
