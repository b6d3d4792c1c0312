"""The GitHub adapter: the only package that imports PyGithub. `connect()` returns the engine's port."""

from __future__ import annotations

from wizard.github.adapter import DEFAULT_API_URL, PyGithubAdapter, connect

__all__ = ["DEFAULT_API_URL", "PyGithubAdapter", "connect"]
