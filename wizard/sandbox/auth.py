"""Tokens, OAuth scopes, fine-grained permissions and the two rate limits (primary per hour, content creation per minute).

Classic PATs are held to scopes (X-OAuth-Scopes / X-Accepted-OAuth-Scopes). Fine-grained PATs and App installation
tokens are held to permissions, per endpoint (`ENDPOINTS`), and every answer to them names what the endpoint accepts
in X-Accepted-GitHub-Permissions (`contents=write,workflows=write`; alternatives separated by `; `).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wizard.sandbox.model import Token

# What a classic scope implies (GitHub's scope hierarchy, the parts the product touches).
IMPLIED: dict[str, frozenset[str]] = {
    "repo": frozenset({"repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"}),
    "admin:org": frozenset({"write:org", "read:org", "manage_runners:org"}),
    "write:org": frozenset({"read:org"}),
    "write:packages": frozenset({"read:packages"}),
    "delete:packages": frozenset({"read:packages"}),
    "user": frozenset({"read:user", "user:email", "user:follow"}),
}

WINDOW_S = 3600.0
CONTENT_WINDOW_S = 60.0
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)


def expand(scopes: frozenset[str]) -> frozenset[str]:
    out = set(scopes)
    for scope in scopes:
        out |= IMPLIED.get(scope, frozenset())
    return frozenset(out)


ACCESS_LEVELS = {"read": 1, "write": 2, "admin": 3}

# The fine-grained permissions a classic scope stands for: a fine-grained token made from scopes gets these, and
# a route's scope check reads them for the fine-grained kinds.
SCOPE_PERMISSIONS: dict[str, dict[str, str]] = {
    "repo": {
        "metadata": "read",
        "contents": "write",
        "pull_requests": "write",
        "secrets": "write",
        "actions_variables": "write",
        "environments": "write",
        "actions": "write",
        "administration": "write",
    },
    "workflow": {"workflows": "write"},
    "admin:org": {
        "organization_secrets": "write",
        "organization_actions_variables": "write",
        "organization_administration": "write",
        "organization_plan": "read",
    },
    "read:org": {"members": "read"},
}

# What a sensibly configured GitHub App for this tool holds (`sandbox serve --token ghs_...`): the repository's
# contents, workflows, secrets, variables, environments, actions and pull requests, and the org's secrets and
# variables. Not the org's plan: an installation token sees GET /orgs/{org} without `plan`.
APP_PERMISSIONS: dict[str, str] = {
    "metadata": "read",
    "contents": "write",
    "workflows": "write",
    "pull_requests": "write",
    "secrets": "write",
    "actions_variables": "write",
    "environments": "write",
    "actions": "write",
    "organization_secrets": "write",
    "organization_actions_variables": "write",
}

_REPO = r"^/repos/[^/]+/[^/]+"
_ORG = r"^/orgs/[^/]+"
# (path pattern, permission): the first match names what an endpoint needs; reads need read, writes write.
ENDPOINTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), permission)
    for pattern, permission in (
        (_ORG + r"/actions/secrets(/.*)?$", "organization_secrets"),
        (_ORG + r"/actions/variables(/.*)?$", "organization_actions_variables"),
        (_ORG + r"$", "organization_administration"),  # writes only: anyone reads an org
        (_REPO + r"/environments/.+/(secrets|variables)(/.*)?$", "environments"),
        (_REPO + r"/environments(/.*)?$", "environments"),
        (_REPO + r"/actions/(secrets|organization-secrets)(/.*)?$", "secrets"),
        (_REPO + r"/actions/(variables|organization-variables)(/.*)?$", "actions_variables"),
        (_REPO + r"/actions/permissions(/.*)?$", "administration"),
        (_REPO + r"/actions/.*$", "actions"),
        (_REPO + r"/pulls/\d+/merge$", "contents"),
        (_REPO + r"/pulls(/.*)?$", "pull_requests"),
        (_REPO + r"/(contents|branches|git|commits)/.*$", "contents"),
        (_REPO + r"/topics$", "administration"),  # writes; reading topics needs metadata only
        (_REPO + r"$", "administration"),  # writes (PATCH, DELETE); reads need metadata only
    )
)
WORKFLOW_FILE = re.compile(_REPO + r"/contents/\.github/workflows/.+$")
READ_METHODS = frozenset({"GET", "HEAD"})
NOT_ACCESSIBLE = {
    "fine_grained": "Resource not accessible by personal access token",
    "installation": "Resource not accessible by integration",
}


def permissions_from_scopes(scopes: frozenset[str] | tuple[str, ...] | list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for scope in expand(frozenset(scopes)):
        for name, access in SCOPE_PERMISSIONS.get(scope, {}).items():
            if ACCESS_LEVELS[access] > ACCESS_LEVELS.get(out.get(name, ""), 0):
                out[name] = access
    return out


def holds(token: Token, permission: str, access: str) -> bool:
    if permission == "metadata" and access == "read":
        return True  # every fine-grained token and installation can read metadata
    return ACCESS_LEVELS.get(token.permissions.get(permission, ""), 0) >= ACCESS_LEVELS[access]


def has_scope(token: Token, scope: str) -> bool:
    """A classic scope, or for the fine-grained kinds any permission it stands for (ENDPOINTS checks the exact one)."""
    granted = SCOPE_PERMISSIONS.get(scope)
    if token.kind == "classic" or granted is None:
        return scope in expand(token.scopes)
    if scope == "workflow":
        return holds(token, "workflows", "write")
    return any(holds(token, name, "read") for name in granted)


def accepted_permissions(method: str, path: str) -> list[tuple[str, str]]:
    """What a fine-grained token needs for this request, as (permission, access) pairs (all of them)."""
    access = "read" if method in READ_METHODS else "write"
    if access == "write" and WORKFLOW_FILE.match(path):
        return [("contents", "write"), ("workflows", "write")]
    for pattern, permission in ENDPOINTS:
        if pattern.match(path):
            if access == "read" and permission in ("administration", "organization_administration"):
                break  # reading a repository or an org needs metadata only
            return [(permission, access)]
    return [("metadata", "read")]


def permissions_header(needed: list[tuple[str, str]]) -> str:
    return ",".join(f"{name}={access}" for name, access in needed)


def missing_permission(token: Token, needed: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The first needed permission the token lacks (fine-grained kinds only), else None."""
    if token.kind == "classic":
        return None
    return next(((name, access) for name, access in needed if not holds(token, name, access)), None)


