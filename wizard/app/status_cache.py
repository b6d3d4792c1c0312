"""Where `status --org` keeps what it read for the next one: $XDG_CACHE_HOME/brik-onboard/status/HOST/ORG.json
(~/.cache when XDG_CACHE_HOME is not set), readable by the user only.

It holds the ETags of the org listing's pages and of each caller's newest-run list with the few fields kept from
them (wizard/github/org_ops.py), and the files and verdicts of wizard/engine/status_memory.py: names, SHAs, the
repositories' answers files and callers, no secret. A cache: a file that is damaged, too big, or from another version
of the tool is set aside and everything is read again; `--no-cache` neither reads nor writes it.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.app.user_config import cache_dir
from wizard.credentials import host_of
from wizard.engine.status_memory import StatusMemory
from wizard.fsutil import atomic_write_text

FORMAT = 1
MAX_CACHE_BYTES = 64 * 1024 * 1024  # ten thousand repositories' files with room to spare


def cache_path(api_url: str | None, org: str, environ: Mapping[str, str] | None = None) -> Path:
    host = host_of(api_url).replace(":", "_").replace("/", "_")
    return cache_dir(environ) / "status" / host / f"{org.lower()}.json"


class StatusCache:
    def __init__(self, path: Path | None) -> None:
        """`path` None: nothing is read or kept (--no-cache)."""
        self.path = path
        self.conditional: dict[str, Any] = {}
        self.memory = StatusMemory()

    def load(self) -> StatusCache:
        data = self._read()
        if data is not None:
            conditional = data.get("conditional")
            self.conditional = conditional if isinstance(conditional, dict) else {}
            self.memory = StatusMemory(data.get("memory"))
        return self

    def _read(self) -> dict[str, Any] | None:
        if self.path is None:
            return None
        try:
            if self.path.stat().st_size > MAX_CACHE_BYTES:
                return None
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # none yet, or damaged: read everything again
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("tool") != __version__:
            return None
        return data

    def save(self) -> None:
        if self.path is None:
            return
        memory = self.memory.to_json()
        data = {"format": FORMAT, "tool": __version__, "conditional": _seen_only(self.conditional, memory["repos"]), "memory": memory}
        try:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch(mode=0o600)  # atomic_write_text keeps the mode of the file it replaces
            atomic_write_text(self.path, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass  # a cache that cannot be written costs the next status its reads, nothing more


def _seen_only(conditional: dict[str, Any], repos: Mapping[str, Any]) -> dict[str, Any]:
    """The conditional reads of the listing, and of the repositories this status saw (a repository gone from the org
    or from the selection is forgotten)."""
    kept = {}
    for url, entry in conditional.items():
        if url.startswith("/repos/"):
            owner, _, rest = url.removeprefix("/repos/").partition("/")
            name = rest.partition("/")[0]
            if urllib.parse.unquote(f"{owner}/{name}").lower() not in repos:
                continue
        kept[url] = entry
    return kept
