"""Actions secrets: organisation (with visibility and selected repositories), repository, environment."""

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
    int_arg,
    iso,
    json_response,
    no_content,
    not_found,
    paginate,
    require_fields,
    state,
)
from wizard.sandbox.model import Account
from wizard.sandbox.secretbox import Secret, SecretRejected, SecretScope, visible_to
from wizard.sandbox.selected_repos import add_selected, remove_selected, selected_repos_response
from wizard.sandbox.state import utcnow

bp = Blueprint("secrets", __name__)


def _secret_json(secret: Secret) -> dict[str, Any]:
    return {"name": secret.name, "created_at": iso(secret.created_at), "updated_at": iso(secret.updated_at)}


def _org_secret_json(org: Account, secret: Secret) -> dict[str, Any]:
    data = {**_secret_json(secret), "visibility": secret.visibility}
    if secret.visibility == "selected":
        data["selected_repositories_url"] = api_url(f"/orgs/{org.login}/actions/secrets/{secret.name}/repositories")
    return data


def _list(scope: SecretScope, render: Callable[[Secret], dict[str, Any]]) -> Response:
    items = sorted(scope.secrets.values(), key=lambda s: s.name)
    page, headers = paginate(items)
    return json_response({"total_count": len(items), "secrets": [render(s) for s in page]}, headers=headers)


def _public_key(scope: SecretScope) -> Response:
    return json_response({"key_id": scope.key_id, "key": scope.public_key_b64})


def _put(scope: SecretScope, name: str, body: dict[str, Any], visibility: str | None = None) -> tuple[Secret, bool]:
    require_fields(body, "encrypted_value", "key_id")
    try:
        value = scope.open(body["key_id"], body["encrypted_value"])
        return scope.put(name, value, utcnow(), visibility)
    except SecretRejected as exc:
        raise ApiError(422, str(exc))


def _repo_ids(body: dict[str, Any], key: str = "selected_repository_ids") -> list[int]:
    ids = body.get(key)
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError(422, f"Invalid request.\n\nFor '{key}', the value must be an array of integers.")
    unknown = [i for i in ids if state().repo_by_id(i) is None]
    if unknown:
        raise ApiError(422, f"Repositories not found: {unknown}")
    return list(dict.fromkeys(ids))


# organisation ---------------------------------------------------------------------------------------
@bp.get("/orgs/<org>/actions/secrets")
def list_org_secrets(org: str) -> Response:
    with state().lock:
        account = find_org_admin(org)
        return _list(account.secrets, lambda s: _org_secret_json(account, s))


@bp.get("/orgs/<org>/actions/secrets/public-key")
def org_public_key(org: str) -> Response:
    with state().lock:
        return _public_key(find_org_admin(org).secrets)


@bp.get("/orgs/<org>/actions/secrets/<name>")
def get_org_secret(org: str, name: str) -> Response:
    with state().lock:
        account = find_org_admin(org)
        secret = account.secrets.get(name) or not_found()
        return json_response(_org_secret_json(account, secret))


