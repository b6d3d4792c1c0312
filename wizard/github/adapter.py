"""`PyGithubAdapter`: the engine's GitHub port, implemented with PyGithub; `connect` builds one.

PyGithub's own throttle is switched off (seconds_between_requests=0, seconds_between_writes=0):
the adapter sends writes one at a time itself (a lock around every write) and waits only when GitHub
asks to (retry-after, or an exhausted rate limit), which keeps a full onboarding fast.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from github import Auth, Consts, Github
from github.GithubException import GithubException

from wizard.core.pacing import Pacer
from wizard.engine.port import TokenInfo
from wizard.errors import GitHubRefused
from wizard.github.action_ops import ActionOps, download_session
from wizard.github.answer_guard import guard
from wizard.github.app_auth import InstallationAuth, InstallationTokens
from wizard.github.base import AdapterBase, quote
from wizard.github.org_ops import OrgOps
from wizard.github.refusal import scopes_from_header
from wizard.github.repo_ops import RepoOps
from wizard.github.requester import Api, CountingToken
from wizard.github.retry import DEFAULT_MAX_WAIT, WritePolicy, build_retry
from wizard.github.secret_ops import SecretOps
from wizard.github.tokens import CLASSIC, FINE_GRAINED, INSTALLATION, UNKNOWN, token_kind
from wizard.github.variable_ops import VariableOps

DEFAULT_API_URL = Consts.DEFAULT_BASE_URL  # https://api.github.com
TIMEOUT_S = 30
# adapter.stats, for the benchmark: requests = sent by PyGithub plus log downloads (first tries);
# retries = re-sent by urllib3 (reads); polls / not_modified = run polls and those answered 304;
# write_retries / rechecks / rate_limited = the write loop's re-sends, looks and waits;
# job_polls / job_not_modified = reads of an attempt's job list and those answered 304;
# log_requests / log_downloads = job-log API reads and the downloads they redirect to;
# listing_pages / run_lists (+ _not_modified) = org_ops.py's conditional reads and their 304s.
STAT_KEYS = (
    "requests",
    "polls",
    "not_modified",
    "retries",
    "write_retries",
    "rechecks",
    "rate_limited",
    "job_polls",
    "job_not_modified",
    "log_requests",
    "log_downloads",
    "listing_pages",
    "listing_pages_not_modified",
    "run_lists",
    "run_lists_not_modified",
)


def _github(api_url: str, auth: Auth.Auth, retries: int, max_wait: float, stats: dict[str, int], pacer: Pacer | None = None) -> Github:
    return guard(
        Github(
            base_url=api_url,
            auth=auth,
            timeout=TIMEOUT_S,
            per_page=100,
            lazy=True,  # objects fetch only when read: one request per port call
            seconds_between_requests=0,
            seconds_between_writes=0,
            retry=build_retry(retries, max_wait, stats, pacer),
        )
    )


NOT_FOR_APPS = "by integration"  # GET /user's 403 to an App installation: "Resource not accessible by integration"


def _token_info(api: Api, kind: str) -> TokenInfo:
    """GET /user for who and which scopes; an App installation token has no user, so GET /user is not asked."""
    if kind == INSTALLATION:
        return _installation_info(api)
    try:
        reply = api.request("GET", "/user")
    except GithubException as exc:
        message = str(exc.data.get("message") or "") if isinstance(exc.data, dict) else ""
        if exc.status == 403 and NOT_FOR_APPS in message:  # an installation token without the ghs_ prefix
            return _installation_info(api)
        raise
    scopes = scopes_from_header(reply.headers.get("x-oauth-scopes"))
    if kind == UNKNOWN:
        kind = CLASSIC if scopes is not None else FINE_GRAINED
    return TokenInfo(reply.data["login"], scopes, kind)


def _installation_info(api: Api) -> TokenInfo:
    """GET /installation/repositories proves the token works; a 403/404 there (some servers, a workflow's
    GITHUB_TOKEN) does not stop anything: each later call checks its own permission."""
    try:
        api.request("GET", "/installation/repositories", params={"per_page": 1})
    except GithubException as exc:
        if exc.status not in (403, 404):
            raise
    return TokenInfo(None, None, INSTALLATION)


class PyGithubAdapter(OrgOps, RepoOps, SecretOps, VariableOps, ActionOps, AdapterBase):
    def __init__(
        self,
        api_url: str,
        token: str | InstallationTokens,
        *,
        retries: int = 5,
        poll_etag: bool = True,
        max_wait: float = DEFAULT_MAX_WAIT,
        dispatch_settle_s: float = 5.0,
        lost_answer_grace_s: float = 60.0,
        pacer: Pacer | None = None,
        conditional: MutableMapping[str, Any] | None = None,
    ) -> None:
        """`token`: the admin token, or a GitHub App installation's tokens (app_auth.py: made and renewed as they
        expire, shared with the run's other adapters); `conditional`: what org_ops.py keeps for its conditional reads
        (shared by the adapters of one `status --org`, and kept between runs by the composition root)."""
        stats = dict.fromkeys(STAT_KEYS, 0)
        app = InstallationAuth(token, stats) if isinstance(token, InstallationTokens) else None
        gh = _github(api_url, app or CountingToken(str(token), stats), retries, max_wait, stats, pacer)
        super().__init__(
            gh,
            api_url,
            None if app is not None else str(token),
            policy=WritePolicy(retries, max_wait, stats, pacer),
            poll_etag=poll_etag,
            dispatch_settle_s=dispatch_settle_s,
            stats=stats,
            lost_answer_grace_s=lost_answer_grace_s,
            kind=INSTALLATION if app is not None else None,
            sensitive=app.tokens.secrets if app is not None else None,
        )
        self._retries = retries
        self._max_wait = max_wait
        self._conditional = {} if conditional is None else conditional
        self._downloads = download_session(build_retry(retries, max_wait, stats, pacer))

    def close(self) -> None:
        self._gh.close()
        self._downloads.close()

    def whoami(self) -> TokenInfo:
        """Who the admin token belongs to (None for an App installation), its kind and classic scopes (None
        for the fine-grained kinds)."""
        return self._read("checking the token", lambda: _token_info(self._api, self.token_kind))

    def org_plan(self, org: str) -> str | None:
        """The org's plan.name: GitHub shows it to the org's owners only (classic: admin:org; Apps: the
        organization Plan permission); None when it is not shown or the org cannot be read."""

        def fetch() -> str | None:
            plan = self._api.request("GET", f"/orgs/{quote(org)}").data.get("plan")
            return str(plan["name"]) if isinstance(plan, dict) and plan.get("name") else None

        try:
            return self._read(f"reading the organization {org}", fetch, not_found=None)
        except GitHubRefused:
            return None  # not shown is not an error: GitHub's own answer to the write will say

    def enterprise_version(self) -> str | None:
        """The GitHub Enterprise Server version every API answer names; None on github.com, which sends none."""
        reply = self._read("reading the server version", lambda: self._api.request("GET", "/user"))
        return str(reply.headers.get("x-github-enterprise-version") or "").strip() or None

    def token_info(self, token: str) -> TokenInfo:
        """The same for another token (the registry PAT), through a throwaway client."""
        stats = dict.fromkeys(STAT_KEYS, 0)
        gh = _github(self.api_url, CountingToken(token, stats), self._retries, self._max_wait, stats)
        try:
            api = Api(gh.requester, stats, poll_etag=False)
            return self._read("checking the registry token", lambda: _token_info(api, token_kind(token)), secrets=(token,))
        finally:
            self.stats["requests"] += stats["requests"]
            gh.close()


def connect(
    api_url: str | None,
    token: str | InstallationTokens,
    *,
    retries: int = 5,
    poll_etag: bool = True,
    max_wait: float = DEFAULT_MAX_WAIT,
    dispatch_settle_s: float = 5.0,
    lost_answer_grace_s: float = 60.0,
    pacer: Pacer | None = None,
    conditional: MutableMapping[str, Any] | None = None,
) -> PyGithubAdapter:
    """An adapter for github.com (api_url None), GitHub Enterprise (`https://HOST/api/v3`) or the sandbox.

    retries: tries after the first for a failed request; max_wait: the longest wait GitHub may ask for
    (retry-after, rate-limit reset) before the adapter gives up and says so; dispatch_settle_s: how long
    to look for the run a dispatch answered without its id started; lost_answer_grace_s: how long after a
    dispatch or re-run whose answer was lost GitHub may still carry it out, before it is sent again; pacer:
    shared by the adapters of one token's fleet run (wizard/core/pacing.py); conditional: see org_ops.py.
    """
    return PyGithubAdapter(
        (api_url or DEFAULT_API_URL).rstrip("/"),
        token,
        retries=retries,
        poll_etag=poll_etag,
        max_wait=max_wait,
        dispatch_settle_s=dispatch_settle_s,
        lost_answer_grace_s=lost_answer_grace_s,
        pacer=pacer,
        conditional=conditional,
    )
