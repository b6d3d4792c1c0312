"""A fleet run's org-level secrets and variables shared with `selected` repositories: each one is created, or
given its repositories, once for the whole run (one request listing every repository of the run that reads it),
not once per repository."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from wizard.engine.port import GitHubPort
from wizard.errors import WizardError

LIST_ABOVE = 20  # more repositories than this to look up: list the org instead (a page holds 100)
Key = tuple[str, str, str]  # (kind: "secret" | "variable", org, name), org and name as the plans give them


class OrgSelection:
    def __init__(self, readers: Mapping[Key, tuple[str, ...]]) -> None:
        """`readers`: for each org-level secret or variable with `selected` visibility, the repositories (full
        names) of the run whose answers read it."""
        self._readers = {_norm(k): v for k, v in readers.items()}
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._fill_lock = threading.Lock()  # one worker looks the ids up, the others wait for its answer
        self._listed: set[str] = set()  # orgs listed for their ids
        self._done: set[tuple[str, Key]] = set()
        self._key_locks: dict[tuple[str, Key], threading.Lock] = {}

    def repo_ids(self, port: GitHubPort, key: Key) -> tuple[int, ...]:
        """The ids of the repositories of the run that read `key`. Every worker asks at about the same time: the
        first fills the ids while the others wait for it, so each repository is looked up once per run; with many
        to look up, one listing of the org (100 a page) stands in for a read of each."""
        readers = self._readers.get(_norm(key), ())
        with self._fill_lock:
            unknown = [n for n in readers if n.lower() not in self._ids]
            if len(unknown) > LIST_ABOVE and key[1].lower() not in self._listed:
                self._listed.add(key[1].lower())
                try:
                    for listed in port.org_repos(key[1]):
                        self._ids.setdefault(listed.full_name.lower(), listed.info.id)
                except WizardError:
                    pass  # each repository is then read on its own
            for full_name in unknown:
                if full_name.lower() in self._ids:
                    continue
                try:
                    self._ids[full_name.lower()] = port.get_repo(full_name).id
                except WizardError:
                    self._ids[full_name.lower()] = 0  # not readable: its own run says why; the others go on without it
            return tuple(i for i in (self._ids[n.lower()] for n in readers) if i)

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
