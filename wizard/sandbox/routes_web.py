"""The run pages a browser opens from an html_url: read-only HTML, on the sandbox's own host.

A browser sends no token, so these pages answer loopback clients only (app.py), like the control area; they
show a run's attempt, its jobs and their logs as far as they have run. Every value is escaped: the workflow's
names and logs come from the repository, untrusted input.
"""

from __future__ import annotations

import re
from html import escape

from flask import Blueprint, Response

from wizard.sandbox.api import int_arg, not_found, state
from wizard.sandbox.runs import attempt_view, job_view, visible_log

bp = Blueprint("web", __name__)

# The paths served here (app.py lets them through without a token): /OWNER/REPO/actions/runs/ID[/attempts/N]
WEB_PAGE = re.compile(r"^/(?!repos/|orgs/|users/|_sandbox/)[^/]+/[^/]+/actions/runs/\d+(/attempts/\d+)?/?$")

_STYLE = "body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em;overflow-x:auto}"


@bp.get("/<owner>/<name>/actions/runs/<run_id>")
def run_page(owner: str, name: str, run_id: str) -> Response:
    return _page(owner, name, run_id, None)


@bp.get("/<owner>/<name>/actions/runs/<run_id>/attempts/<number>")
def attempt_page(owner: str, name: str, run_id: str, number: str) -> Response:
    return _page(owner, name, run_id, number)


def _page(owner: str, name: str, run_id: str, number: str | None) -> Response:
    st = state()
    with st.lock:
        repo = st.find_repo(owner, name) or not_found()
        run = st.find_run(repo, int_arg(run_id)) or not_found()
        attempt = run.latest if number is None else (run.attempt(int_arg(number)) or not_found())
        now = st.now()
        view = attempt_view(attempt, now, st.time_factor)
        parts = [
            f"<h1>{escape(run.name)} · run {run.id} · attempt {attempt.number}</h1>",
            f"<p>{escape(repo.full_name)} · {escape(run.event)} on {escape(run.head_branch)} · commit {escape(run.head_sha[:12])}</p>",
            f"<p>status: <b>{escape(view.status)}</b> · conclusion: <b>{escape(view.conclusion or '—')}</b></p>",
        ]
        others = [a.number for a in run.attempts if a.number != attempt.number]
        if others:
            base = f"/{escape(repo.full_name)}/actions/runs/{run.id}/attempts/"
            parts.append("<p>other attempts: " + ", ".join(f'<a href="{base}{n}">{n}</a>' for n in others) + "</p>")
        for job in attempt.jobs:
            jv = job_view(job, attempt, now, st.time_factor)
            parts.append(f"<h2>{escape(job.name)}: {escape(jv.status)} ({escape(jv.conclusion or '—')})</h2>")
            parts.append(f"<pre>{escape(visible_log(job, jv))}</pre>")
        title = f"run {run.id} attempt {attempt.number} · {escape(repo.full_name)}"
    html = f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title><style>{_STYLE}</style></head><body>{"".join(parts)}</body></html>'
    response = Response(html, mimetype="text/html")
    # Nothing on the page runs: no script, no outside resource, not framed.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    return response
