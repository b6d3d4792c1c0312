"""Connect: who the admin token belongs to, where it came from, and its scopes."""

from __future__ import annotations

from textual.app import ComposeResult

from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.facts import FactList


class ConnectScreen(StepScreen):
    step = "connect"
    heading = "Connect to GitHub"
    intro = "The admin token the wizard calls the API with: flag, GH_TOKEN/GITHUB_TOKEN, keyring, gh, or a prompt."

    def changes_visible(self, st: StepState) -> bool:
        return False  # a read-only step: its facts say it all

    def compose_body(self) -> ComposeResult:
        yield FactList(id="facts")

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        f = st.facts
        self.query_one("#facts", FactList).show(
            [("Signed in as", f.get("login")), ("Token from", f.get("token_source")), ("Scopes", f.get("scopes")), ("API", f.get("api_url"))]
        )
