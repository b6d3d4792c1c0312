"""Check HTTP exchanges against GitHub's own OpenAPI description (the subset the product uses).

Reusable by any test: `check_response(...)` / `check_request(...)` return a list of problems (empty when
the exchange conforms), and `ExchangeRecorder(app)` captures every exchange a Flask app (the sandbox)
answers, so a test can drive it with PyGithub and then check what went over the wire.

The description's server is https://api.github.com; the sandbox serves the same paths at its root, so
requests are checked as if sent to api.github.com with the same path and query.
"""

from __future__ import annotations

import io
import json
import os
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC_NAME = "openapi-subset.json"
SERVER = "https://api.github.com"


def facts_dir() -> Path | None:
    """Where GitHub's facts live: $BRIK_GITHUB_FACTS_DIR, the project's shared folder beside the checkout
    (`../shared/github`, which also holds the recorded exchanges), or the copy of the spec in tests/fixtures."""
    repo = Path(__file__).resolve().parent.parent
    candidates = [os.environ.get("BRIK_GITHUB_FACTS_DIR"), repo.parent / "shared" / "github", Path(__file__).parent / "fixtures" / "github"]
    for candidate in candidates:
        if candidate and (Path(candidate) / SPEC_NAME).is_file():
            return Path(candidate)
    return None


def _spec_path() -> Path:
    root = facts_dir()
    if root is None:
        raise FileNotFoundError(f"{SPEC_NAME} not found (set BRIK_GITHUB_FACTS_DIR)")
    return root / SPEC_NAME


@lru_cache(maxsize=1)
def spec() -> OpenAPI:
    return OpenAPI.from_file_path(str(_spec_path()))


@lru_cache(maxsize=1)
def raw_spec() -> dict[str, Any]:
    return json.loads(_spec_path().read_text(encoding="utf-8"))


def operations() -> list[str]:
    """Every described operation as `METHOD /template`."""
    methods = ("get", "put", "post", "patch", "delete")
    return [f"{m.upper()} {t}" for t, item in raw_spec()["paths"].items() for m in item if m in methods]


@dataclass
class Exchange:
    method: str
    path: str  # without the query
    query: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes

    def json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None


# Operations whose last parameter may hold slashes (GitHub takes the rest of the path as one value);
# the description cannot say so, so the slashes are escaped before matching.
_GREEDY = re.compile(r"^(/repos/[^/]+/[^/]+/(?:contents|git/ref|git/refs|branches)/)(.+)$")


def api_path(path: str) -> str:
    match = _GREEDY.match(path)
    return match[1] + match[2].replace("/", "%2F") if match else path


def _mock_request(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> MockRequest:
    path = api_path(path)
    args = urllib.parse.parse_qs(query, keep_blank_values=True)
    content_type = headers.get("Content-Type") or headers.get("content-type") or "application/json"
    return MockRequest(
        SERVER,
        method,
        path,
        args={k: v[-1] for k, v in args.items()},
        headers=headers,
        data=body or None,
        content_type=content_type.split(";")[0].strip(),
    )


def _schema_errors(error: BaseException) -> list[Any]:
    """The jsonschema errors behind an openapi-core error (kept on the error or on its cause)."""
    for candidate in (error, error.__cause__):
        found = getattr(candidate, "schema_errors", None)
        if found:
            return list(found)
    return []


def _ambiguous_one_of(error: Exception) -> bool:
    """A body valid under *several* branches of a `oneOf`: a flaw of the description, not of the body.

    E.g. a 409 from PUT …/contents/{path} is `oneOf: [basic-error, repository-rule-violation-error]`, two
    open schemas with no required member, so every real GitHub 409 body matches both.
    """
    found = _schema_errors(error)
    return bool(found) and all(e.validator == "oneOf" and "is valid under each of" in e.message for e in found)


def _messages(errors: Iterable[Exception]) -> list[str]:
    out = []
    for error in errors:
        if _ambiguous_one_of(error):
            continue
        detail = "; ".join(e.message for e in _schema_errors(error))
        out.append(f"{type(error).__name__}: {error}" + (f" ({detail[:600]})" if detail else ""))
    return out


def check_request(method: str, path: str, query: str = "", headers: dict[str, str] | None = None, body: bytes = b"") -> list[str]:
    """Problems with a request the product sends (path, parameters, JSON body), per the description."""
    return _messages(spec().iter_request_errors(_mock_request(method, path, query, dict(headers or {}), body)))


def check_response(
    method: str,
    path: str,
    status: int,
    body: bytes,
    *,
    query: str = "",
    response_headers: dict[str, str] | None = None,
    request_headers: dict[str, str] | None = None,
    request_body: bytes = b"",
) -> list[str]:
    """Problems with an answer: unknown status for the operation, or a body outside its schema."""
    request = _mock_request(method, path, query, dict(request_headers or {}), request_body)
    headers = dict(response_headers or {})
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
    response = MockResponse(
        body, status_code=status, headers=headers, content_type=content_type.split(";")[0].strip() if body else "application/json"
    )
    return _messages(spec().iter_response_errors(request, response))


def check_error_body(status: int, body: bytes) -> list[str]:
    """An error answer's body against GitHub's error schemas (for statuses an operation does not list)."""
    from openapi_schema_validator import OAS30Validator

    name = "validation-error" if status == 422 else "basic-error"
    schema = raw_spec()["components"]["schemas"][name]
    try:
        instance = json.loads(body)
    except ValueError as exc:
        return [f"error body is not JSON: {exc}"]
    return [e.message for e in OAS30Validator(schema).iter_errors(instance)]


def operation_of(method: str, path: str) -> str | None:
    """`METHOD /template` of the described operation a request path falls under, if any."""
    path = api_path(path)
    found = [
        template
        for template, item in raw_spec()["paths"].items()
        if method.lower() in item and re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path)
    ]
    # A literal segment (secrets/public-key) beats a parameter (secrets/{secret_name}).
    found.sort(key=lambda template: template.count("{"))
    return f"{method.upper()} {found[0]}" if found else None


def check_exchange(ex: Exchange) -> list[str]:
    return check_response(
        ex.method,
        ex.path,
        ex.status,
        ex.response_body,
        query=ex.query,
        response_headers=ex.response_headers,
        request_headers=ex.request_headers,
        request_body=ex.request_body,
    )


@dataclass
class ExchangeRecorder:
    """WSGI middleware that records every exchange of a Flask app (install before requests are made)."""

    app: Any
    exchanges: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._inner = self.app.wsgi_app
        self.app.wsgi_app = self

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        request_headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            request_headers["Content-Type"] = environ["CONTENT_TYPE"]
        captured: dict[str, Any] = {}

        def recording_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = int(status.split()[0]), dict(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = list(self._inner(environ, recording_start))
        raw_path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
        self.exchanges.append(
            Exchange(
                environ["REQUEST_METHOD"],
                raw_path or environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                request_headers,
                body,
                captured.get("status", 0),
                captured.get("headers", {}),
                b"".join(chunks),
            )
        )
        return chunks

    def api_exchanges(self) -> list[Exchange]:
        """The GitHub API exchanges (the /_sandbox area is the sandbox's own)."""
        return [ex for ex in self.exchanges if not ex.path.startswith("/_sandbox")]
