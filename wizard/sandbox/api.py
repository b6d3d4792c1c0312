"""Helpers every route uses: errors in GitHub's shape, absolute URLs from the Host header,
JSON bodies, pagination with a Link header, scope checks and 404-raising lookups."""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

from flask import Response, g, request

from wizard.sandbox.auth import has_scope
from wizard.sandbox.faults import Faults
from wizard.sandbox.model import Account, Repo
from wizard.sandbox.state import SandboxState

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[Any] | None = None,
        headers: dict[str, str] | None = None,
        documentation_url: str = DOCS,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.documentation_url = documentation_url

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": self.documentation_url}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def not_found() -> NoReturn:
    raise ApiError(404, "Not Found")


def validation_failed(message: str, *, resource: str = "", field: str = "", code: str = "custom") -> NoReturn:
    """422 with GitHub's `errors` list."""
    error: dict[str, Any] = {"resource": resource, "code": code, "message": message}
    if field:
        error["field"] = field
    raise ApiError(422, "Validation Failed", errors=[error])


SANDBOX_KEY = "sandbox.app"  # the WSGI environ key of the sandbox a request is for (set by app.SandboxApp)


def state() -> SandboxState:
    st: SandboxState = request.environ[SANDBOX_KEY].state
    return st


def faults() -> Faults:
    found: Faults = request.environ[SANDBOX_KEY].faults
    return found


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def api_url(path: str) -> str:
    """An absolute API URL on the host the client used (PyGithub insists on the same host:port)."""
    root: str | None = g.get("api_root")
    if root is None:
        root = g.api_root = request.host_url.rstrip("/")
    return root + path


def web_url(path: str) -> str:
    """A web page's URL on the sandbox itself, as GitHub Enterprise Server links to its own host: a run's page
    (routes_web.py) opens in a browser."""
    return api_url(path)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = "" if data is None else json.dumps(data, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def no_content(status: int = 204) -> Response:
    return Response(status=status)


def body_json() -> dict[str, Any]:
    """The request's JSON object body ({} when empty); 400 like GitHub when it does not parse."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ApiError(400, "Problems parsing JSON")
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    return data


def require_fields(body: dict[str, Any], *names: str) -> None:
    missing = [n for n in names if n not in body]
    if missing:
        quoted = ", ".join(f'"{n}"' for n in missing)
        verb = "wasn't" if len(missing) == 1 else "weren't"
        raise ApiError(422, f"Invalid request.\n\n{quoted} {verb} supplied.")


def paginate(items: Sequence[Any], default_per_page: int = 30) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` per `per_page`/`page`, and a Link header when there is more than one."""
    try:
        per_page = max(1, min(100, int(request.args.get("per_page", default_per_page))))
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        raise ApiError(400, "Invalid pagination parameter")
    last = max(1, math.ceil(len(items) / per_page))
    chunk = list(items[(page - 1) * per_page : page * per_page])
    if last == 1:
        return chunk, {}
    links = []
    base_args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

    def link(n: int, rel: str) -> str:
        query = urllib.parse.urlencode({**base_args, "per_page": per_page, "page": n})
        return f'<{api_url(request.path)}?{query}>; rel="{rel}"'

    # As GitHub: no prev/first on the first page, no next/last on the last one.
    if page > 1:
        links.append(link(page - 1, "prev"))
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links.append(link(1, "first"))
    return chunk, {"Link": ", ".join(links)}


# scopes ---------------------------------------------------------------------------------------------
def accept_scopes(*scopes: str) -> None:
    """Record what this endpoint accepts, for the X-Accepted-OAuth-Scopes header."""
    g.accepted_scopes = ", ".join(scopes)


def require_scope(scope: str, *, status: int = 404, message: str = "Not Found") -> None:
    if not has_scope(g.token, scope):
        raise ApiError(status, message)


# lookups --------------------------------------------------------------------------------------------
def token_account() -> Account:
    """The account of the request's token: SandboxState.add_token creates it along with the token."""
    account = state().find_account(g.token.login)
    assert account is not None, f"no account for the token of {g.token.login}"
    return account


def find_org(login: str) -> Account:
    account = state().find_account(login)
    if account is None or not account.is_org:
        not_found()
    return account


VISIBILITIES = ("all", "private", "selected")


def find_org_admin(login: str) -> Account:
    """The org for a secrets/variables call: 404 if unknown, then 403 without `admin:org`."""
    accept_scopes("admin:org")
    account = find_org(login)
    if not has_scope(g.token, "admin:org"):
        raise ApiError(403, "Must have admin rights to Organization.")
    return account


def find_repo(owner: str, name: str, *, write: bool = False) -> Repo:
    """The repo, or 404; private repos (and any write) need the `repo` scope, else 404 like GitHub; a write to an
    archived repo is refused (403) as GitHub refuses it."""
    repo = state().find_repo(owner, name)
    if repo is None:
        not_found()
    accept_scopes("repo")
    if (repo.private or write) and not has_scope(g.token, "repo"):
        not_found()
    if write and repo.archived:
        raise ApiError(403, "Repository was archived so is read-only.")
    return repo


PLAN_REFUSAL = "Upgrade to GitHub Pro or make this repository public to enable this feature."


def find_environments_repo(owner: str, name: str, *, write: bool = False) -> Repo:
    """find_repo, for the environment endpoints: on the Free plan environments (and their secrets and variables)
    exist in public repositories only, so a private or internal repo of a Free account answers 403."""
    repo = find_repo(owner, name, write=write)
    if repo.private and repo.owner.plan == "free":
        raise ApiError(403, PLAN_REFUSAL, documentation_url="https://docs.github.com/rest/deployments/environments")
    return repo


def int_arg(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        not_found()
