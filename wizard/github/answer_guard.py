"""GitHub's answers are read with a size limit and must be JSON: anything else is a clear refusal (exit 3), never
a traceback from deep inside a parser, and never hundreds of megabytes in memory.

A `requests` response hook on PyGithub's sessions does it before the body is read (`Session.send` runs response
hooks before it loads the content). Log downloads use their own session (action_ops.py) and their own limits.
"""

from __future__ import annotations

from typing import Any

import requests
from github import Github
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass

# GitHub's JSON answers are kilobytes (lists are paged at 100 items); 16 MiB is far past any of them.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024


class BadAnswer(Exception):
    """The server answered something that is not a GitHub API answer; the message says what came back."""


def describe(response: requests.Response) -> str:
    kind = (response.headers.get("Content-Type") or "no content type").split(";")[0].strip()
    return f"{kind}, HTTP {response.status_code}"


def check_answer(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """The response hook: refuse an oversized or non-JSON body before PyGithub parses it."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_ANSWER_BYTES:
        response.close()
        raise BadAnswer(
            f"an answer of {int(length) // (1024 * 1024)} MiB ({describe(response)}), over the {MAX_ANSWER_BYTES // (1024 * 1024)} MiB limit"
        )
    if not kwargs.get("stream"):
        body = bytearray()
        while chunk := response.raw.read(_CHUNK, decode_content=True):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                response.close()
                raise BadAnswer(f"an answer over the {MAX_ANSWER_BYTES // (1024 * 1024)} MiB limit ({describe(response)})")
        # requests' own fields: the content is read here, so Session.send does not read it again.
        response._content = bytes(body)
        response._content_consumed = True  # type: ignore[attr-defined]  # types-requests omits this field
    if 200 <= response.status_code < 300 and response.content.strip():
        kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not (kind == "application/json" or kind.endswith("+json")):
            raise BadAnswer(f"{describe(response)} where the API answers JSON")
    return response


class _GuardedHTTP(HTTPRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session.hooks["response"].append(check_answer)


class _GuardedHTTPS(HTTPSRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session.hooks["response"].append(check_answer)


def guard(gh: Github) -> Github:
    """Make this client's connections check every answer. PyGithub chooses its connection class per Requester
    (name-mangled); tests/test_github_answers.py fails if that stops taking effect."""
    requester = gh.requester
    https = requester._Requester__connectionClass is HTTPSRequestsConnectionClass  # type: ignore[attr-defined]
    requester._Requester__connectionClass = _GuardedHTTPS if https else _GuardedHTTP  # type: ignore[attr-defined]
    return gh
