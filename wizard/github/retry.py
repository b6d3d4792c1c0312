"""Retries: urllib3 for reads, a re-checking loop for writes.

Reads (GET/HEAD) are retried inside urllib3 by `WizardRetry` (502/503/504, connection resets, and
429/403 rate limits after the wait GitHub asks for). Writes never are: a POST that timed out or whose
connection reset may have been applied, and re-sending it could open a second pull request or start a
second run. `retry_write` re-sends a write only when GitHub did not apply it (it was rate limited),
when the request is idempotent, or after a `recheck` that looked at GitHub and did not find our work.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from github.GithubException import GithubException, RateLimitExceededExceedsMaxWait
from github.GithubRetry import GithubRetry
from urllib3 import Retry

from wizard.core.clock import CLOCK
from wizard.core.pacing import Pacer

T = TypeVar("T")

DEFAULT_MAX_WAIT = 60.0  # longest wait GitHub may ask for before we give up and say so
SECONDARY_DEFAULT_WAIT = 60.0  # GitHub: "wait at least one minute" when a secondary limit names no time
READ_RETRY_STATUSES = [429, 502, 503, 504]  # GithubRetry adds 403 and looks inside it
AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})  # a write answered so may or may not have been applied
TRANSPORT_ERRORS = (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError)


class Missing:
    """What a recheck returns when GitHub does not hold the write's result."""


MISSING = Missing()


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A response header by name, whatever the case of the keys."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, email.utils.mktime_tz(parsed) - CLOCK.now().timestamp())


def rate_limit_wait(status: int, headers: Mapping[str, Any], message: str | None = None) -> float | None:
    """Seconds GitHub asks us to wait before sending this request again, or None when it is no rate limit."""
    if status not in (403, 429):
        return None
    retry_after = header(headers, "retry-after")
    if retry_after is not None:
        seconds = _retry_after_seconds(retry_after)
        if seconds is not None:
            return seconds
    if header(headers, "x-ratelimit-remaining") == "0":
        reset = header(headers, "x-ratelimit-reset")
        if reset and reset.isdigit():
            # GitHub's epoch seconds, on the wizard's clock (the wait passes on it); +1: the reset is within that second
            return max(0.0, int(reset) - CLOCK.now().timestamp()) + 1.0
    text = (message or "").lower()
    if status == 429 or "secondary rate limit" in text or text.startswith("api rate limit exceeded"):
        return SECONDARY_DEFAULT_WAIT
    return None


class WizardRetry(GithubRetry):
    """GithubRetry for idempotent methods only, with one cap on every wait, and counting its retries. With a
    pacer, a wait GitHub asks for pauses every request sent with the token, not only this one."""

    def __init__(
        self,
        *,
        max_wait: float = DEFAULT_MAX_WAIT,
        stats: MutableMapping[str, int] | None = None,
        pacer: Pacer | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_wait = max_wait
        self.stats = stats if stats is not None else {}
        self.pacer = pacer
        kwargs.setdefault("max_rate_limit_wait", max_wait)
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> WizardRetry:
        kw.update(max_wait=self.max_wait, stats=self.stats, pacer=self.pacer)
        return super().new(**kw)

    # urllib3's two waits, on the one clock (tests replace its sleep instead of waiting out a Retry-After).
    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after:
            if self.pacer is not None:
                self.pacer.pause(retry_after)
            CLOCK.sleep(retry_after)
            return True
        return False

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            CLOCK.sleep(backoff)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> WizardRetry:
        wait = rate_limit_wait(response.status, response.headers) if response is not None else None
        if wait is not None and wait > self.max_wait:
            raise RateLimitExceededExceedsMaxWait(response.status, {"message": "rate limited"}, dict(response.headers), wait=wait)
        if response is not None and response.status == 429 and header(response.headers, "retry-after") is None:
            # urllib3 would only back off briefly; GitHub wants the reset, or a minute.
            assert wait is not None  # rate_limit_wait always answers for a 429
            retry = Retry.increment(self, method, url, response, error, _pool, _stacktrace)
            # Replaced on this one instance, as GithubRetry.increment does for a 403; mypy forbids assigning a method.
            retry.get_backoff_time = lambda: wait  # type: ignore[method-assign]
        else:
            following = super().increment(method, url, response, error, _pool, _stacktrace)
            # GithubRetry.increment declares Retry, but what it returns comes from urllib3's self.new(): a WizardRetry
            assert isinstance(following, WizardRetry)
            retry = following
        self.stats["retries"] = self.stats.get("retries", 0) + 1  # reached only when a retry follows
        return retry


def build_retry(retries: int, max_wait: float, stats: MutableMapping[str, int], pacer: Pacer | None = None) -> WizardRetry:
    return WizardRetry(
        pacer=pacer,
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=list(READ_RETRY_STATUSES),
        backoff_factor=0.5,
        raise_on_status=False,  # after the last try, hand PyGithub the answer so it raises GithubException
        respect_retry_after_header=True,
        secondary_rate_wait=SECONDARY_DEFAULT_WAIT,
        max_wait=max_wait,
        stats=stats,
    )


@dataclass
class WritePolicy:
    retries: int
    max_wait: float
    stats: MutableMapping[str, int] = field(default_factory=dict)
    pacer: Pacer | None = None  # shared by every adapter of a fleet run: one budget, one pause

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            CLOCK.sleep(seconds)

    def before_send(self) -> None:
        if self.pacer is not None:
            self.pacer.before_write()

    def rate_limited(self, seconds: float) -> None:
        """GitHub did not apply the write and asked to wait: with a pacer every worker waits (before_send)."""
        if self.pacer is not None:
            self.pacer.pause(seconds)
        else:
            self.sleep(seconds)

    def backoff(self, attempt: int) -> float:
        return 0.0 if attempt == 0 else min(8.0, 0.5 * 2**attempt)

    def count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1


def _message(exc: GithubException) -> str | None:
    data = exc.data
    return data.get("message") if isinstance(data, dict) else None


def retry_write(
    policy: WritePolicy, send: Callable[[], T], *, recheck: Callable[[], T | Missing] | None = None, idempotent: bool = False
) -> T:
    """Send a write; after an ambiguous failure re-send only if it is idempotent or `recheck` finds nothing."""
    may_resend = recheck is not None or idempotent
    attempt = 0
    while True:
        try:
            policy.before_send()
            return send()
        except GithubException as exc:
            wait = rate_limit_wait(exc.status, exc.headers or {}, _message(exc))
            if wait is not None:
                if attempt >= policy.retries or wait > policy.max_wait:
                    raise
                policy.count("rate_limited")
                policy.rate_limited(wait)  # a rate-limited request was not applied: sending it again is safe
                attempt += 1
                continue
            if exc.status not in AMBIGUOUS_STATUSES or attempt >= policy.retries or not may_resend:
                raise
        except TRANSPORT_ERRORS:
            if attempt >= policy.retries or not may_resend:
                raise
        policy.count("write_retries")
        policy.sleep(policy.backoff(attempt))
        attempt += 1
        if recheck is not None:
            policy.count("rechecks")
            found = recheck()
            if not isinstance(found, Missing):
                return found
