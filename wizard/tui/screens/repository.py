"""Repository: the repo, its default branch and visibility, and the Dockerfile the build will use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wizard.tui.screens.base import FactsScreen

if TYPE_CHECKING:
    from wizard.engine.results import RepositoryResult


class RepositoryScreen(FactsScreen):
    step = "repository"

    def fact_rows(self, r: RepositoryResult | None) -> list[tuple[str, Any]]:
        if r is None:
            return [(label, None) for label in ("Repository", "Default branch", "Visibility", "Dockerfile", "Build targets", "Onboarded")]
        return [
            ("Repository", r.repo),
            ("Default branch", r.default_branch),
            ("Visibility", "private" if r.private else "public"),
            ("Dockerfile", r.dockerfile or "not found"),
            ("Build targets", list(r.targets)),
            ("Onboarded", f"yes: the answers recorded in {r.recorded} are where this run starts" if r.recorded else None),
        ]
