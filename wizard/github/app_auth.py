"""Authenticating as a GitHub App's installation, with PyGithub's App authentication and its public API only.

The App signs a JWT with its private key (PyGithub's AppAuth and its signer: RS256, iat 60 s back, exp 5 minutes
ahead), finds its installation on the org (GithubIntegration.get_org_installation) and trades the JWT for an
installation token (GithubIntegration.get_access_token: `ghs_`, an hour long). One `InstallationTokens` holds that
token for every adapter of a run (a fleet run's workers share it), renews it a minute before it expires, one thread
at a time, and reads time from the wizard's clock (wizard/core/clock.py), the one every wait of a run uses, instead
of the wall clock: the JWT's times too, through the signing function AppAuth takes. The key and the tokens are
secrets: never in a message (`secrets()` lists the tokens issued, for the adapter to scrub and the leak audit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import MutableMapping
from typing import Any

from github import Auth, Consts, GithubIntegration
from github.GithubException import GithubException
from github.InstallationAuthorization import InstallationAuthorization

from wizard.core.clock import CLOCK
from wizard.core.pacing import Pacer
from wizard.errors import BadCredentials, GitHubRefused
from wizard.github.refusal import refused
from wizard.github.retry import TRANSPORT_ERRORS, build_retry

TIMEOUT_S = 30
# PyGithub's own renewal margin is 20 s; a minute leaves room for a slow request and a clock a little off.
RENEW_BEFORE = Auth.TOKEN_REFRESH_THRESHOLD_TIMEDELTA * 3
JWT_HINT = (
    "check that --app-id is the App's id (or client id) and the key its current private key; GitHub's 'exp' and "
    "'iat' messages mean this machine's clock is off"
)


def clocked_app_auth(app_id: str, private_key: str) -> Auth.AppAuth:
    """PyGithub's AppAuth, whose JWT times are moved from the wall clock to the wizard's before PyGithub's signer
    signs them (AppAuth reads time.time(); its `sign_func` is the public way in)."""
    sign = Auth.AppAuth.create_jwt_sign(private_key, Consts.DEFAULT_JWT_ALGORITHM)

    def sign_on_clock(payload: dict[str, Any]) -> str | bytes:
        shift = round(CLOCK.now().timestamp() - time.time())
        return sign({**payload, "iat": payload["iat"] + shift, "exp": payload["exp"] + shift})

    return Auth.AppAuth(app_id, sign_func=sign_on_clock)


class InstallationTokens:
    """The installation token of one App installation, shared by every adapter (and thread) of a run: made when
    first needed, renewed by the wizard's clock before it expires, never two at once."""

    def __init__(
        self,
        app_auth: Auth.AppAuth,
        installation_id: int,
        org: str,
        base_url: str,
        *,
        retries: int = 5,
        max_wait: float = 60.0,
        pacer: Pacer | None = None,
    ) -> None:
        """`pacer`: a fleet run's, so that GitHub asking this request to wait pauses every worker too."""
        self.app_auth, self.installation_id, self.org, self.base_url = app_auth, installation_id, org, base_url
        self.pacer = pacer
        self.made = 0  # installation tokens made over the run
        self._retries, self._max_wait = retries, max_wait
        self._lock = threading.Lock()
        self._current: InstallationAuthorization | None = None
        self._issued: list[str] = []

    @property
    def app_id(self) -> str:
        return str(self.app_auth.app_id)

    def secrets(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._issued)

    def token(self) -> str:
        with self._lock:
            current = self._current
            if current is None or current.expires_at - RENEW_BEFORE <= CLOCK.now():
                current = self._current = self._make()
                self._issued.append(current.token)
                self.made += 1
            return current.token

    def _make(self) -> InstallationAuthorization:
        """POST /app/installations/{id}/access_tokens, signed with a fresh JWT (a short-lived client of its own: this
        happens once an hour)."""
        retry = build_retry(self._retries, self._max_wait, {}, self.pacer)
        with GithubIntegration(auth=self.app_auth, base_url=self.base_url, timeout=TIMEOUT_S, retry=retry) as gi:
            return gi.get_access_token(self.installation_id)

    def __repr__(self) -> str:
        return f"InstallationTokens(app {self.app_id}, installation {self.installation_id} on {self.org})"


class InstallationAuth(Auth.Auth):
    """One adapter's PyGithub auth on the shared installation token; counts the requests it signs into the adapter's
    stats (as CountingToken does for a token)."""

    def __init__(self, tokens: InstallationTokens, stats: MutableMapping[str, int]) -> None:
        self.tokens = tokens
        self._stats = stats

    @property
    def token_type(self) -> str:
        return "token"

    @property
    def token(self) -> str:
        return self.tokens.token()

    def authentication(self, headers: dict[str, Any]) -> None:
        self._stats["requests"] = self._stats.get("requests", 0) + 1
        super().authentication(headers)

    @property
    def _masked_token(self) -> str:
        return "token (installation token removed)"

    def __repr__(self) -> str:
        return f"InstallationAuth({self.tokens!r})"


def app_installation(
    api_url: str | None,
    app_id: str,
    private_key: str,
    org: str,
    *,
    retries: int = 5,
    max_wait: float = 60.0,
    pacer: Pacer | None = None,
) -> InstallationTokens:
    """The App's installation on `org`, its token made when the first request needs it. GitHubRefused (exit 3) when
    GitHub refuses the JWT (BadCredentials, GitHub's message) or the App is not installed on `org`."""
    base_url = (api_url or Consts.DEFAULT_BASE_URL).rstrip("/")
    app_auth = clocked_app_auth(app_id, private_key)
    action = f"looking up GitHub App {app_id}'s installation on {org}"
    with GithubIntegration(auth=app_auth, base_url=base_url, timeout=TIMEOUT_S, retry=build_retry(retries, max_wait, {})) as gi:
        try:
            installation_id = gi.get_org_installation(org).id
        except GithubException as exc:
            raise _refusal(gi, exc, app_id, org, base_url, action) from None
        except TRANSPORT_ERRORS as exc:
            raise refused(exc, action, host=base_url) from None
    return InstallationTokens(app_auth, installation_id, org, base_url, retries=retries, max_wait=max_wait, pacer=pacer)


def _refusal(gi: GithubIntegration, exc: GithubException, app_id: str, org: str, base_url: str, action: str) -> GitHubRefused:
    message = str(exc.data.get("message") or "") if isinstance(exc.data, dict) else ""
    if exc.status == 401:
        return BadCredentials(f"GitHub refused GitHub App {app_id}'s JWT (401): {message or 'Bad credentials'}", JWT_HINT)
    if exc.status == 404:
        return GitHubRefused(f"GitHub App {app_id} is not installed on {org}", _install_hint(gi, org))
    return refused(exc, action, host=base_url)


def _install_hint(gi: GithubIntegration, org: str) -> str:
    """Where to install the App (its page names it), or what to check when even the App cannot be read."""
    try:
        page = gi.get_app().html_url
    except (GithubException, *TRANSPORT_ERRORS):
        return f"install the App on {org} from its settings page (Install App), or give the id of an App installed there"
    return f"install it on {org} ({page}/installations/new, as an owner of {org}), or give the id of an App installed there"
