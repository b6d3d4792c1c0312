"""`PyGithubAdapter`: the engine's GitHub port, implemented with PyGithub; `connect` builds one.

PyGithub's own throttle is switched off (seconds_between_requests=0, seconds_between_writes=0):
the adapter sends writes one at a time itself (a lock around every write) and waits only when GitHub
asks to (retry-after, or an exhausted rate limit), which keeps a full onboarding fast.
"""

from __future__ import annotations

from github import Auth, Consts, Github

from wizard.engine.port import TokenInfo
from wizard.github.action_ops import ActionOps, download_session
from wizard.github.base import AdapterBase
from wizard.github.refusal import scopes_from_header
from wizard.github.repo_ops import RepoOps
from wizard.github.requester import Api, CountingToken
from wizard.github.retry import DEFAULT_MAX_WAIT, WritePolicy, build_retry
from wizard.github.secret_ops import SecretOps
from wizard.github.variable_ops import VariableOps

DEFAULT_API_URL = Consts.DEFAULT_BASE_URL  # https://api.github.com
TIMEOUT_S = 30
# adapter.stats, for the benchmark: requests = sent by PyGithub plus log downloads (first tries);
# retries = re-sent by urllib3 (reads); polls / not_modified = run polls and those answered 304;
# write_retries / rechecks / rate_limited = the write loop's re-sends, looks and waits.
STAT_KEYS = ("requests", "polls", "not_modified", "retries", "write_retries", "rechecks", "rate_limited", "log_downloads")


def _github(api_url: str, auth: Auth.Token, retries: int, max_wait: float, stats: dict[str, int]) -> Github:
    return Github(
        base_url=api_url,
        auth=auth,
        timeout=TIMEOUT_S,
        per_page=100,
        lazy=True,  # objects fetch only when read: one request per port call
        seconds_between_requests=0,
        seconds_between_writes=0,
        retry=build_retry(retries, max_wait, stats),
    )


def _token_info(api: Api) -> TokenInfo:
    reply = api.request("GET", "/user")
    return TokenInfo(reply.data["login"], scopes_from_header(reply.headers.get("x-oauth-scopes")))


class PyGithubAdapter(RepoOps, SecretOps, VariableOps, ActionOps, AdapterBase):
    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        retries: int = 5,
        poll_etag: bool = True,
        max_wait: float = DEFAULT_MAX_WAIT,
        dispatch_settle_s: float = 5.0,
    ) -> None:
        stats = dict.fromkeys(STAT_KEYS, 0)
        gh = _github(api_url, CountingToken(token, stats), retries, max_wait, stats)
        super().__init__(
            gh,
            api_url,
            token,
            policy=WritePolicy(retries, max_wait, stats),
            poll_etag=poll_etag,
            dispatch_settle_s=dispatch_settle_s,
            stats=stats,
        )
        self._retries = retries
        self._max_wait = max_wait
        self._downloads = download_session(build_retry(retries, max_wait, stats))

    def close(self) -> None:
        self._gh.close()
        self._downloads.close()

    def whoami(self) -> TokenInfo:
        """Who the admin token belongs to and its classic scopes (None for fine-grained tokens)."""
        return self._read("checking the token", lambda: _token_info(self._api))

    def token_info(self, token: str) -> TokenInfo:
        """The same for another token (the registry PAT), through a throwaway client."""
        stats = dict.fromkeys(STAT_KEYS, 0)
        gh = _github(self.api_url, CountingToken(token, stats), self._retries, self._max_wait, stats)
        try:
            api = Api(gh.requester, stats, poll_etag=False)
            return self._read("checking the registry token", lambda: _token_info(api), secrets=(token,))
        finally:
            self.stats["requests"] += stats["requests"]
            gh.close()


def connect(
    api_url: str | None,
    token: str,
    *,
    retries: int = 5,
    poll_etag: bool = True,
    max_wait: float = DEFAULT_MAX_WAIT,
    dispatch_settle_s: float = 5.0,
) -> PyGithubAdapter:
    """An adapter for github.com (api_url None), GitHub Enterprise (`https://HOST/api/v3`) or the sandbox.

    retries: tries after the first for a failed request; max_wait: the longest wait GitHub may ask for
    (retry-after, rate-limit reset) before the adapter gives up and says so; dispatch_settle_s: how long
    to look for a run that a dispatch with a lost answer may have started, before dispatching again.
    """
    return PyGithubAdapter(
        (api_url or DEFAULT_API_URL).rstrip("/"),
        token,
        retries=retries,
        poll_etag=poll_etag,
        max_wait=max_wait,
        dispatch_settle_s=dispatch_settle_s,
    )
