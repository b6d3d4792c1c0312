"""The GitHub adapter: the only package that imports PyGithub. `connect()` returns the engine's port."""

from __future__ import annotations

from wizard.github._deferred import defer_unused_imports

defer_unused_imports()  # before PyGithub is first imported (just below)

from wizard.github.adapter import DEFAULT_API_URL, PyGithubAdapter, connect  # noqa: E402

__all__ = ["DEFAULT_API_URL", "PyGithubAdapter", "connect"]
