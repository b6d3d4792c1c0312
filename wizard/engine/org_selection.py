"""A fleet run's org-level secrets and variables shared with `selected` repositories: each one is created, or
given its repositories, once for the whole run (one request listing every repository of the run that reads it),
not once per repository."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from wizard.engine.port import GitHubPort
from wizard.errors import WizardError

Key = tuple[str, str, str]  # (kind: "secret" | "variable", org, name), org and name as the plans give them


class OrgSelection:
    def __init__(self, readers: Mapping[Key, tuple[str, ...]]) -> None:
        """`readers`: for each org-level secret or variable with `selected` visibility, the repositories (full
        names) of the run whose answers read it."""
        self._readers = {_norm(k): v for k, v in readers.items()}
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._done: set[tuple[str, Key]] = set()
        self._key_locks: dict[tuple[str, Key], threading.Lock] = {}

    def repo_ids(self, port: GitHubPort, key: Key) -> tuple[int, ...]:
        """The ids of the repositories of the run that read `key` (read once each)."""
        ids = []
        for full_name in self._readers.get(_norm(key), ()):
            with self._lock:
                known = self._ids.get(full_name.lower())
            if known is None:
                try:
                    known = port.get_repo(full_name).id
                except WizardError:
                    known = 0  # not readable: its own run says why; the others go on without it
                with self._lock:
                    self._ids[full_name.lower()] = known
            if known:
                ids.append(known)
        return tuple(ids)

    def once(self, what: str, key: Key, action: Callable[[], None]) -> bool:
        """Run `action` for (what, key) if no worker has yet; False when one already did (it is done on return)."""
        mark = (what, _norm(key))
        with self._lock:
            lock = self._key_locks.setdefault(mark, threading.Lock())
        with lock:
            if mark in self._done:
                return False
            action()
            self._done.add(mark)
            return True


def _norm(key: Key) -> Key:
    return (key[0], key[1].lower(), key[2].upper())
