"""Repository: the repo, its default branch and visibility, and the Dockerfile the build will use."""

from __future__ import annotations

from typing import Any

from wizard.tui.screens.base import FactsScreen


class RepositoryScreen(FactsScreen):
    step = "repository"

    def fact_rows(self, f: dict[str, Any]) -> list[tuple[str, Any]]:
        private = f.get("private")
        return [
            ("Repository", f.get("repo")),
            ("Default branch", f.get("default_branch")),
            ("Visibility", None if private is None else ("private" if private else "public")),
            ("Dockerfile", f.get("dockerfile") or ("not found" if f else None)),
            ("Build targets", f.get("targets")),
        ]