@bp.put("/orgs/<org>/actions/secrets/<name>")
def put_org_secret(org: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        account = find_org_admin(org)
        require_fields(body, "encrypted_value", "key_id", "visibility")
        if body["visibility"] not in VISIBILITIES:
            raise ApiError(422, "Invalid request.\n\nFor 'visibility', must be one of: all, private, selected.")
        ids = _repo_ids(body) if "selected_repository_ids" in body else None
        secret, created = _put(account.secrets, name, body, body["visibility"])
        if ids is not None:
            secret.selected_repository_ids = ids
        elif body["visibility"] != "selected":
            secret.selected_repository_ids = []
        return json_response({}, 201) if created else no_content()


@bp.delete("/orgs/<org>/actions/secrets/<name>")
def delete_org_secret(org: str, name: str) -> Response:
    with state().lock:
        if not find_org_admin(org).secrets.delete(name):
            not_found()
    return no_content()


def _selected_secret(org: str, name: str) -> Secret:
    secret = find_org_admin(org).secrets.get(name) or not_found()
    return secret


@bp.get("/orgs/<org>/actions/secrets/<name>/repositories")
def list_secret_repos(org: str, name: str) -> Response:
    with state().lock:
        return selected_repos_response(_selected_secret(org, name).selected_repository_ids)


@bp.put("/orgs/<org>/actions/secrets/<name>/repositories")
def set_secret_repos(org: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        secret = _selected_secret(org, name)
        require_fields(body, "selected_repository_ids")
        ids = _repo_ids(body)
        if secret.visibility != "selected":
            raise ApiError(409, "The visibility of the secret is not set to selected.")
        secret.selected_repository_ids = ids
    return no_content()


@bp.put("/orgs/<org>/actions/secrets/<name>/repositories/<repository_id>")
def add_secret_repo(org: str, name: str, repository_id: str) -> Response:
    with state().lock:
        secret = _selected_secret(org, name)
        if state().repo_by_id(int_arg(repository_id)) is None:
            not_found()
        if secret.visibility != "selected":
            raise ApiError(409, "The visibility of the secret is not set to selected.")
        add_selected(secret.selected_repository_ids, repository_id)
    return no_content()


@bp.delete("/orgs/<org>/actions/secrets/<name>/repositories/<repository_id>")
def remove_secret_repo(org: str, name: str, repository_id: str) -> Response:
    with state().lock:
        secret = _selected_secret(org, name)
        int_arg(repository_id)  # a malformed id is refused before the visibility check, as before
        if secret.visibility != "selected":
            raise ApiError(409, "The visibility of the secret is not set to selected.")
        remove_selected(secret.selected_repository_ids, repository_id)
    return no_content()


# repository -----------------------------------------------------------------------------------------
@bp.get("/repos/<owner>/<name>/actions/secrets")
def list_repo_secrets(owner: str, name: str) -> Response:
    with state().lock:
        return _list(find_repo(owner, name, write=True).secrets, _secret_json)


@bp.get("/repos/<owner>/<name>/actions/secrets/public-key")
def repo_public_key(owner: str, name: str) -> Response:
    with state().lock:
        return _public_key(find_repo(owner, name, write=True).secrets)


@bp.get("/repos/<owner>/<name>/actions/organization-secrets")
def list_repo_org_secrets(owner: str, name: str) -> Response:
    with state().lock:
        repo = find_repo(owner, name, write=True)
        visible = [s for s in repo.owner.secrets.secrets.values() if visible_to(s, repo.id, repo.private)]
        visible.sort(key=lambda s: s.name)
        page, headers = paginate(visible)
        return json_response({"total_count": len(visible), "secrets": [_secret_json(s) for s in page]}, headers=headers)


@bp.get("/repos/<owner>/<name>/actions/secrets/<secret_name>")
def get_repo_secret(owner: str, name: str, secret_name: str) -> Response:
    with state().lock:
        secret = find_repo(owner, name, write=True).secrets.get(secret_name) or not_found()
        return json_response(_secret_json(secret))


@bp.put("/repos/<owner>/<name>/actions/secrets/<secret_name>")
def put_repo_secret(owner: str, name: str, secret_name: str) -> Response:
    body = body_json()
    with state().lock:
        _, created = _put(find_repo(owner, name, write=True).secrets, secret_name, body)
    return json_response({}, 201) if created else no_content()


@bp.delete("/repos/<owner>/<name>/actions/secrets/<secret_name>")
def delete_repo_secret(owner: str, name: str, secret_name: str) -> Response:
    with state().lock:
        if not find_repo(owner, name, write=True).secrets.delete(secret_name):
            not_found()
    return no_content()


# environment ----------------------------------------------------------------------------------------
def _env_scope(owner: str, name: str, environment: str) -> SecretScope:
    repo = find_environments_repo(owner, name, write=True)
    env = repo.find_environment(environment) or not_found()
    return env.secrets


@bp.get("/repos/<owner>/<name>/environments/<path:environment>/secrets")
def list_env_secrets(owner: str, name: str, environment: str) -> Response:
    with state().lock:
        return _list(_env_scope(owner, name, environment), _secret_json)


@bp.get("/repos/<owner>/<name>/environments/<path:environment>/secrets/public-key")
def env_public_key(owner: str, name: str, environment: str) -> Response:
    with state().lock:
        return _public_key(_env_scope(owner, name, environment))


@bp.get("/repos/<owner>/<name>/environments/<path:environment>/secrets/<secret_name>")
def get_env_secret(owner: str, name: str, environment: str, secret_name: str) -> Response:
    with state().lock:
        secret = _env_scope(owner, name, environment).get(secret_name) or not_found()
        return json_response(_secret_json(secret))


@bp.put("/repos/<owner>/<name>/environments/<path:environment>/secrets/<secret_name>")
def put_env_secret(owner: str, name: str, environment: str, secret_name: str) -> Response:
    body = body_json()
    with state().lock:
        _, created = _put(_env_scope(owner, name, environment), secret_name, body)
    return json_response({}, 201) if created else no_content()


@bp.delete("/repos/<owner>/<name>/environments/<path:environment>/secrets/<secret_name>")
def delete_env_secret(owner: str, name: str, environment: str, secret_name: str) -> Response:
    with state().lock:
        if not _env_scope(owner, name, environment).delete(secret_name):
            not_found()
    return no_content()
