"""The loopback-only `/_sandbox` area (state, request log, faults) and the log downloads behind redirects.

`/_sandbox/blobs/<token>` plays GitHub's signed log URLs: it needs no Authorization header (the
random token in the path is the credential) and serves plain text or a zip. A job's log is written when
the job completes: before that its URL answers 404 BlobNotFound, as GitHub's log storage does.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from wizard.sandbox.api import ApiError, faults, iso, json_response, no_content, not_found, state
from wizard.sandbox.model import Repo, Variable
from wizard.sandbox.run_queries import attempt_zip, job_log_text
from wizard.sandbox.runs import attempt_view, job_view
from wizard.sandbox.secretbox import Secret, SecretScope
from wizard.sandbox.state import SandboxState

bp = Blueprint("sandbox", __name__)

# What GitHub's log storage answers for a job that is queued or still running (its log is not written yet).
BLOB_NOT_FOUND = (
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>'
)


def _secrets(scope: SecretScope) -> list[dict[str, Any]]:
    def one(s: Secret) -> dict[str, Any]:
        return {
            "name": s.name,
            "sha256": s.sha256,
            "visibility": s.visibility,
            "selected_repositories": list(s.selected_repository_ids),
            "updated_at": iso(s.updated_at),
        }

    return [one(s) for s in sorted(scope.secrets.values(), key=lambda s: s.name)]


def _variables(variables: dict[str, Variable]) -> list[dict[str, Any]]:
    return [
        {"name": v.name, "value": v.value, "visibility": v.visibility, "selected_repositories": list(v.selected_repository_ids)}
        for v in variables.values()
    ]


def _repo_state(st: SandboxState, repo: Repo) -> dict[str, Any]:
    now = st.now()
    head = repo.branches[repo.default_branch]
    files = {path: {"sha": blob, "size": len(repo.git.blobs[blob])} for path, blob in sorted(repo.git.commits[head].files.items())}
    runs = []
    for run in sorted(repo.runs.values(), key=lambda r: r.id):
        view = attempt_view(run.latest, now, st.time_factor)
        runs.append(
            {
                "id": run.id,
                "workflow_path": run.workflow_path,
                "event": run.event,
                "head_branch": run.head_branch,
                "head_sha": run.head_sha,
                "status": view.status,
                "conclusion": view.conclusion,
                "attempts": [
                    {
                        "number": a.number,
                        "debug_logging": a.debug_logging,
                        "jobs": [
                            {
                                "id": j.id,
                                "name": j.name,
                                "conclusion": j.conclusion,
                                "secrets_seen": list(j.secrets_seen),
                                "build_secrets_mounted": list(j.build_secrets_mounted),
                            }
                            for j in a.jobs
                        ],
                    }
                    for a in run.attempts
                ],
            }
        )
    return {
        "id": repo.id,
        "full_name": repo.full_name,
        "private": repo.private,
        "topics": list(repo.topics),
        "default_branch": repo.default_branch,
        "branches": dict(repo.branches),
        "files": files,
        "secrets": _secrets(repo.secrets),
        "variables": _variables(repo.variables),
        "environments": [
            {"name": e.name, "secrets": _secrets(e.secrets), "variables": _variables(e.variables)} for e in repo.environments.values()
        ],
        "pulls": [
            {
                "number": p.number,
                "title": p.title,
                "head": p.head,
                "base": p.base,
                "state": p.state,
                "merged": p.merged,
                "merge_commit_sha": p.merge_commit_sha,
            }
            for p in repo.pulls
        ],
        "runs": runs,
        "default_workflow_permissions": repo.default_workflow_permissions,
    }


def snapshot(st: SandboxState) -> dict[str, Any]:
    """The sandbox's state for tests and demos: secret values only as sha256, never in clear."""
    with st.lock:
        accounts = list(st.accounts.values())
        return {
            "orgs": [
                {"login": a.login, "id": a.id, "secrets": _secrets(a.secrets), "variables": _variables(a.variables)}
                for a in accounts
                if a.is_org
            ],
            "users": [{"login": a.login, "id": a.id} for a in accounts if not a.is_org],
            "repos": [_repo_state(st, r) for r in st.repos.values()],
            "registry": st.registry.snapshot() if st.registry is not None else None,
            # Refusals for the content-creation and concurrent-request limits (injected faults not counted).
            "secondary_limit_hits": st.secondary_limit_hits,
            "settings": {
                "time_factor": st.time_factor,
                "legacy_dispatch_400": st.legacy_dispatch_400,
                "content_limit_per_minute": st.content_limit_per_minute,
                "concurrent_limit": st.concurrent_limit,
                "rate_limit": st.rate_limit,
            },
        }


@bp.get("/_sandbox/state")
def get_state() -> Response:
    return json_response(snapshot(state()))


@bp.get("/_sandbox/requests")
def get_requests() -> Response:
    with state().lock:
        return json_response(list(state().requests))


@bp.delete("/_sandbox/requests")
def clear_requests() -> Response:
    with state().lock:
        state().requests.clear()
    return no_content()


@bp.get("/_sandbox/faults")
def list_faults() -> Response:
    return json_response([r.to_json() for r in faults().rules()])


@bp.post("/_sandbox/faults")
def add_fault() -> Response:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Send a JSON object: {method, path, count, status | reset | delay, retry_after}")
    try:
        rule = faults().add_from_json(data)
    except (TypeError, ValueError) as exc:
        raise ApiError(422, str(exc))
    return json_response(rule.to_json(), 201)


@bp.delete("/_sandbox/faults")
def clear_faults() -> Response:
    faults().clear()
    return no_content()


@bp.delete("/_sandbox/faults/<int:rule_id>")
def delete_fault(rule_id: int) -> Response:
    if not faults().remove(rule_id):
        not_found()
    return no_content()


@bp.get("/_sandbox/blobs/<token>")
def blob(token: str) -> Response:
    st = state()
    with st.lock:
        what = st.blobs.get(token) or not_found()
        repo = st.repo_by_id(what[1]) or not_found()
        run = repo.runs.get(what[2]) or not_found()
        attempt = run.attempt(what[3]) or not_found()
        if what[0] == "zip":
            data = attempt_zip(st, attempt)
            response = Response(data, mimetype="application/zip")
            response.headers["Content-Disposition"] = f"attachment; filename=logs_{run.id}.zip"
            return response
        index = next((i for i, j in enumerate(attempt.jobs) if j.id == what[4]), None)
        if index is None:
            not_found()
        if job_view(attempt.jobs[index], attempt, st.now(), st.time_factor).status != "completed":
            return Response(BLOB_NOT_FOUND, status=404, mimetype="application/xml")
        return Response(job_log_text(st, attempt, index), mimetype="text/plain")
