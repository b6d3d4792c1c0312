"""GitHub App JWTs, checked as GitHub checks them, against the sandbox's clock (state.now()).

The App signs with RS256; `iss` is its id or client id; `iat` at most 60 s ahead of the server's clock (drift);
`exp` in the future, at most 10 minutes ahead and at most 10 minutes after `iat`. GitHub's 401 messages follow.
Only the App endpoints (`APP_ROUTES`) take a JWT; they take nothing else.
"""

from __future__ import annotations

import re
from typing import TypeGuard

import jwt

from wizard.sandbox.api import ApiError
from wizard.sandbox.model import App
from wizard.sandbox.state import SandboxState

DRIFT_S = 60
MAX_LIFETIME_S = 600
NOT_DECODED = "A JSON web token could not be decoded"
EXP_PAST = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future"
IAT_INVALID = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
APP_ROUTES = re.compile(
    r"^/app(/installations(/\d+(/access_tokens)?)?)?$|^/orgs/[^/]+/installation$|^/repos/[^/]+/[^/]+/installation$|^/users/[^/]+/installation$"
)


def is_app_route(path: str) -> bool:
    return APP_ROUTES.match(path) is not None


def verify(state: SandboxState, value: str | None) -> App:
    """The App that signed `value`, else ApiError 401 with GitHub's message."""
    if not value:
        raise ApiError(401, NOT_DECODED)
    try:
        header = jwt.get_unverified_header(value)
        claims = jwt.decode(value, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise ApiError(401, NOT_DECODED) from None
    app = state.find_app(claims.get("iss")) if header.get("alg") == "RS256" else None
    if app is None:
        raise ApiError(401, NOT_DECODED)
    try:
        # Times are checked below on the sandbox's clock, not PyJWT's (the wall clock).
        jwt.decode(value, app.public_key, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False, "verify_nbf": False})
    except (jwt.PyJWTError, ValueError):
        raise ApiError(401, NOT_DECODED) from None
    now = state.now().timestamp()
    iat, exp = claims.get("iat"), claims.get("exp")
    if not _integer(exp) or exp <= now:
        raise ApiError(401, EXP_PAST)
    if not _integer(iat) or iat > now + DRIFT_S:
        raise ApiError(401, IAT_INVALID)
    if exp > now + MAX_LIFETIME_S or exp - iat > MAX_LIFETIME_S:
        raise ApiError(401, EXP_TOO_FAR)
    return app


def _integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
