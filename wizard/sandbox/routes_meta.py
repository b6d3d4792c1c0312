"""/user, /rate_limit, /orgs/{org} and /repos/{owner}/{repo}."""

from __future__ import annotations

from flask import Blueprint, Response, g

from wizard.sandbox import auth
from wizard.sandbox.api import (
    ApiError,
    accept_scopes,
    body_json,
    find_org,
    find_repo,
    json_response,
    no_content,
    paginate,
    require_scope,
    state,
    token_account,
    validation_failed,
)
from wizard.sandbox.model import Account
from wizard.sandbox.render_core import full_repository, organization_full, private_user
from wizard.sandbox.state import utcnow

bp = Blueprint("meta", __name__)


def _counts(account: Account) -> tuple[int, int]:
    repos = state().repos_of(account)
    return sum(1 for r in repos if not r.private), sum(1 for r in repos if r.private)


@bp.get("/user")
def get_user() -> Response:
    with state().lock:
        account = token_account()
        return json_response(private_user(account, *_counts(account)))


@bp.patch("/user")
def patch_user() -> Response:
    body = body_json()
    accept_scopes("user")
    require_scope("user", status=404)
    with state().lock:
        account = token_account()
        for key in ("name", "email"):
            if key in body:
                if body[key] is not None and not isinstance(body[key], str):
                    validation_failed(f"{key} must be a string", resource="User", field=key, code="invalid")
                setattr(account, key, body[key])
        return json_response(private_user(account, *_counts(account)))


@bp.get("/rate_limit")
def rate_limit() -> Response:
    with state().lock:
        core = auth.rate_state(g.token, state().rate_limit, state().seconds())
    core_json = {"limit": core.limit, "used": core.used, "remaining": core.remaining, "reset": core.reset}
    search = {"limit": 30, "used": 0, "remaining": 30, "reset": core.reset}
    graphql = {"limit": 5000, "used": 0, "remaining": 5000, "reset": core.reset}
    return json_response({"resources": {"core": core_json, "search": search, "graphql": graphql}, "rate": core_json})


@bp.get("/orgs/<org>")
def get_org(org: str) -> Response:
    accept_scopes("admin:org")
    with state().lock:
        account = find_org(org)
        token = g.token
        owner_view = auth.has_scope(token, "admin:org") if token.kind == "classic" else auth.holds(token, "organization_plan", "read")
        return json_response(organization_full(account, *_counts(account), owner_view=owner_view))


@bp.get("/installation/repositories")
def installation_repositories() -> Response:
    """The repositories an App installation can reach (every one here: repository_selection "all")."""
    if not g.token.installation:
        raise ApiError(403, "You must authenticate with an installation access token in order to list repositories for an installation.")
    with state().lock:
        repos = sorted(state().repos.values(), key=lambda r: r.id)
        page, headers = paginate(repos)
        return json_response(
            {"total_count": len(repos), "repositories": [full_repository(r) for r in page], "repository_selection": "all"}, headers=headers
        )


@bp.patch("/orgs/<org>")
def patch_org(org: str) -> Response:
    body = body_json()
    accept_scopes("admin:org", "repo")
    with state().lock:
        account = find_org(org)
        if not (auth.has_scope(g.token, "admin:org") or auth.has_scope(g.token, "repo")):
            raise ApiError(403, "Must have admin rights to Organization.")
        for key in ("name", "description", "email"):
            if key in body:
                setattr(account, key, body[key])
        return json_response(organization_full(account, *_counts(account)))


@bp.delete("/orgs/<org>")
def delete_org(org: str) -> Response:
    accept_scopes("admin:org")
    st = state()
    with st.lock:
        account = find_org(org)
        if not auth.has_scope(g.token, "admin:org"):
            raise ApiError(403, "Must have admin rights to Organization.")
        for repo in st.repos_of(account):
            st.remove_repo(repo)
        del st.accounts[account.login.lower()]
    return json_response({}, 202)


@bp.get("/repos/<owner>/<name>")
def get_repo(owner: str, name: str) -> Response:
    with state().lock:
        return json_response(full_repository(find_repo(owner, name)))


@bp.patch("/repos/<owner>/<name>")
def patch_repo(owner: str, name: str) -> Response:
    body = body_json()
    with state().lock:
        repo = find_repo(owner, name, write=True)
        if "default_branch" in body:
            if body["default_branch"] not in repo.branches:
                validation_failed(
                    f"The branch {body['default_branch']} was not found. Please push that ref first or create it via the Git Data API.",
                    resource="Repository",
                    field="default_branch",
                    code="invalid",
                )
            repo.default_branch = body["default_branch"]
        if "description" in body:
            repo.description = body["description"]
        if "private" in body:
            repo.private = bool(body["private"])
        if body.get("visibility") in ("public", "private"):
            repo.private = body["visibility"] == "private"
        repo.updated_at = utcnow()
        return json_response(full_repository(repo))


@bp.delete("/repos/<owner>/<name>")
def delete_repo(owner: str, name: str) -> Response:
    accept_scopes("delete_repo")
    with state().lock:
        repo = find_repo(owner, name, write=True)
        if not auth.has_scope(g.token, "delete_repo"):
            raise ApiError(403, "Must have admin rights to Repository.")
        state().remove_repo(repo)
    return no_content()
