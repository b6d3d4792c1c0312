"""A fleet run's progress in one file: each repository's outcome and its step progress (the same fields as one
run's progress file), so a run that was interrupted picks up where it stopped with no second branch, PR or run.

Only names, numbers and SHAs: nothing secret is ever stored here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from wizard.engine.state import ProgressState, StateStore
from wizard.errors import InputError
from wizard.fsutil import atomic_write_text

FORMAT_VERSION = 1
DONE, FAILED, REFUSED, VALIDATION_FAILED, PAUSED = "done", "failed", "refused", "validation-failed", "paused"
_PROGRESS_FIELDS = {f.name for f in fields(ProgressState)}


class FleetStore:
    """Thread-safe; every change is written at once (atomically), so a crash loses at most the request in flight."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._repos: dict[str, dict[str, Any]] = {}
        if path is not None and path.is_file():
            self._repos = self._read(path)

    @staticmethod
    def _read(path: Path) -> dict[str, dict[str, Any]]:
        damaged = InputError(f"the fleet progress file {path} is damaged", f"delete {path} to check every repository again")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise damaged from None
        repos = data.get("repos") if isinstance(data, dict) and data.get("version") == FORMAT_VERSION else None
        if not isinstance(repos, dict) or not all(isinstance(v, dict) for v in repos.values()):
            raise damaged
        return {str(k).lower(): v for k, v in repos.items()}

    def outcome(self, repo: str) -> str | None:
        with self._lock:
            return self._repos.get(repo.lower(), {}).get("outcome")

    def set_outcome(self, repo: str, outcome: str, message: str | None = None) -> None:
        with self._lock:
            entry = self._repos.setdefault(repo.lower(), {"repo": repo})
            entry["outcome"], entry["message"] = outcome, message
            self._save()

    def progress(self, repo: str) -> ProgressState:
        with self._lock:
            raw = self._repos.get(repo.lower(), {}).get("progress") or {}
        try:
            return ProgressState(**{k: v for k, v in raw.items() if k in _PROGRESS_FIELDS}) if raw else ProgressState(repo=repo)
        except TypeError:
            return ProgressState(repo=repo)

    def save_progress(self, state: ProgressState) -> None:
        with self._lock:
            entry = self._repos.setdefault(state.repo.lower(), {"repo": state.repo})
            entry["progress"] = asdict(state)
            self._save()

    def _save(self) -> None:
        if self.path is not None:
            data = {"version": FORMAT_VERSION, "repos": dict(sorted(self._repos.items()))}
            atomic_write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")


class RepoProgressStore(StateStore):
    """One repository's progress kept in the fleet's file (what a Session saves through)."""

    def __init__(self, fleet: FleetStore, repo: str) -> None:
        super().__init__(None)
        self.fleet, self.repo = fleet, repo

    def load(self, repo: str) -> ProgressState:
        state = self.fleet.progress(repo)
        return state if state.repo.lower() == repo.lower() else ProgressState(repo=repo)

    def save(self, state: ProgressState) -> None:
        self.fleet.save_progress(state)

    def clear(self) -> None:
        self.fleet.save_progress(ProgressState(repo=self.repo))
