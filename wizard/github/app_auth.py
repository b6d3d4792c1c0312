"""Authenticating as a GitHub App's installation, with PyGithub's App authentication.

The App signs a JWT with its private key (PyGithub's AppAuth: RS256, iat 60 s back, exp 5 minutes ahead), finds its
installation on the org (GET /orgs/{org}/installation) and trades the JWT for an installation token
(POST /app/installations/{id}/access_tokens: `ghs_`, an hour long), which PyGithub's AppInstallationAuth renews
shortly before it expires. Both read time from the wizard's clock (wizard/core/clock.py), the one every wait of a
run uses, instead of the wall clock. The key and the tokens are secrets: never in a message (`secrets()` lists the
tokens for the adapter to scrub).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from github import Auth, Consts, GithubIntegration
from github.GithubException import GithubException
from github.InstallationAuthorization import InstallationAuthorization

from wizard.core.clock import CLOCK
from wizard.errors import BadCredentials, GitHubRefused
from wizard.github.refusal import refused
from wizard.github.retry import TRANSPORT_ERRORS, build_retry

TIMEOUT_S = 30
# PyGithub renews 20 s before the token expires; a minute leaves room for a slow request and a clock a little off.
RENEW_BEFORE = Auth.TOKEN_REFRESH_THRESHOLD_TIMEDELTA * 3
JWT_HINT = (
    "check that --app-id is the App's id (or client id) and the key its current private key; GitHub's 'exp' and "
    "'iat' messages mean this machine's clock is off"
)


class ClockedAppAuth(Auth.AppAuth):
    """PyGithub's AppAuth, its JWT's times read from the wizard's clock; PyGithub's signer signs it."""

    def create_jwt(self, expiration: int | None = None) -> str:
        now = int(CLOCK.now().timestamp())
        payload = {"iat": now + self._jwt_issued_at, "exp": now + (expiration or self._jwt_expiry), "iss": self._app_id}
        assert self._sign_func is not None  # AppAuth is always built with a key here
        signed = self._sign_func(payload)
        return signed.decode() if isinstance(signed, bytes) else signed


class InstallationAuth(Auth.AppInstallationAuth):
    """PyGithub's AppInstallationAuth: renews its token by the wizard's clock, counts the requests it signs into the
    adapter's stats, and remembers every token it was given (to scrub them from messages)."""

    def __init__(self, app_auth: ClockedAppAuth, installation_id: int, org: str) -> None:
        super().__init__(app_auth, installation_id)
        self.org = org
        self._current: InstallationAuthorization | None = None
        self._issued: list[str] = []
        self._stats: MutableMapping[str, int] = {}

    def count_into(self, stats: MutableMapping[str, int]) -> None:
        self._stats = stats

    def secrets(self) -> tuple[str, ...]:
        return tuple(self._issued)

    @property
    def token(self) -> str:
        current = self._current
        if current is None or current.expires_at - RENEW_BEFORE <= CLOCK.now():
            current = self._current = self._get_installation_authorization()
            self._issued.append(current.token)
            self._stats["app_tokens"] = self._stats.get("app_tokens", 0) + 1
        return current.token

    def authentication(self, headers: dict[str, Any]) -> None:
        self._stats["requests"] = self._stats.get("requests", 0) + 1
        super().authentication(headers)

    def __repr__(self) -> str:
        return f"InstallationAuth(app {self.app_id}, installation {self.installation_id} on {self.org})"


def app_installation(
    api_url: str | None, app_id: str, private_key: str, org: str, *, retries: int = 5, max_wait: float = 60.0
) -> InstallationAuth:
    """The App's installation on `org`, as PyGithub auth for the adapter. GitHubRefused (exit 3) when GitHub refuses
    the JWT (BadCredentials, GitHub's message) or the App is not installed on `org`."""
    base_url = (api_url or Consts.DEFAULT_BASE_URL).rstrip("/")
    app_auth = ClockedAppAuth(app_id, private_key)
    action = f"looking up GitHub App {app_id}'s installation on {org}"
    stats: dict[str, int] = {}
    with GithubIntegration(auth=app_auth, base_url=base_url, timeout=TIMEOUT_S, retry=build_retry(retries, max_wait, stats)) as gi:
        try:
            installation = gi.get_org_installation(org)
            installation_id = installation.id
        except GithubException as exc:
            raise _refusal(gi, exc, app_id, org, base_url, action) from None
        except TRANSPORT_ERRORS as exc:
            raise refused(exc, action, host=base_url) from None
    return InstallationAuth(app_auth, installation_id, org)


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
