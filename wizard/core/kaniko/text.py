"""Text helpers of the Kaniko log parser: ANSI codes, image references, RFC 3339 times, Go's %q unescaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

# ANSI codes; a copy from a web page may have lost the ESC byte and keep only "[36m" / "[0m".
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\[[0-9;]*m(?=[A-Z\[])")
_TS_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
_GO_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)")
_GO_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def strip_ansi(line: str) -> str:
    """``_ANSI_RE.sub("", line)``, without trying the pattern at every character of the line: a debug log's
    snapshot lines are a megabyte long. Every code holds a "[" (after the ESC or first), so only the places
    around each "[" are tried, left to right as ``sub`` tries them."""
    parts: list[str] = []
    match, find = _ANSI_RE.match, line.find
    kept = 0  # line[kept:] is not decided yet
    bracket = find("[")
    while bracket >= 0:
        m = None
        if bracket > kept and line[bracket - 1] == "\x1b":
            m = match(line, bracket - 1)
        m = m or match(line, bracket)
        if m:
            parts.append(line[kept : m.start()])
            kept = m.end()
        bracket = find("[", max(kept, bracket + 1))
    return "".join(parts) + line[kept:] if parts else line


def split_ref(ref: str) -> tuple[str, str | None, str | None]:
    """``host:5000/a/b:tag@sha256:…`` → (repository, tag, digest); a port is not a tag."""
    ref, _, digest = ref.strip().partition("@")
    colon = ref.rfind(":")
    if colon > ref.rfind("/"):
        return ref[:colon], ref[colon + 1 :], digest or None
    return ref, None, digest or None


def normalize_repo(repo: str) -> str:
    """Compare repositories the way registries do: lower case, Docker Hub spelt one way."""
    repo = repo.strip().lower()
    for prefix in ("index.docker.io/", "registry-1.docker.io/", "docker.io/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix) :]
            break
    return repo[len("library/") :] if repo.startswith("library/") else repo


def parse_timestamp(text: str) -> float | None:
    """RFC 3339 with any number of fraction digits → seconds since the epoch (None when unreadable)."""
    m = _TS_RE.search(text)
    if not m:
        return None
    tz = UTC
    if (offset := m.group(8)) and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[-2:])))
    try:
        year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
        base = datetime(year, month, day, hour, minute, second, tzinfo=tz).timestamp()
    except ValueError:
        return None
    return base + (float(m.group(7)) if m.group(7) else 0.0)


def go_unquote(body: str) -> str:
    """Undo Go's %q escaping (logrus logfmt quotes values that way)."""
    return _GO_ESCAPE_RE.sub(_go_escape, body) if "\\" in body else body


def _go_escape(m: re.Match[str]) -> str:
    esc = m.group(1)
    if len(esc) > 1:  # \xNN \uNNNN \UNNNNNNNN or octal \NNN
        return chr(int(esc[1:], 16) if esc[0] in "xuU" else int(esc, 8))
    return _GO_SIMPLE_ESCAPES.get(esc, esc)


# A registry's refusal in go-containerregistry's error text (a 401/403 status or the registry's error code),
# as opposed to MANIFEST_UNKNOWN / NAME_UNKNOWN, which are plain misses.
_REFUSAL_RE = re.compile(
    r"status code 40[13]\b|\b40[13] (?:Unauthorized|Forbidden)\b|\bUNAUTHORIZED\b|\bDENIED\b|\bforbidden\b|authentication required", re.I
)


def is_refusal(error: str) -> bool:
    return _REFUSAL_RE.search(error) is not None