def scopes_header(token: Token) -> str | None:
    """X-OAuth-Scopes: classic tokens only, sorted like GitHub."""
    return None if token.kind != "classic" else ", ".join(sorted(token.scopes))


def token_from_header(header: str | None) -> str | None:
    """`token X` or `Bearer X` (case-insensitive scheme), as GitHub accepts."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not value.strip():
        return None
    return value.strip()


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    used: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(self.reset),
            "X-RateLimit-Resource": "core",
        }


def _roll_window(token: Token, now: float) -> None:
    bucket = token.bucket
    if now >= bucket.reset:
        bucket.used = 0
        bucket.reset = now + WINDOW_S


def rate_state(token: Token, limit: int, now: float) -> RateState:
    """The primary window of `token` at `now` (epoch seconds on the sandbox's clock). `limit`: the sandbox's; a
    token with its own (an App installation's) is held to that instead."""
    _roll_window(token, now)
    limit = token.rate_limit if token.rate_limit is not None else limit
    bucket = token.bucket
    return RateState(limit, max(0, limit - bucket.used), bucket.used, int(bucket.reset))


def count_request(token: Token, now: float) -> None:
    _roll_window(token, now)
    token.bucket.used += 1


def content_retry_after(token: Token, limit_per_minute: int, now: float) -> int | None:
    """Seconds to wait when a content-creating request would exceed the per-minute limit, else None.

    A request that is allowed is recorded, so the caller must call this once per such request. `now` is the
    sandbox's clock, which may jump (virtual time) or be set back by a test: the wait stays within 1..60 s.
    """
    while token.writes and now - token.writes[0] >= CONTENT_WINDOW_S:
        token.writes.popleft()
    if len(token.writes) >= limit_per_minute:
        oldest = token.writes[0] if token.writes else now
        return min(int(CONTENT_WINDOW_S), max(1, math.ceil(CONTENT_WINDOW_S - (now - oldest))))
    token.writes.append(now)
    return None
