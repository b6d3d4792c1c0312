"""One brik-onboard run per repository at a time on this machine: an advisory lock file per GitHub host and repo.

Two runs on one repository would race on the same branch, files and secrets (the loser used to stop on GitHub's
raw `422 "sha" wasn't supplied`). The lock is taken before the first write and released when the run ends or the
process exits; the operating system drops it with the process, so a crash leaves nothing to clean up.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path

from wizard.app.user_config import cache_dir
from wizard.credentials import host_of
from wizard.errors import InputError


def locks_dir(environ: Mapping[str, str] | None = None) -> Path:
    return cache_dir(environ) / "locks"


class RunLock:
    def __init__(self, api_url: str | None, directory: Path | None = None) -> None:
        self._host = host_of(api_url).replace(":", "_")
        self._dir = directory or locks_dir()
        self._fd: int | None = None
        self._repo = ""

    def acquire(self, repo: str) -> None:
        """Hold the lock for `repo` (again: a no-op); InputError when another run holds it."""
        if self._fd is not None and self._repo == repo.lower():
            return
        self.release()
        owner, _, name = repo.lower().partition("/")
        path = self._dir / self._host / owner / f"{name}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise InputError(
                f"another brik-onboard run is in progress for {repo} ({holder})", "wait for it to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S')}".encode())
        self._fd, self._repo = fd, repo.lower()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __del__(self) -> None:
        self.release()
