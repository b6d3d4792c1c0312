"""What one `status --org` keeps for the next, so a repository nothing was pushed to is not read again.

Per repository: the files status read (the answers file and the caller, their text and blob SHA) with the listing's
`pushed_at` and default branch at the time. GitHub moves `pushed_at` on every push to any branch (a merge and a
commit through the API included), so while the listing shows the same `pushed_at` on the same default branch, the
files on that branch are the ones kept. `pushed_at` counts whole seconds, so a second push within the second of the
first would not move it: files are kept only when GitHub answered the listing at least two seconds after `pushed_at`'s
second (one for that rounding, one for the clocks of GitHub's machines differing), so a push after that answer has a
later `pushed_at`. Per judged run: its cache verdict (a run's attempts 1 and 2 never change).

Only names, SHAs, file texts of the repository (the answers file holds no secret value, ever) and verdicts: nothing
secret. Plain JSON-able data; wizard/app/status_cache.py keeps it in a file.
"""

from __future__ import annotations

import threading
from typing import Any

from wizard.core.kaniko.verdict import Reason, ReasonCode, Verdict
from wizard.engine.port import FileInfo, ListedRepo

SETTLED = 2  # seconds from pushed_at's second to the listing's answer before its files are kept (see above)
MISSING = None  # a file status looked for and did not find is kept as such: its absence is as good as its text


def _stamp(listed: ListedRepo) -> list[Any] | None:
    """What says the default branch is unchanged; None when the listing cannot say (then nothing is kept): no
    pushed_at, or no answer time at least SETTLED seconds after pushed_at's second."""
    pushed, answered = listed.pushed_at, listed.listed_at
    if pushed is None or answered is None or int(answered.timestamp()) - int(pushed.timestamp()) < SETTLED:
        return None
    return [listed.info.id, listed.info.default_branch, pushed.isoformat()]


class StatusMemory:
    """Thread-safe: the workers of one status read and keep at once."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        data = data if isinstance(data, dict) else {}
        self._lock = threading.Lock()
        repos, verdicts = data.get("repos"), data.get("verdicts")
        self._repos: dict[str, dict[str, Any]] = repos if isinstance(repos, dict) else {}
        self._verdicts: dict[str, dict[str, Any]] = verdicts if isinstance(verdicts, dict) else {}
        self._seen: set[str] = set()

    def files(self, listed: ListedRepo) -> dict[str, FileInfo | None]:
        """The files kept for this repository when nothing was pushed to it since ({} otherwise): path -> file."""
        stamp = _stamp(listed)
        with self._lock:
            kept = self._repos.get(listed.full_name.lower())
        if stamp is None or not isinstance(kept, dict) or kept.get("stamp") != stamp:
            return {}
        out: dict[str, FileInfo | None] = {}
        for path, file in (kept.get("files") or {}).items():
            if file is MISSING:
                out[path] = None
            elif isinstance(file, dict) and isinstance(file.get("text"), str) and isinstance(file.get("sha"), str):
                out[path] = FileInfo(path, file["text"], file["sha"])
        return out

    def keep_files(self, listed: ListedRepo, files: dict[str, FileInfo | None]) -> None:
        stamp = _stamp(listed)
        key = listed.full_name.lower()
        with self._lock:
            self._seen.add(key)
            if stamp is None:
                self._repos.pop(key, None)
                return
            kept = {p: (None if f is None else {"text": f.text, "sha": f.sha}) for p, f in files.items()}
            self._repos[key] = {"stamp": stamp, "files": kept}

    def verdict(self, key: str) -> Verdict | None:
        with self._lock:
            kept = self._verdicts.get(key)
        if not isinstance(kept, dict):
            return None
        try:
            reasons = [Reason(ReasonCode(code), str(text)) for code, text in kept.get("reasons") or ()]
            return Verdict(bool(kept["passed"]), reasons, hits=int(kept.get("hits") or 0), misses=int(kept.get("misses") or 0))
        except (KeyError, ValueError, TypeError):
            return None  # kept by another version: judged again

    def keep_verdict(self, key: str, verdict: Verdict) -> None:
        kept = {
            "passed": verdict.passed,
            "hits": verdict.hits,
            "misses": verdict.misses,
            "reasons": [[str(r.code), r.text] for r in verdict.reasons],
        }
        with self._lock:
            self._verdicts[key] = kept

    def to_json(self) -> dict[str, Any]:
        """What to keep: the repositories this status saw (a repository gone from the org is forgotten), all verdicts
        of runs still named by a kept repository are kept by their key."""
        with self._lock:
            repos = {k: v for k, v in self._repos.items() if k in self._seen}
            verdicts = {k: v for k, v in self._verdicts.items() if k.split("#", 1)[0] in repos}
            return {"repos": repos, "verdicts": verdicts}
