"""Workflow runs, attempts, jobs, re-runs, cancel, and logs (302 to a download URL on the same host)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, g, request

from wizard.sandbox import events
from wizard.sandbox.api import (
    ApiError,
    api_url,
    body_json,
    find_repo,
    int_arg,
    json_response,
    no_content,
    not_found,
    paginate,
    state,
)
from wizard.sandbox.model import Repo
from wizard.sandbox.render_actions import job_json, run_json
from wizard.sandbox.run_queries import referenced_workflows, runs_page
from wizard.sandbox.runs import Attempt, Job, Run, attempt_view

bp = Blueprint("runs", __name__)
RUN = "/repos/<owner>/<name>/actions/runs/<run_id>"


def _run(owner: str, name: str, run_id: str, *, write: bool = False) -> tuple[Repo, Run]:
    repo = find_repo(owner, name, write=write)
    run = state().find_run(repo, int_arg(run_id)) or not_found()
    return repo, run


def _attempt(run: Run, number: str) -> Attempt:
    return run.attempt(int_arg(number)) or not_found()


def _jobs_page(repo: Repo, run: Run, attempts: list[Attempt]) -> Response:
    now = state().now()
    pairs = [(a, j) for a in attempts for j in a.jobs]
    page, headers = paginate(pairs)
    body = {"total_count": len(pairs), "jobs": [job_json(state(), repo, run, a, j, now) for a, j in page]}
    return json_response(body, headers=headers)


def _redirect(location: str) -> Response:
    response = Response(status=302)
    response.headers["Location"] = location
    return response


@bp.get("/repos/<owner>/<name>/actions/runs")
def list_runs(owner: str, name: str) -> Response:
    with state().lock:
        return runs_page(state(), find_repo(owner, name), lambda run: True)


@bp.get(RUN)
def get_run(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id)
        referenced = referenced_workflows(state(), repo, run)
        return json_response(run_json(state(), repo, run, state().now(), referenced=referenced))


@bp.delete(RUN)
def delete_run(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id, write=True)
        del repo.runs[run.id]
    return no_content()


@bp.get(RUN + "/attempts/<number>")
def get_attempt(owner: str, name: str, run_id: str, number: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id)
        attempt = _attempt(run, number)
        return json_response(run_json(state(), repo, run, state().now(), attempt, referenced=referenced_workflows(state(), repo, run)))


@bp.get(RUN + "/attempts/<number>/jobs")
def attempt_jobs(owner: str, name: str, run_id: str, number: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id)
        return _jobs_page(repo, run, [_attempt(run, number)])


@bp.get(RUN + "/jobs")
def run_jobs(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id)
        which = request.args.get("filter", "latest")
        if which not in ("latest", "all"):
            raise ApiError(422, "Invalid request.\n\nfilter must be latest or all.")
        return _jobs_page(repo, run, run.attempts if which == "all" else [run.latest])


def _logs_redirect(run: Run, attempt: Attempt) -> Response:
    token = state().new_blob_token("zip", run.repo_id, run.id, attempt.number)
    return _redirect(api_url(f"/_sandbox/blobs/{token}"))


@bp.get(RUN + "/logs")
def run_logs(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        _, run = _run(owner, name, run_id)
        return _logs_redirect(run, run.latest)


@bp.delete(RUN + "/logs")
def delete_run_logs(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        _, run = _run(owner, name, run_id, write=True)
        for attempt in run.attempts:
            for job in attempt.jobs:
                job.log_text = ""
    return no_content()


@bp.get(RUN + "/attempts/<number>/logs")
def attempt_logs(owner: str, name: str, run_id: str, number: str) -> Response:
    with state().lock:
        _, run = _run(owner, name, run_id)
        return _logs_redirect(run, _attempt(run, number))


def _completed(run: Run) -> bool:
    return attempt_view(run.latest, state().now(), state().time_factor).status == "completed"


def _debug_logging() -> bool:
    """The re-run body's `enable_debug_logging`; the body is optional and may be JSON null."""
    data = {} if request.get_data(cache=True).strip() == b"null" else body_json()
    value = data.get("enable_debug_logging", False)
    if not isinstance(value, bool):
        raise ApiError(422, f"Invalid request.\n\nFor 'properties/enable_debug_logging', {json.dumps(value)} is not a boolean.")
    return value


@bp.post(RUN + "/rerun")
def rerun(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id, write=True)
        debug = _debug_logging()
        if not _completed(run):
            raise ApiError(403, "This workflow is already running")
        events.rerun(state(), repo, run, g.token.login, debug_logging=debug)
    return json_response({}, 201)


@bp.post(RUN + "/rerun-failed-jobs")
def rerun_failed(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        repo, run = _run(owner, name, run_id, write=True)
        if not _completed(run):
            raise ApiError(403, "This workflow is already running")
        debug = _debug_logging()
        if attempt_view(run.latest, state().now(), state().time_factor).conclusion == "success":
            raise ApiError(403, "This workflow run cannot be retried: it has no failed jobs")
        events.rerun(state(), repo, run, g.token.login, only_failed=True, debug_logging=debug)
    return json_response({}, 201)


@bp.post(RUN + "/cancel")
def cancel(owner: str, name: str, run_id: str) -> Response:
    with state().lock:
        _, run = _run(owner, name, run_id, write=True)
        if _completed(run):
            raise ApiError(409, "Cannot cancel a workflow run that is completed.")
        run.latest.cancelled_at = state().now()
    return json_response({}, 202)


def _job(owner: str, name: str, job_id: str, *, write: bool = False) -> tuple[Repo, Run, Attempt, Job]:
    repo = find_repo(owner, name, write=write)
    run, attempt, job = state().find_job(repo, int_arg(job_id)) or not_found()
    return repo, run, attempt, job


@bp.get("/repos/<owner>/<name>/actions/jobs/<job_id>")
def get_job(owner: str, name: str, job_id: str) -> Response:
    with state().lock:
        repo, run, attempt, job = _job(owner, name, job_id)
        return json_response(job_json(state(), repo, run, attempt, job, state().now()))


@bp.get("/repos/<owner>/<name>/actions/jobs/<job_id>/logs")
def job_logs(owner: str, name: str, job_id: str) -> Response:
    with state().lock:
        repo, run, attempt, job = _job(owner, name, job_id)
        token = state().new_blob_token("job", repo.id, run.id, attempt.number, job.id)
    return _redirect(api_url(f"/_sandbox/blobs/{token}"))


@bp.post("/repos/<owner>/<name>/actions/jobs/<job_id>/rerun")
def rerun_job(owner: str, name: str, job_id: str) -> Response:
    with state().lock:
        repo, run, attempt, job = _job(owner, name, job_id, write=True)
        debug = _debug_logging()
        if not _completed(run):
            raise ApiError(403, "This workflow is already running")
        events.rerun(state(), repo, run, g.token.login, job_name=job.name, debug_logging=debug)
    return json_response({}, 201)
