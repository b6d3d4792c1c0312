"""Parse a git remote URL into OWNER/NAME (https, scp-like ssh, ssh:// and GitHub Enterprise hosts)."""

from __future__ import annotations

import re

from wizard.errors import InputError

_PATTERNS = (
    re.compile(r"^(?:https?|git|ssh)://(?:[^@/]+@)?[^/]+/(?P<owner>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"),
    re.compile(r"^(?:[^@/]+@)?[^:/]+:(?P<owner>[^/]+)/(?P<name>[^/]+?)(?:\.git)?/?$"),
)


def parse_remote_url(url: str) -> str:
    """'git@github.com:Org/repo.git' -> 'Org/repo'. InputError when the URL names no OWNER/NAME."""
    text = url.strip()
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return f"{match['owner']}/{match['name']}"
    raise InputError(
        f"cannot read OWNER/NAME from the 'origin' remote {_redact(text)!r}",
        "pass --repo OWNER/NAME",
    )


def _redact(url: str) -> str:
    # A remote URL may embed a token (https://x-access-token:TOKEN@github.com/...): never echo credentials.
    return re.sub(r"//[^@/]+@", "//***@", url)
