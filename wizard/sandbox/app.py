"""The Flask app factory: GitHub's cross-cutting behaviour around every route.

Before a route: the concurrent-request limit, fault injection, authentication, the primary rate limit and
the content-creation limit. After it: X-OAuth-Scopes / X-Accepted-OAuth-Scopes, ETag and 304, x-ratelimit-* headers and
the request log. Errors come out in GitHub's JSON shape.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Config, Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.test import Client

from wizard.sandbox import (
    app_jwt,
    auth,
    routes_apps,
    routes_contents,
    routes_envs,
    routes_git,
    routes_meta,
    routes_org_repos,
    routes_runs,
    routes_sandbox,
    routes_secrets,
    routes_variables,
    routes_web,
    routes_workflows,
)
from wizard.sandbox.api import SANDBOX_KEY, ApiError, json_response
from wizard.sandbox.faults import FaultRule, Faults
from wizard.sandbox.model import Token
from wizard.sandbox.state import SandboxState

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK = frozenset({"127.0.0.1", "::1"})
UNLOGGED = ("/_sandbox/state", "/_sandbox/requests", "/_sandbox/faults")
BLOBS = "/_sandbox/blobs/"  # log downloads: faults apply to them, the control area is exempt
NOT_COUNTED = frozenset({"/rate_limit"})
USER_DOCS = "https://docs.github.com/rest/users/users#get-the-authenticated-user"


# GitHub refuses larger request bodies too (the contents API's file limit is 100 MB).
MAX_BODY_BYTES = 100 * 1024 * 1024
# Host names a request may name: a page on another site that rebinds its DNS name to 127.0.0.1 names its own.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


class SandboxApp:
    """One sandbox's WSGI app: each request carries the sandbox (its state, faults and host names) into the
    process's one Flask app. Registering the ~100 routes compiles each of them (about 0.1 s), which a test
    suite starting hundreds of sandboxes would otherwise pay for every one."""

    def __init__(self, state: SandboxState, faults: Faults, *, hosts: tuple[str, ...] = ()) -> None:
        self.state = state
        self.faults = faults
        self.allowed_hosts = LOOPBACK_NAMES | {h.strip("[]").lower() for h in hosts if h not in ("0.0.0.0", "::")}
        self.flask = _flask_app()
        self.wsgi_app: Callable[[dict[str, Any], Any], Iterable[bytes]] = self._dispatch  # middleware wraps this, as Flask's

    def _dispatch(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ[SANDBOX_KEY] = self
        return self.flask.wsgi_app(environ, start_response)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.wsgi_app(environ, start_response)

    @property
    def config(self) -> Config:
        return self.flask.config

    def test_client(self) -> Client:
        """A werkzeug test client on this sandbox (no socket): answers are Flask responses."""
        return Client(self, Response)


def create_app(state: SandboxState, faults: Faults, *, hosts: tuple[str, ...] = ()) -> SandboxApp:
    return SandboxApp(state, faults, hosts=hosts)


def sandbox_of_request() -> SandboxApp:
    found: SandboxApp = request.environ[SANDBOX_KEY]
    return found


@functools.cache
def _flask_app() -> Flask:
    app = Flask("wizard.sandbox")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.url_map.strict_slashes = False
    # app.json is typed as the JSONProvider base; Flask's DefaultJSONProvider in use here has sort_keys
    app.json.sort_keys = False  # type: ignore[attr-defined]
    for module in (
        routes_apps,
        routes_meta,
        routes_org_repos,
        routes_secrets,
        routes_variables,
        routes_envs,
        routes_contents,
        routes_git,
        routes_workflows,
        routes_runs,
        routes_sandbox,
        routes_web,
    ):
        app.register_blueprint(module.bp)

    app.before_request(lambda: _before(sandbox_of_request()))
    app.after_request(lambda response: _after(sandbox_of_request().state, response))
    app.teardown_request(lambda exc: _release(sandbox_of_request().state))
    app.register_error_handler(ApiError, lambda e: json_response(e.body(), e.status, e.headers))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, lambda e: _server_error(app, e))
    return app


def _http_error(error: HTTPException) -> Response:
    # GitHub answers 404 for unknown paths and for methods a path does not support.
    status = error.code if error.code and error.code not in (404, 405) else 404
    message = "Not Found" if status == 404 else (error.description or "Error")
    return json_response(ApiError(status, message).body(), status)


def _server_error(app: Flask, error: Exception) -> Response:
    app.logger.exception("sandbox error")
    return json_response(ApiError(500, "Server Error").body(), 500)


def _is_sandbox_path(path: str) -> bool:
    return path == "/_sandbox" or path.startswith("/_sandbox/")


def _before(sandbox: SandboxApp) -> Response | None:
    state, faults = sandbox.state, sandbox.faults
    g.request_id = secrets.token_hex(8).upper()
    g.token = None
    if _host_name(request.host) not in sandbox.allowed_hosts:
        raise ApiError(403, "This sandbox answers requests addressed to its own host name only.")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "Request body too large.")
    blob = request.path.startswith(BLOBS)
    if _is_sandbox_path(request.path) and not blob:
        if request.remote_addr not in LOOPBACK:
            raise ApiError(403, "The /_sandbox area answers loopback clients only.")
        _check_control_token(state)
        return None
    if request.method == "GET" and routes_web.WEB_PAGE.match(request.path):
        # A run's web page (an html_url a browser opens): it sends no token, so only this machine may read it.
        if request.remote_addr not in LOOPBACK:
            raise ApiError(403, "The sandbox's web pages answer loopback clients only.")
        return None
    # Taken before a fault's delay: a slow answer holds its place among the token's concurrent requests, as on GitHub.
    _enter(state)
    if "sandbox.fault" in request.environ:
        rule = request.environ["sandbox.fault"]
    else:  # not behind our request handler (e.g. Flask's test client): match here
        rule = faults.take(request.method, request.path)
    if rule is not None:
        response = _apply_fault(rule)
        if response is not None:
            return response
    # Log downloads carry their credential in the URL, like GitHub's signed links: no token needed.
    return None if blob else _authenticate(state)


def _host_name(host: str) -> str:
    """The name in a Host header without its port ("[::1]:8080" -> "::1")."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


