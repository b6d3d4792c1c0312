"""JSON shapes of workflows, workflow runs (and attempts) and jobs, with status computed at read time."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from typing import Any

from wizard.sandbox.api import api_url, iso, web_url
from wizard.sandbox.model import Repo, node_id
from wizard.sandbox.render_core import minimal_repository, simple_user
from wizard.sandbox.runs import Attempt, Job, Run, attempt_view, job_view, step_view
from wizard.sandbox.state import SandboxState
from wizard.sandbox.workflows import WorkflowFile


def workflow_json(repo: Repo, wf: WorkflowFile) -> dict[str, Any]:
    seen = repo.workflow_seen_at.get(wf.path, repo.created_at)
    return {
        "id": wf.id,
        "node_id": node_id("W", wf.id),
        "name": wf.name,
        "path": wf.path,
        "state": "active",
        "created_at": iso(seen),
        "updated_at": iso(seen),
        "url": api_url(f"/repos/{repo.full_name}/actions/workflows/{wf.id}"),
        "html_url": web_url(f"/{repo.full_name}/blob/{repo.default_branch}/{wf.path}"),
        "badge_url": web_url(f"/{repo.full_name}/workflows/{urllib.parse.quote(wf.name)}/badge.svg"),
    }


def _head_commit(repo: Repo, sha: str) -> dict[str, Any]:
    commit = repo.git.commits[sha]
    return {
        "id": sha,
        "tree_id": commit.tree_sha,
        "message": commit.message,
        "timestamp": iso(commit.committer.date),
        "author": {"name": commit.author.name, "email": commit.author.email},
        "committer": {"name": commit.committer.name, "email": commit.committer.email},
    }


def run_json(
    st: SandboxState, repo: Repo, run: Run, now: datetime, attempt: Attempt | None = None, referenced: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """A run as GET …/runs/{id} shows it (the latest attempt), or one attempt of it."""
    shown = attempt or run.latest
    view = attempt_view(shown, now, st.time_factor)
    base = f"/repos/{repo.full_name}/actions/runs/{run.id}"
    suffix = f"/attempts/{shown.number}" if attempt is not None else ""
    actor = st.find_account(run.actor)
    triggering = st.find_account(shown.actor) or actor
    check_suite = run.id + 40000000000
    return {
        "id": run.id,
        "name": run.name,
        "node_id": node_id("WFR", run.id),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.workflow_path,
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": view.status,
        "conclusion": view.conclusion,
        "workflow_id": run.workflow_id,
        "check_suite_id": check_suite,
        "check_suite_node_id": node_id("CS", check_suite),
        "url": api_url(base),
        "html_url": web_url(f"/{repo.full_name}/actions/runs/{run.id}"),
        "pull_requests": [],
        "created_at": iso(shown.created_at if attempt is not None else run.attempts[0].created_at),
        "updated_at": iso(view.updated_at),
        "actor": simple_user(actor) if actor else None,
        "run_attempt": shown.number,
        "referenced_workflows": referenced or [],
        "run_started_at": iso(shown.created_at),
        "triggering_actor": simple_user(triggering) if triggering else None,
        "jobs_url": api_url(f"{base}{suffix}/jobs"),
        "logs_url": api_url(f"{base}{suffix}/logs"),
        "check_suite_url": api_url(f"/repos/{repo.full_name}/check-suites/{check_suite}"),
        "artifacts_url": api_url(f"{base}/artifacts"),
        "cancel_url": api_url(f"{base}/cancel"),
        "rerun_url": api_url(f"{base}/rerun"),
        "previous_attempt_url": api_url(f"{base}/attempts/{shown.number - 1}") if shown.number > 1 else None,
        "workflow_url": api_url(f"/repos/{repo.full_name}/actions/workflows/{run.workflow_id}"),
        "head_commit": _head_commit(repo, run.head_sha),
        "repository": minimal_repository(repo),
        "head_repository": minimal_repository(repo),
    }


def job_json(st: SandboxState, repo: Repo, run: Run, attempt: Attempt, job: Job, now: datetime) -> dict[str, Any]:
    view = job_view(job, attempt, now, st.time_factor)
    cancelled = attempt.cancelled_at is not None and view.conclusion == "cancelled"
    steps = []
    for step in job.steps:
        shown = step_view(step, view.started_at, view.sim_now, cancelled)
        steps.append(
            {
                "name": step.name,
                "status": shown["status"],
                "conclusion": shown["conclusion"],
                "number": step.number,
                "started_at": _iso_ms(shown["started_at"]),
                "completed_at": _iso_ms(shown["completed_at"]),
            }
        )
    started = view.started_at is not None
    return {
        "id": job.id,
        "run_id": run.id,
        "workflow_name": run.name,
        "head_branch": run.head_branch,
        "run_url": api_url(f"/repos/{repo.full_name}/actions/runs/{run.id}"),
        "run_attempt": attempt.number,
        "node_id": node_id("CR", job.id),
        "head_sha": run.head_sha,
        "url": api_url(f"/repos/{repo.full_name}/actions/jobs/{job.id}"),
        "html_url": web_url(f"/{repo.full_name}/actions/runs/{run.id}/job/{job.id}"),
        "status": view.status,
        "conclusion": view.conclusion,
        "created_at": iso(attempt.created_at),
        "started_at": iso(view.started_at or attempt.created_at),
        "completed_at": iso(view.completed_at),
        "name": job.name,
        "steps": steps,
        "check_run_url": api_url(f"/repos/{repo.full_name}/check-runs/{job.id}"),
        "labels": list(job.labels),
        "runner_id": 1 if started else None,
        "runner_name": "GitHub Actions 1" if started else None,
        "runner_group_id": 2 if started else None,
        "runner_group_name": "GitHub Actions" if started else None,
    }


def _iso_ms(moment: object) -> str | None:
    """A step_view timestamp (a datetime, or None before the step starts) with milliseconds."""
    if not isinstance(moment, datetime):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
