"""What every group of adapter methods shares: the PyGithub client, error mapping, the write policy."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable, Iterable, MutableMapping
from typing import TypeVar, overload

from github import Github
from github.GithubException import BadAttributeException, GithubException
from github.PublicKey import PublicKey
from github.Repository import Repository

from wizard.errors import GitHubRefused
from wizard.github.answer_guard import BadAnswer
from wizard.github.refusal import refused
from wizard.github.requester import Api
from wizard.github.retry import TRANSPORT_ERRORS, Missing, WritePolicy, retry_write
from wizard.github.tokens import token_kind

T = TypeVar("T")
D = TypeVar("D")
_RAISE = object()  # the default of `_read`'s not_found: a 404 raises (None is a valid not_found)
# What reading a body that is not the API's shape raises in PyGithub's objects and in convert.py (a missing key, a
# string where a number belongs, PyGithub's check that absolute URLs stay on the API's host).
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, AssertionError, BadAttributeException)


def bad_answer(action: str, host: str, what: str) -> GitHubRefused:
    return GitHubRefused(
        f"{host} answered {action} with {what}, not a GitHub API answer",
        "check that --api-url is the GitHub API (https://HOST/api/v3 for GitHub Enterprise), or try again later",
    )


def quote(part: str) -> str:
    """One path segment (environment names may hold `/`, sent as %2F)."""
    return urllib.parse.quote(part, safe="")


def repo_path(full_name: str) -> str:
    owner, _, name = full_name.partition("/")
    return f"/repos/{quote(owner)}/{quote(name)}"


class AdapterBase:
    api_url: str

    def __init__(
        self,
        gh: Github,
        api_url: str,
        token: str | None,
        *,
        policy: WritePolicy,
        poll_etag: bool,
        dispatch_settle_s: float,
        stats: MutableMapping[str, int],
        lost_answer_grace_s: float = 60.0,
        kind: str | None = None,
        sensitive: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        """`token`: the admin token, or None when `auth` is an App installation's (whose tokens change over the
        run): then `kind` says how refusals are explained and `sensitive` gives the values to scrub from them."""
        self.api_url = api_url
        self.stats = stats
        self._gh = gh
        self._api = Api(gh.requester, stats, poll_etag=poll_etag)
        self._policy = policy
        self._dispatch_settle_s = dispatch_settle_s
        self._lost_answer_grace_s = lost_answer_grace_s
        self._host = urllib.parse.urlsplit(api_url).netloc
        self._sensitive_values = sensitive or (lambda: (token,) if token else ())
        self.token_kind = kind or token_kind(token or "")  # how refusals are explained (scopes or permissions)
        self._keys: dict[str, PublicKey] = {}  # secret scope -> its public key
        self._run_attempts: dict[str, int] = {}  # run URL -> the last run_attempt seen
        # Writes go one at a time (GitHub asks for it; PyGithub's own write throttle is switched off).
        self._write_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.api_url!r})"

    @property
    def _sensitive(self) -> tuple[str, ...]:
        return tuple(self._sensitive_values())

    def _repo(self, full_name: str) -> Repository:
        return self._gh.get_repo(full_name)  # lazy: no request until an attribute or a call needs one

    @overload
    def _read(self, action: str, fetch: Callable[[], T], *, secrets: Iterable[str] = ()) -> T: ...

    @overload
    def _read(self, action: str, fetch: Callable[[], T], *, not_found: D, secrets: Iterable[str] = ()) -> T | D: ...

    def _read(self, action: str, fetch: Callable[[], T], *, not_found: object = _RAISE, secrets: Iterable[str] = ()) -> object:
        """fetch(), with GitHub's errors as GitHubRefused; a 404 returns `not_found` when one is given."""
        if self._policy.pacer is not None:
            self._policy.pacer.before_read()  # another worker's rate limit holds every request
        try:
            return fetch()
        except GithubException as exc:
            if exc.status == 404 and not_found is not _RAISE:
                return not_found
            raise refused(exc, action, host=self._host, secrets=(*self._sensitive, *secrets), token_kind=self.token_kind) from None
        except TRANSPORT_ERRORS as exc:
            raise refused(exc, action, host=self._host, secrets=(*self._sensitive, *secrets)) from None
        except BadAnswer as exc:
            raise bad_answer(action, self._host, str(exc)) from None
        except MALFORMED as exc:
            raise bad_answer(action, self._host, f"a JSON answer without the fields the API describes ({type(exc).__name__})") from None

    def _write(
        self,
        action: str,
        send: Callable[[], T],
        *,
        recheck: Callable[[], T | Missing] | None = None,
        idempotent: bool = False,
        write_path: str | None = None,
        secrets: Iterable[str] = (),
    ) -> T:
        """send() once, and again only as `retry_write` allows; errors as GitHubRefused."""
        with self._write_lock:
            try:
                return retry_write(self._policy, send, recheck=recheck, idempotent=idempotent)
            except (GithubException, *TRANSPORT_ERRORS) as exc:
                raise refused(
                    exc, action, host=self._host, secrets=(*self._sensitive, *secrets), write_path=write_path, token_kind=self.token_kind
                ) from None
            except BadAnswer as exc:
                raise bad_answer(action, self._host, str(exc)) from None
            except MALFORMED as exc:
                raise bad_answer(action, self._host, f"a JSON answer without the fields the API describes ({type(exc).__name__})") from None
