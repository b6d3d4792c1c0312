"""Workflows: listing (from the default branch), get, dispatch, the runs of one workflow, and the
repository's default GITHUB_TOKEN permissions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g

from wizard.sandbox import events
from wizard.sandbox.api import (
    ApiError,
    api_url,
    body_json,
    find_repo,
    json_response,
    no_content,
    not_found,
    paginate,
    require_fields,
    state,
    web_url,
)
from wizard.sandbox.model import Repo
from wizard.sandbox.render_actions import workflow_json
from wizard.sandbox.run_queries import runs_page
from wizard.sandbox.workflows import dispatch_inputs, find_workflow, load_workflow, triggers, workflow_files

bp = Blueprint("workflows", __name__)
DISPATCH_DOCS = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event"


@bp.get("/repos/<owner>/<name>/actions/permissions/workflow")
def get_permissions(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name, write=True)
        return json_response(
            {
                "default_workflow_permissions": repo.default_workflow_permissions,
                "can_approve_pull_request_reviews": repo.can_approve_pull_request_reviews,
            }
        )


@bp.put("/repos/<owner>/<name>/actions/permissions/workflow")
def put_permissions(owner: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        if "default_workflow_permissions" in body:
            if body["default_workflow_permissions"] not in ("read", "write"):
                raise ApiError(422, "Invalid request.\n\nFor 'default_workflow_permissions', must be read or write.")
            repo.default_workflow_permissions = body["default_workflow_permissions"]
        if "can_approve_pull_request_reviews" in body:
            repo.can_approve_pull_request_reviews = bool(body["can_approve_pull_request_reviews"])
    return no_content()


@bp.get("/repos/<owner>/<name>/actions/workflows")
def list_workflows(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        found = workflow_files(state(), repo, repo.branches[repo.default_branch])
        page, headers = paginate(found)
        return json_response({"total_count": len(found), "workflows": [workflow_json(repo, wf) for wf in page]}, headers=headers)


@bp.get("/repos/<owner>/<name>/actions/workflows/<workflow_id>")
def get_workflow(owner: str, name: str, workflow_id: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        wf = find_workflow(state(), repo, workflow_id) or not_found()
        return json_response(workflow_json(repo, wf))


def _resolve_dispatch_ref(repo: Repo, ref: Any) -> tuple[str, str]:
    """(branch, sha) for a dispatch `ref` (branch name or refs/heads/...)."""
    if isinstance(ref, str):
        branch = ref.removeprefix("refs/heads/")
        if branch in repo.branches:
            return branch, repo.branches[branch]
    raise ApiError(422, f"No ref found for: {ref}", documentation_url=DISPATCH_DOCS)


def _check_inputs(declared: dict[str, dict[str, Any]], given: Any) -> dict[str, Any]:
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise ApiError(422, "Invalid request.\n\nFor 'properties/inputs', must be an object.")
    if len(given) > 25:
        raise ApiError(422, "Invalid request.\n\nFor 'properties/inputs', must have at most 25 properties.")
    unexpected = sorted(set(given) - set(declared))
    if unexpected:
        listed = ",".join(f'"{u}"' for u in unexpected)
        raise ApiError(422, f"Unexpected inputs provided: [{listed}]", documentation_url=DISPATCH_DOCS)
    values: dict[str, Any] = {}
    for key, decl in declared.items():
        if key in given:
            value = given[key]
            options = decl.get("options")
            if decl.get("type") == "choice" and isinstance(options, list) and str(value) not in map(str, options):
                raise ApiError(
                    422, f"Provided value '{value}' for input '{key}' not in the list of allowed values", documentation_url=DISPATCH_DOCS
                )
            if decl.get("type") == "boolean" and str(value).lower() not in ("true", "false"):
                raise ApiError(422, f"Provided value '{value}' for input '{key}' is not a boolean", documentation_url=DISPATCH_DOCS)
            values[key] = value
        elif decl.get("required") and decl.get("default") in (None, ""):
            raise ApiError(422, f"Required input '{key}' not provided", documentation_url=DISPATCH_DOCS)
    return values


@bp.post("/repos/<owner>/<name>/actions/workflows/<workflow_id>/dispatches")
def dispatch(owner: str, name: str, workflow_id: str) -> Response:
    body = body_json()
    st = state()
    with st.lock:
        repo = find_repo(owner, name, write=True)
        wf = find_workflow(st, repo, workflow_id) or not_found()
        require_fields(body, "ref")
        if "return_run_details" in body and st.legacy_dispatch_400:
            raise ApiError(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.')
        branch, sha = _resolve_dispatch_ref(repo, body["ref"])
        at_ref = load_workflow(st, repo, sha, wf.path)
        if at_ref is None or "workflow_dispatch" not in triggers(at_ref.doc):
            raise ApiError(422, "Workflow does not have 'workflow_dispatch' trigger", documentation_url=DISPATCH_DOCS)
        inputs = _check_inputs(dispatch_inputs(at_ref.doc), body.get("inputs"))
        run = events.start_run(st, repo, at_ref, event="workflow_dispatch", branch=branch, sha=sha, actor=g.token.login, inputs=inputs)
        if body.get("return_run_details") is True:
            return json_response(
                {
                    "workflow_run_id": run.id,
                    "run_url": api_url(f"/repos/{repo.full_name}/actions/runs/{run.id}"),
                    "html_url": web_url(f"/{repo.full_name}/actions/runs/{run.id}"),
                }
            )
    return no_content()


@bp.get("/repos/<owner>/<name>/actions/workflows/<workflow_id>/runs")
def workflow_runs(owner: str, name: str, workflow_id: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name)
        ids = {i for path, i in repo.workflow_ids.items() if workflow_id == str(i) or workflow_id == path.rsplit("/", 1)[-1]}
        if not ids:
            wf = find_workflow(state(), repo, workflow_id) or not_found()
            ids = {wf.id}
        return runs_page(state(), repo, lambda run: run.workflow_id in ids)
