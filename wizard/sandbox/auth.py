"""Tokens, OAuth scopes and the two rate limits (primary per hour, content creation per minute)."""

from __future__ import annotations

import math
import time
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


def has_scope(token: Token, scope: str) -> bool:
    """Fine-grained tokens carry their permissions in `scopes` too; they just do not advertise them."""
    return scope in expand(token.scopes)


def scopes_header(token: Token) -> str | None:
    """X-OAuth-Scopes: classic tokens only, sorted like GitHub."""
    return None if token.fine_grained else ", ".join(sorted(token.scopes))


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
    if now >= token.rate_reset:
        token.rate_used = 0
        token.rate_reset = now + WINDOW_S


def rate_state(token: Token, limit: int) -> RateState:
    _roll_window(token, time.time())
    return RateState(limit, max(0, limit - token.rate_used), token.rate_used, int(token.rate_reset))


def count_request(token: Token) -> None:
    _roll_window(token, time.time())
    token.rate_used += 1


def content_retry_after(token: Token, limit_per_minute: int) -> int | None:
    """Seconds to wait when a content-creating request would exceed the per-minute limit, else None.

    A request that is allowed is recorded, so the caller must call this once per such request.
    """
    now = time.monotonic()
    while token.writes and now - token.writes[0] >= CONTENT_WINDOW_S:
        token.writes.popleft()
    if len(token.writes) >= limit_per_minute:
        return max(1, math.ceil(CONTENT_WINDOW_S - (now - token.writes[0])))
    token.writes.append(now)
    return None