def _check_control_token(state: SandboxState) -> None:
    """The control area reads every secret's hash and injects faults: it asks for the token `serve` printed."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    expected = state.control_token
    if expected is None:
        return
    if scheme.lower() not in ("token", "bearer") or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(401, "The /_sandbox area needs the sandbox token: send Authorization: token <the token sandbox serve printed>.")


def _apply_fault(rule: FaultRule) -> Response | None:
    if rule.delay:
        time.sleep(rule.delay)
    if rule.reset:  # only reachable without the socket-level handler
        raise ApiError(500, "Server Error")
    if rule.status is None:
        return None
    if rule.status in (403, 429) and rule.retry_after is not None:
        message = auth.SECONDARY_MESSAGE.format(request_id=g.request_id)
        return json_response(ApiError(rule.status, message).body(), rule.status, {"Retry-After": str(rule.retry_after)})
    message = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(rule.status, "Forbidden")
    return json_response(ApiError(rule.status, message).body(), rule.status)


def _enter(state: SandboxState) -> None:
    """Count the request among its token's requests in flight; refuse it over GitHub's concurrent-request limit.

    An unknown or missing token is left to _authenticate (401). `_release` gives the place back when the answer is done.
    """
    value = auth.token_from_header(request.headers.get("Authorization"))
    with state.lock:
        token = state.token(value) if value is not None else None
        if token is None:
            return
        if token.in_flight >= state.concurrent_limit:
            g.token = token  # the refusal carries the x-ratelimit-* headers, as GitHub's does
            state.secondary_limit_hits += 1
            # GitHub names no Retry-After here: a client waits at least a minute (its documented default).
            raise ApiError(403, auth.SECONDARY_MESSAGE.format(request_id=g.request_id))
        token.in_flight += 1
        g.in_flight = token


def _release(state: SandboxState) -> None:
    token = g.pop("in_flight", None)
    if token is not None:
        with state.lock:
            token.in_flight -= 1


def _authenticate(state: SandboxState) -> Response | None:
    value = auth.token_from_header(request.headers.get("Authorization"))
    if app_jwt.is_app_route(request.path):  # the App's own endpoints: its JWT, nothing else
        with state.lock:
            g.app = app_jwt.verify(state, value)
        return None
    if value is None:
        raise ApiError(401, "Requires authentication")
    with state.lock:
        token = state.token(value)
        if token is None or (token.expires_at is not None and state.now() >= token.expires_at):
            raise ApiError(401, "Bad credentials")
        g.token = token
        now = state.seconds()
        if request.path not in NOT_COUNTED and auth.rate_state(token, state.rate_limit, now).remaining == 0:
            account = state.find_account(token.login)
            raise ApiError(403, f"API rate limit exceeded for user ID {account.id if account else 0}.")
        if request.method in WRITE_METHODS:
            wait = auth.content_retry_after(token, state.content_limit_per_minute, now)
            if wait is not None:
                state.secondary_limit_hits += 1
                message = auth.SECONDARY_MESSAGE.format(request_id=g.request_id)
                raise ApiError(403, message, headers={"Retry-After": str(wait)})
    _check_permissions(token)
    return None


def _check_permissions(token: Token) -> None:
    """The fine-grained kinds: 403 naming nothing but the header, as GitHub; a workflow file stays hidden (404)."""
    if token.kind == "classic":
        return
    if token.installation and request.path == "/user":  # GitHub: enabledForGitHubApps false
        raise ApiError(403, auth.NOT_ACCESSIBLE["installation"], documentation_url=USER_DOCS)
    needed = auth.accepted_permissions(request.method, request.path)
    g.accepted_permissions = auth.permissions_header(needed)
    missing = auth.missing_permission(token, needed)
    if missing == ("workflows", "write"):
        raise ApiError(404, "Not Found")
    if missing is not None:
        raise ApiError(403, auth.NOT_ACCESSIBLE[token.kind])


def _etag(response: Response) -> str:
    return 'W/"' + hashlib.sha256(response.get_data()).hexdigest() + '"'


def _after(state: SandboxState, response: Response) -> Response:
    path = request.path
    token = getattr(g, "token", None)
    not_modified = token is not None and _maybe_not_modified(response)
    if not path.startswith(UNLOGGED):
        with state.lock:
            state.requests.append(
                {"method": request.method, "path": path, "query": request.query_string.decode("latin-1"), "status": response.status_code}
            )
    if _is_sandbox_path(path):
        return response
    response.headers["X-GitHub-Media-Type"] = "github.v3; format=json"
    response.headers["X-GitHub-Request-Id"] = getattr(g, "request_id", "0")
    if state.ghes_version:
        response.headers["X-GitHub-Enterprise-Version"] = state.ghes_version
    if token is None:
        return response
    scopes = auth.scopes_header(token)
    if scopes is not None:
        response.headers["X-OAuth-Scopes"] = scopes
        response.headers["X-Accepted-OAuth-Scopes"] = getattr(g, "accepted_scopes", "")
    elif getattr(g, "accepted_permissions", None):
        response.headers["X-Accepted-GitHub-Permissions"] = g.accepted_permissions
    with state.lock:
        now = state.seconds()
        # GitHub does not count 304s against the primary limit, nor /rate_limit itself.
        if not not_modified and path not in NOT_COUNTED:
            auth.count_request(token, now)
        for key, value in auth.rate_state(token, state.rate_limit, now).headers().items():
            response.headers[key] = value
    return response


def _maybe_not_modified(response: Response) -> bool:
    """Add an ETag to a successful JSON GET; turn it into a 304 when If-None-Match names it."""
    if request.method != "GET" or response.status_code != 200 or response.mimetype != "application/json":
        return False
    tag = _etag(response)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, max-age=60, s-maxage=60"
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if tag not in wanted:
        return False
    response.status_code = 304
    response.set_data(b"")
    response.headers.pop("Content-Type", None)
    return True
