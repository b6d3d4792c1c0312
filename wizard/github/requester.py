"""PyGithub's Requester for the calls PyGithub does not make the way we need them.

- every answer comes back with its status (a 302 or a 304 is an answer, not an error);
- errors >= 400 are raised as PyGithub's own GithubException subclasses;
- `poll` sends If-None-Match with the last ETag of a URL; a 304 (which GitHub does not count against
  the rate limit) returns the body we kept.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from github import Auth
from github.Requester import Requester


class CountingToken(Auth.Token):
    """Auth.Token that counts every request PyGithub sends (it authenticates each one exactly once)."""

    def __init__(self, token: str, stats: MutableMapping[str, int]) -> None:
        super().__init__(token)
        self._stats = stats

    def authentication(self, headers: dict[str, Any]) -> None:
        self._stats["requests"] = self._stats.get("requests", 0) + 1
        super().authentication(headers)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, Any]  # lower-case names (PyGithub lowers them)
    data: Any  # parsed JSON, the text when it is not JSON, None when empty
    text: str = ""


def _parse(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class Api:
    def __init__(self, requester: Requester, stats: MutableMapping[str, int], *, poll_etag: bool) -> None:
        self._requester = requester
        self._stats = stats
        self._poll_etag = poll_etag
        self._cache: dict[str, tuple[str, Any]] = {}  # url -> (etag, body)

    @property
    def requester(self) -> Requester:
        return self._requester

    def request(
        self, verb: str, url: str, *, params: dict[str, Any] | None = None, body: Any = None, headers: dict[str, str] | None = None
    ) -> Reply:
        # A copy: PyGithub writes the Authorization header into the dict it is given.
        status, response_headers, text = self._requester.requestJson(verb, url, params, dict(headers or {}), body)
        data = _parse(text)
        if status >= 400:
            raise Requester.createException(status, response_headers, data if isinstance(data, dict) else {})
        return Reply(status, response_headers, data, text or "")

    def poll(self, url: str, *, counted: tuple[str, str] = ("polls", "not_modified")) -> Any:
        """GET `url` as a conditional request; the body (the kept one on 304). `counted`: the stats keys for
        the polls and their 304s (run polls and job-list polls are counted apart)."""
        polls, not_modified = counted
        self._stats[polls] = self._stats.get(polls, 0) + 1
        cached = self._cache.get(url) if self._poll_etag else None
        if cached:  # a conditional read: what the benchmark reports beside the 304s
            self._stats[polls + "_conditional"] = self._stats.get(polls + "_conditional", 0) + 1
        reply = self.request("GET", url, headers={"If-None-Match": cached[0]} if cached else None)
        if reply.status == 304 and cached:
            self._stats[not_modified] = self._stats.get(not_modified, 0) + 1
            return cached[1]
        etag = reply.headers.get("etag")
        if self._poll_etag and etag:
            self._cache[url] = (etag, reply.data)
        return reply.data
