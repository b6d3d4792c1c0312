"""GitHub App endpoints, authenticated with the App's JWT (app_jwt.py): the App, its installations, and
installation access tokens (`ghs_`, an hour long, held to the installation's permissions and rate limit)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g

from wizard.sandbox import auth
from wizard.sandbox.api import ApiError, api_url, body_json, int_arg, iso, json_response, not_found, paginate, state, web_url
from wizard.sandbox.model import App, Installation
from wizard.sandbox.render_core import simple_user

bp = Blueprint("apps", __name__)
NOT_GRANTED = "The permissions requested are not granted to this installation."


def _app() -> App:
    found: App = g.app
    return found


def app_json(app: App) -> dict[str, Any]:
    return {
        "id": app.id,
        "slug": app.slug,
        "client_id": app.client_id,
        "node_id": f"A_kwDO{app.id:08d}",
        "owner": simple_user(app.owner) if app.owner is not None else None,
        "name": app.name,
        "description": "",
        "external_url": web_url(f"/apps/{app.slug}"),
        "html_url": web_url(f"/apps/{app.slug}"),
        "created_at": iso(app.created_at),
        "updated_at": iso(app.created_at),
        "permissions": {},
        "events": [],
        "installations_count": len(app.installations),
    }


def installation_json(app: App, found: Installation) -> dict[str, Any]:
    account = found.account
    return {
        "id": found.id,
        "account": simple_user(account),
        "repository_selection": found.repository_selection,
        "access_tokens_url": api_url(f"/app/installations/{found.id}/access_tokens"),
        "repositories_url": api_url("/installation/repositories"),
        "html_url": web_url(f"/organizations/{account.login}/settings/installations/{found.id}"),
        "app_id": app.id,
        "app_slug": app.slug,
        "client_id": app.client_id,
        "target_id": account.id,
        "target_type": account.type,
        "permissions": dict(found.permissions),
        "events": [],
        "created_at": iso(found.created_at),
        "updated_at": iso(found.created_at),
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": None,
    }


def _installed_on(login: str) -> Installation:
    found = _app().installations.get(login.lower())
    if found is None:
        not_found()  # GitHub: 404 when the App is not installed on that account
    return found


def _own_installation(installation_id: str) -> Installation:
    found = state().find_installation(int_arg(installation_id))
    if found is None or found[0] is not _app():
        not_found()
    return found[1]


@bp.get("/app")
def get_app() -> Response:
    with state().lock:
        return json_response(app_json(_app()))


@bp.get("/app/installations")
def list_installations() -> Response:
    with state().lock:
        app = _app()
        page, headers = paginate(sorted(app.installations.values(), key=lambda i: i.id))
        return json_response([installation_json(app, i) for i in page], headers=headers)


@bp.get("/app/installations/<installation_id>")
def get_installation(installation_id: str) -> Response:
    with state().lock:
        return json_response(installation_json(_app(), _own_installation(installation_id)))


@bp.get("/orgs/<org>/installation")
def org_installation(org: str) -> Response:
    with state().lock:
        return json_response(installation_json(_app(), _installed_on(org)))


@bp.get("/users/<login>/installation")
def user_installation(login: str) -> Response:
    with state().lock:
        return json_response(installation_json(_app(), _installed_on(login)))


@bp.get("/repos/<owner>/<name>/installation")
def repo_installation(owner: str, name: str) -> Response:
    with state().lock:
        if state().find_repo(owner, name) is None:
            not_found()
        return json_response(installation_json(_app(), _installed_on(owner)))


@bp.post("/app/installations/<installation_id>/access_tokens")
def create_access_token(installation_id: str) -> Response:
    body = body_json()
    st = state()
    with st.lock:
        app = _app()
        found = _own_installation(installation_id)
        wanted = body.get("permissions") or {}
        if not isinstance(wanted, dict):
            raise ApiError(422, "Invalid request.\n\nFor 'properties/permissions', is not an object.")
        held = dict(found.permissions)
        for name, access in wanted.items():
            if access not in auth.ACCESS_LEVELS or auth.ACCESS_LEVELS[access] > auth.ACCESS_LEVELS.get(held.get(name, ""), 0):
                raise ApiError(422, NOT_GRANTED)
        permissions = {str(k): str(v) for k, v in wanted.items()} if wanted else held
        value = st.add_installation_token(permissions, app=app.slug, installation=found)
        token = st.tokens[value]
        return json_response(
            {
                "token": value,
                "expires_at": iso(token.expires_at),
                "permissions": permissions,
                "repository_selection": found.repository_selection,
            },
            201,
        )
