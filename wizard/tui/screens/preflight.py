"""Preflight: what the plan needs from the token, and what the org's reusable workflow accepts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.engine.results import PreflightResult
from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.facts import FactList


class PreflightScreen(StepScreen):
    step = "preflight"

    def changes_visible(self, st: StepState) -> bool:
        return False  # a read-only step: its facts say it all

    def compose_body(self) -> ComposeResult:
        yield Static("The token has every scope this plan needs", id="needs-title", classes="section-title")
        yield FactList(id="needs")
        yield FactList(id="facts")

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        r = st.result if isinstance(st.result, PreflightResult) else None
        needs = r.needs if r is not None else {}
        title = self.query_one("#needs-title", Static)
        title.display = bool(needs)
        # A fine-grained or App token's permissions cannot be read up front: list them, tick nothing.
        verified = r is None or r.permissions_checked_by is None
        title.update("The token has every scope this plan needs" if verified else "Permissions this plan needs (GitHub checks each call)")
        mark = "✔" if verified else "•"
        self.query_one("#needs", FactList).show((f"{mark} {scope}", why) for scope, why in needs.items())
        inputs = list(r.reusable_inputs) if r is not None else None
        self.query_one("#facts", FactList).show([("Workflow inputs", inputs), ("Pinned to", r.pinned_sha if r is not None else None)])
