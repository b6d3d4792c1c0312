"""The local checkout: which GitHub repo the current directory's `origin` points at."""

from __future__ import annotations

import subprocess
from pathlib import Path

from wizard.core.remote import parse_remote_url
from wizard.errors import InputError


def origin_repo(cwd: Path) -> tuple[str, Path] | None:
    """(OWNER/NAME, checkout root) for the `origin` remote of `cwd`, or None when there is none."""
    try:
        url = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=cwd, capture_output=True, text=True, timeout=10)
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if url.returncode != 0 or not url.stdout.strip() or top.returncode != 0:
        return None
    try:
        repo = parse_remote_url(url.stdout)
    except InputError:
        return None  # e.g. a clone of a local path: not a GitHub repo, so the caller must name one
    return repo, Path(top.stdout.strip())
