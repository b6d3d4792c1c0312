"""Validate: the build and its re-run live, then the verdict table, the saving, the leak audit and the diagnosis."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from wizard.text.durations import duration
from wizard.tui.model import StepState
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.build_view import BuildView
from wizard.tui.widgets.verdict_view import VerdictView


class ValidateScreen(StepScreen):
    step = "validate"
    BINDINGS = [Binding("o", "open_run", "Open run")]

    def action_open_run(self) -> None:
        self.wizard.open_current_run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_run":
            return True if self.wizard.current_run_url() else None  # shown greyed until a build has a run
        return super().check_action(action, parameters)

    def compose_body(self) -> ComposeResult:
        yield VerdictView(id="verdict")
        yield BuildView(id="builds")
        yield Static(id="progress", classes="progress")

    def changes_visible(self, st: StepState) -> bool:
        return st.verdict is None  # once built, the verdict says it all

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        self.query_one("#builds", BuildView).show(st.builds, with_steps=st.verdict is None)
        progress = self.query_one("#progress", Static)
        progress.update("\n".join(st.progress[-3:]))
        progress.display = bool(st.progress) and st.verdict is None
        self.query_one("#verdict", VerdictView).show(st.verdict)
        self.refresh_bindings()  # "open run" is available once an attempt has a run (the key bar redraws on a change)

    def applying_text(self, st: StepState) -> str:
        if st.builds:
            latest = st.builds[max(st.builds)]
            took = f", {duration(latest.elapsed_s)}" if latest.elapsed_s is not None and latest.status != "queued" else ""
            return f"Building: attempt {latest.attempt} {latest.status.replace('_', ' ')}{took}…"
        return "Starting the build…"

    def next_label(self, st: StepState) -> str:
        return "summary"
