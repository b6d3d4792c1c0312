"""What every step screen shares: the header, the step list, the step's status, its changes and warnings, the footer.

A screen renders the app's model of its step (`render_state`) and may collect answers (`pending_edits`);
it never calls the engine itself: the app does, in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from wizard.tui.model import APPLYING, CHECKING, DONE, FAILED, PENDING, READY, StepState
from wizard.tui.widgets.changes import ChangeList, WarningList
from wizard.tui.widgets.facts import FactList
from wizard.tui.widgets.step_list import StepList

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


class StepScreen(Screen):
    step: ClassVar[str] = ""
    heading: ClassVar[str] = ""  # the engine's step title (kept here too: the first frame does not load the engine)
    intro: ClassVar[str] = ""  # one line under the heading: what the user decides here

    _status_shown: Text | None = None

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="main"):
            yield StepList(self.step)
            with VerticalScroll(id="body"):
                yield Static(self.heading, classes="step-title")
                if self.intro:
                    yield Static(self.intro, classes="step-intro")
                yield Static(id="status", classes="status")
                yield from self.compose_body()
                yield Static("Changes", classes="section-title", id="changes-title")
                yield ChangeList(id="changes")
                yield WarningList(id="warnings", classes="warnings")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.render_state(self.wizard.journey[self.step])

    def on_screen_resume(self) -> None:
        self.query_one(StepList).refresh()
        self.render_state(self.wizard.journey[self.step])
        self.wizard.screen_resumed(self)

    # -- rendering --------------------------------------------------------------------------------------------
    def render_state(self, st: StepState) -> None:
        """Show everything known about this step; subclasses add their own parts (and call super)."""
        if not self.is_mounted:
            return
        status = self.status_text(st)
        if status != self._status_shown:
            self._status_shown = status
            self.query_one("#status", Static).update(status)
        shown = self.changes_visible(st) and (st.status in (READY, APPLYING, DONE) or bool(st.changes))
        title = self.query_one("#changes-title", Static)
        title.display = shown
        heading = "Applied" if st.status == DONE else "Changes"
        if str(title.render()) != heading:
            title.update(heading)
        self.query_one("#changes", ChangeList).show(st.changes, shown)
        self.query_one("#warnings", WarningList).show(st.warnings)
        self.query_one(StepList).refresh()

    def changes_visible(self, st: StepState) -> bool:
        """Whether the step's list of changes is worth showing (steps that only read say so in their facts)."""
        return True

    def status_text(self, st: StepState) -> Text:
        if st.status == PENDING:
            return Text("Waiting to be checked…" if self.wizard.controller.engine else "Starting…", style="dim")
        if st.status == CHECKING:
            return Text("Checking…", style="italic")
        if st.status == FAILED:
            return Text.assemble(("✖ ", "bold red"), (st.error or "failed", "red"), ("\n  Ctrl+R checks again once it is fixed.", "dim"))
        if st.status == APPLYING:
            return Text(self.applying_text(st), style="bold yellow")
        if st.status == DONE and st.done is not None:
            return Text.assemble(("✔ ", "bold green"), st.done.message, ("  ·  Ctrl+N: " + self.next_label(st), "dim"))
        writes = len(st.writes)
        if writes:
            return Text.assemble(
                ("● ", "bold"), f"{writes} change{'s' if writes > 1 else ''} to apply", ("  ·  Ctrl+N: review and apply", "dim")
            )
        return Text.assemble(("● ", "bold"), "ready, nothing to write", ("  ·  Ctrl+N: continue", "dim"))

    def applying_text(self, st: StepState) -> str:
        return st.progress[-1] if st.progress else "Applying…"

    def next_label(self, st: StepState) -> str:
        return "next step"

    # -- answers ----------------------------------------------------------------------------------------------
    def problem(self) -> str | None:
        """Why Next cannot go on yet (an invalid or missing answer), or None."""
        return None

    def pending_edits(self) -> dict[str, Any] | None:
        """Answers typed here but not checked yet (None when there are none). Called before Next applies."""
        return None


class FactsScreen(StepScreen):
    """A read-only step: no answers to give, its facts say it all."""

    def changes_visible(self, st: StepState) -> bool:
        return False

    def compose_body(self) -> ComposeResult:
        yield FactList(id="facts")

    def fact_rows(self, facts: dict[str, Any]) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if self.is_mounted:
            self.query_one("#facts", FactList).show(self.fact_rows(st.facts))
