"""Actions variables: organisation (with visibility and selected repositories), repository, environment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response

from wizard.sandbox.api import (
    VISIBILITIES,
    ApiError,
    api_url,
    body_json,
    find_environments_repo,
    find_org_admin,
    find_repo,
    iso,
    json_response,
    no_content,
    not_found,
    paginate,
    require_fields,
    state,
)
from wizard.sandbox.model import Account, Variable
from wizard.sandbox.secretbox import SECRET_NAME_RE
from wizard.sandbox.selected_repos import add_selected, remove_selected, selected_repos_response
from wizard.sandbox.state import utcnow

bp = Blueprint("variables", __name__)


def _json(var: Variable, org: Account | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": var.name, "value": var.value, "created_at": iso(var.created_at), "updated_at": iso(var.updated_at)}
    if org is not None:
        data["visibility"] = var.visibility
        if var.visibility == "selected":
            data["selected_repositories_url"] = api_url(f"/orgs/{org.login}/actions/variables/{var.name}/repositories")
    return data


def _list(variables: dict[str, Variable], org: Account | None = None, only: Callable[[Variable], bool] | None = None) -> Response:
    items = sorted((v for v in variables.values() if only is None or only(v)), key=lambda v: v.name)
    page, headers = paginate(items, default_per_page=10)
    return json_response({"total_count": len(items), "variables": [_json(v, org) for v in page]}, headers=headers)


def _get(variables: dict[str, Variable], name: str) -> Variable:
    return variables.get(name.upper()) or not_found()


def _create(variables: dict[str, Variable], body: dict[str, Any], *, org: bool = False) -> Variable:
    require_fields(body, "name", "value", *(("visibility",) if org else ()))
    name, value = body["name"], body["value"]
    if not isinstance(name, str) or not SECRET_NAME_RE.match(name) or name.upper().startswith("GITHUB_"):
        raise ApiError(
            422,
            "Variable names can only contain alphanumeric characters or underscores, and must "
            "not start with a number or with the GITHUB_ prefix.",
        )
    if not isinstance(value, str):
        raise ApiError(422, "Invalid request.\n\nFor 'value', must be a string.")
    if name.upper() in variables:
        raise ApiError(409, "Already exists - Variable already exists")
    now = utcnow()
    var = Variable(name.upper(), value, now, now)
    if org:
        _set_visibility(var, body)
    variables[var.name] = var
    return var


def _set_visibility(var: Variable, body: dict[str, Any]) -> None:
    if "visibility" not in body:
        return
    if body["visibility"] not in VISIBILITIES:
        raise ApiError(422, "Invalid request.\n\nFor 'visibility', must be one of: all, private, selected.")
    var.visibility = body["visibility"]
    if "selected_repository_ids" in body:
        ids = body["selected_repository_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise ApiError(422, "Invalid request.\n\nFor 'selected_repository_ids', must be an array of integers.")
        var.selected_repository_ids = list(dict.fromkeys(ids))


def _update(variables: dict[str, Variable], name: str, body: dict[str, Any], *, org: bool = False) -> None:
    var = _get(variables, name)
    if "value" in body:
        if not isinstance(body["value"], str):
            raise ApiError(422, "Invalid request.\n\nFor 'value', must be a string.")
        var.value = body["value"]
    if org:
        _set_visibility(var, body)
    if isinstance(body.get("name"), str) and body["name"].upper() != var.name:
        if body["name"].upper() in variables:
            raise ApiError(409, "Already exists - Variable already exists")
        del variables[var.name]
        var.name = body["name"].upper()
        variables[var.name] = var
    var.updated_at = utcnow()


def _delete(variables: dict[str, Variable], name: str) -> None:
    if variables.pop(name.upper(), None) is None:
        not_found()


# organisation ---------------------------------------------------------------------------------------
@bp.get("/orgs/<org>/actions/variables")
def list_org(org: str) -> Response:
    with state().lock:
        account = find_org_admin(org)
        return _list(account.variables, account)


@bp.post("/orgs/<org>/actions/variables")
def create_org(org: str) -> Response:
    body = body_json()
    with state().lock:
        _create(find_org_admin(org).variables, body, org=True)
    return json_response({}, 201)


@bp.get("/orgs/<org>/actions/variables/<name>")
def get_org(org: str, name: str) -> Response:
    with state().lock:
        account = find_org_admin(org)
        return json_response(_json(_get(account.variables, name), account))


@bp.patch("/orgs/<org>/actions/variables/<name>")
def update_org(org: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        _update(find_org_admin(org).variables, name, body, org=True)
    return no_content()


@bp.delete("/orgs/<org>/actions/variables/<name>")
def delete_org(org: str, name: str) -> Response:
    with state().lock:
        _delete(find_org_admin(org).variables, name)
    return no_content()


def _selected(org: str, name: str) -> Variable:
    var = _get(find_org_admin(org).variables, name)
    if var.visibility != "selected":
        raise ApiError(409, "The visibility of the variable is not set to selected.")
    return var


@bp.get("/orgs/<org>/actions/variables/<name>/repositories")
def list_var_repos(org: str, name: str) -> Response:
    with state().lock:
        return selected_repos_response(_selected(org, name).selected_repository_ids)


@bp.put("/orgs/<org>/actions/variables/<name>/repositories")
def set_var_repos(org: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        var = _selected(org, name)
        require_fields(body, "selected_repository_ids")
        _set_visibility(var, {"visibility": "selected", **body})
    return no_content()


@bp.put("/orgs/<org>/actions/variables/<name>/repositories/<repository_id>")
def add_var_repo(org: str, name: str, repository_id: str) -> Response:
    with state().lock:
        add_selected(_selected(org, name).selected_repository_ids, repository_id)
    return no_content()


@bp.delete("/orgs/<org>/actions/variables/<name>/repositories/<repository_id>")
def remove_var_repo(org: str, name: str, repository_id: str) -> Response:
    with state().lock:
        remove_selected(_selected(org, name).selected_repository_ids, repository_id)
    return no_content()


# repository -----------------------------------------------------------------------------------------
@bp.get("/repos/<owner>/<name>/actions/variables")
def list_repo(owner: str, name: str) -> Response:
    with state().lock:
        return _list(find_repo(owner, name, write=True).variables)


@bp.get("/repos/<owner>/<name>/actions/organization-variables")
def list_repo_org(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name, write=True)

        def visible(var: Variable) -> bool:
            return var.visibility == "all" or (var.visibility == "private" and repo.private) or repo.id in var.selected_repository_ids

        return _list(repo.owner.variables, None, visible)


@bp.post("/repos/<owner>/<name>/actions/variables")
def create_repo(owner: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        _create(find_repo(owner, name, write=True).variables, body)
    return json_response({}, 201)


@bp.get("/repos/<owner>/<name>/actions/variables/<var>")
def get_repo(owner: str, name: str, var: str) -> Response:
    with state().lock:
        return json_response(_json(_get(find_repo(owner, name, write=True).variables, var)))


@bp.patch("/repos/<owner>/<name>/actions/variables/<var>")
def update_repo(owner: str, name: str, var: str) -> Response:
    body = body_json()
    with state().lock:
        _update(find_repo(owner, name, write=True).variables, var, body)
    return no_content()


@bp.delete("/repos/<owner>/<name>/actions/variables/<var>")
def delete_repo(owner: str, name: str, var: str) -> Response:
    with state().lock:
        _delete(find_repo(owner, name, write=True).variables, var)
    return no_content()


# environment ----------------------------------------------------------------------------------------
def _env_vars(owner: str, name: str, environment: str) -> dict[str, Variable]:
    env = find_environments_repo(owner, name, write=True).find_environment(environment) or not_found()
    return env.variables


@bp.get("/repos/<owner>/<name>/environments/<path:environment>/variables")
def list_env(owner: str, name: str, environment: str) -> Response:
    with state().lock:
        return _list(_env_vars(owner, name, environment))


@bp.post("/repos/<owner>/<name>/environments/<path:environment>/variables")
def create_env(owner: str, name: str, environment: str) -> Response:
    body = body_json()
    with state().lock:
        _create(_env_vars(owner, name, environment), body)
    return json_response({}, 201)


@bp.get("/repos/<owner>/<name>/environments/<path:environment>/variables/<var>")
def get_env(owner: str, name: str, environment: str, var: str) -> Response:
    with state().lock:
        return json_response(_json(_get(_env_vars(owner, name, environment), var)))


@bp.patch("/repos/<owner>/<name>/environments/<path:environment>/variables/<var>")
def update_env(owner: str, name: str, environment: str, var: str) -> Response:
    body = body_json()
    with state().lock:
        _update(_env_vars(owner, name, environment), var, body)
    return no_content()


@bp.delete("/repos/<owner>/<name>/environments/<path:environment>/variables/<var>")
def delete_env(owner: str, name: str, environment: str, var: str) -> Response:
    with state().lock:
        _delete(_env_vars(owner, name, environment), var)
    return no_content()
