"""Run listing with GitHub's filters, referenced workflows, and the log files behind the redirects."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Response, request

from wizard.sandbox.actions_runner import REUSABLE_RE
from wizard.sandbox.api import ApiError, json_response, paginate
from wizard.sandbox.model import Repo
from wizard.sandbox.render_actions import run_json
from wizard.sandbox.runs import Attempt, Run, attempt_view, job_view, visible_log
from wizard.sandbox.state import SandboxState
from wizard.sandbox.workflows import load_workflow

_BAD_FILE_CHARS = re.compile(r'[/\\:*?"<>|]')


def _moment(text: str, end: bool) -> datetime:
    """A date (whole day) or date-time from a `created` filter operand."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day + timedelta(days=1) - timedelta(microseconds=1) if end else day
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(422, f"Invalid created filter: {text}")


def created_filter(spec: str) -> Callable[[datetime], bool]:
    """GitHub's search date syntax: `>=D`, `>D`, `<=D`, `<D`, `A..B`, `D..*`, `*..D`, or `D` (that day)."""
    spec = spec.strip()
    if ".." in spec:
        low, high = spec.split("..", 1)
        lo = None if low.strip() == "*" else _moment(low, end=False)
        hi = None if high.strip() == "*" else _moment(high, end=True)
        return lambda t: (lo is None or t >= lo) and (hi is None or t <= hi)
    for op in (">=", "<=", ">", "<"):
        if spec.startswith(op):
            if op in (">=", "<"):
                bound = _moment(spec[len(op) :], end=False)
            else:
                bound = _moment(spec[len(op) :], end=True)
            return {">=": lambda t: t >= bound, "<=": lambda t: t <= bound, ">": lambda t: t > bound, "<": lambda t: t < bound}[op]
    lo, hi = _moment(spec, end=False), _moment(spec, end=True)
    return lambda t: lo <= t <= hi


def referenced_workflows(st: SandboxState, repo: Repo, run: Run) -> list[dict[str, str]]:
    wf = load_workflow(st, repo, run.head_sha, run.workflow_path)
    jobs = wf.doc.get("jobs") if wf and wf.doc else None
    found: list[dict[str, str]] = []
    for spec in (jobs or {}).values():
        uses = spec.get("uses") if isinstance(spec, dict) else None
        if not isinstance(uses, str):
            continue
        match = REUSABLE_RE.match(uses.strip())
        source = st.find_repo(match["owner"], ".github") if match else None
        if not match or source is None:
            continue
        ref = match["ref"]
        sha = source.branches.get(ref.removeprefix("refs/heads/")) or source.git.resolve_prefix(ref)
        if sha:
            entry = {"path": uses.strip(), "sha": sha}
            if ref.removeprefix("refs/heads/") in source.branches:
                entry["ref"] = f"refs/heads/{ref.removeprefix('refs/heads/')}"
            found.append(entry)
    return found


def runs_page(st: SandboxState, repo: Repo, keep: Callable[[Run], bool]) -> Response:
    now = st.now()
    args = request.args
    runs = [r for r in repo.runs.values() if keep(r)]
    if "event" in args:
        runs = [r for r in runs if r.event == args["event"]]
    if "branch" in args:
        runs = [r for r in runs if r.head_branch == args["branch"]]
    if "head_sha" in args:
        runs = [r for r in runs if r.head_sha == args["head_sha"]]
    if "actor" in args:
        runs = [r for r in runs if r.actor.lower() == args["actor"].lower()]
    if "check_suite_id" in args:
        runs = [r for r in runs if str(r.id + 40000000000) == args["check_suite_id"]]
    if "created" in args:
        match = created_filter(args["created"])
        runs = [r for r in runs if match(r.attempts[0].created_at)]
    if "status" in args:
        wanted = args["status"]
        views = {r.id: attempt_view(r.latest, now, st.time_factor) for r in runs}
        runs = [r for r in runs if wanted in (views[r.id].status, views[r.id].conclusion)]
    runs.sort(key=lambda r: (r.attempts[0].created_at, r.id), reverse=True)
    page, headers = paginate(runs)
    body = {
        "total_count": len(runs),
        "workflow_runs": [run_json(st, repo, r, now, referenced=referenced_workflows(st, repo, r)) for r in page],
    }
    return json_response(body, headers=headers)


def job_log_text(st: SandboxState, attempt: Attempt, job_index: int) -> str:
    job = attempt.jobs[job_index]
    return visible_log(job, job_view(job, attempt, st.now(), st.time_factor))


def _file_name(name: str) -> str:
    return _BAD_FILE_CHARS.sub("", name)


def attempt_zip(st: SandboxState, attempt: Attempt) -> bytes:
    """`<n>_<job>.txt` per job at the top, and `<job>/<n>_<step>.txt` per step, like GitHub's archive."""
    buffer = io.BytesIO()
    now = st.now()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, job in enumerate(attempt.jobs):
            view = job_view(job, attempt, now, st.time_factor)
            text = visible_log(job, view)
            folder = _file_name(job.name)
            archive.writestr(f"{index}_{folder}.txt", text)
            if view.started_at is None:
                continue
            for step in job.steps:
                begin = view.started_at + timedelta(seconds=step.offset_s)
                end = begin + timedelta(seconds=step.duration_s)
                lo = begin.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
                hi = end.strftime("%Y-%m-%dT%H:%M:%S.%f") + "9Z"
                lines = [line for line in text.splitlines(keepends=True) if lo <= line[:28] <= hi]
                archive.writestr(f"{folder}/{step.number}_{_file_name(step.name)}.txt", "".join(lines))
    return buffer.getvalue()
