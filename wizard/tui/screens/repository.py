"""Repository: the repo, its default branch and visibility, and the Dockerfile the build will use."""

from __future__ import annotations

from textual.app import ComposeResult

from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.facts import FactList


class RepositoryScreen(StepScreen):
    step = "repository"
    heading = "Repository"
    intro = "The repository to onboard, as GitHub knows it, and its Dockerfile on the default branch."

    def changes_visible(self, st: StepState) -> bool:
        return False  # a read-only step: its facts say it all

    def compose_body(self) -> ComposeResult:
        yield FactList(id="facts")

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        f = st.facts
        private = f.get("private")
        self.query_one("#facts", FactList).show(
            [
                ("Repository", f.get("repo")),
                ("Default branch", f.get("default_branch")),
                ("Visibility", None if private is None else ("private" if private else "public")),
                ("Dockerfile", f.get("dockerfile") or ("not found" if f else None)),
                ("Build targets", f.get("targets")),
            ]
        )
