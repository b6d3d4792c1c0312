"""GET /orgs/{org}/repos (filtered, sorted, paginated like GitHub's) and a repository's topics (GET/PUT)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from wizard.sandbox import auth
from wizard.sandbox.api import ApiError, accept_scopes, body_json, find_org, find_repo, json_response, paginate, require_fields, state
from wizard.sandbox.model import Repo
from wizard.sandbox.render_core import listed_repository
from wizard.sandbox.state import utcnow
from wizard.sandbox.topics import checked_topics

bp = Blueprint("org_repos", __name__)

# GitHub's values for the listing's query; `internal` is for orgs of an enterprise. Only a seed makes a fork.
TYPES = ("all", "public", "private", "forks", "sources", "member", "internal")
SORTS = ("created", "updated", "pushed", "full_name")
DIRECTIONS = ("asc", "desc")


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise ApiError(422, f"Invalid request.\n\n{value!r} is not a valid {name}: use one of {', '.join(allowed)}.")
    return value


def _sort_key(sort: str) -> Any:
    if sort == "full_name":
        return lambda r: (r.full_name.lower(), r.id)
    attribute = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at"}[sort]
    return lambda r: (getattr(r, attribute), r.id)  # ties (repos made in one second) in creation order


def _of_type(repo: Repo, kind: str) -> bool:
    if kind == "public":
        return not repo.private
    if kind == "private":
        return repo.private and not repo.internal
    if kind == "internal":
        return repo.internal
    if kind in ("forks", "sources"):
        return repo.fork == (kind == "forks")
    return True  # all, member: the sandbox's tokens act as members (owners) of every org


@bp.get("/orgs/<org>/repos")
def list_org_repos(org: str) -> Response:
    kind = _choice("type", TYPES, "all")
    sort = _choice("sort", SORTS, "created")
    direction = _choice("direction", DIRECTIONS, "asc" if sort == "full_name" else "desc")
    accept_scopes()
    st = state()
    with st.lock:
        account = find_org(org)
        # Private and internal repositories show to a token that may read them (classic: the `repo` scope).
        sees_private = auth.has_scope(g.token, "repo")
        repos = [r for r in st.repos_of(account) if _of_type(r, kind) and (sees_private or not r.private)]
        repos.sort(key=_sort_key(sort), reverse=direction == "desc")
        page, headers = paginate(repos)
        return json_response([listed_repository(r) for r in page], headers=headers)


@bp.get("/repos/<owner>/<name>/topics")
def get_topics(owner: str, name: str) -> Response:
    with state().lock:
        return json_response({"names": list(find_repo(owner, name).topics)})


@bp.put("/repos/<owner>/<name>/topics")
def put_topics(owner: str, name: str) -> Response:
    body = body_json()
    require_fields(body, "names")
    with state().lock:
        repo = find_repo(owner, name, write=True)
        try:
            repo.topics = checked_topics(body["names"])
        except ValueError as exc:
            raise ApiError(
                422, "Validation Failed", errors=[{"resource": "Repository", "field": "topics", "code": "invalid", "message": str(exc)}]
            )
        repo.updated_at = utcnow()
        return json_response({"names": list(repo.topics)})
