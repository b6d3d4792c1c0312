"""What every step screen shares: the header, the step list, the step's status, its changes and warnings, the footer.

A screen renders the app's model of its step (`render_state`) and may collect answers (`pending_edits`);
it never calls the engine itself: the app does, in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, RadioSet, Static, Switch

from wizard.engine.step_info import STEP_INFO
from wizard.tui.model import APPLYING, DONE, FAILED, READY, Move, StepState, next_move
from wizard.tui.widgets.answer_form import AnswerForm
from wizard.tui.widgets.changes import ChangeList, WarningList
from wizard.tui.widgets.facts import FactList
from wizard.tui.widgets.fields import Field
from wizard.tui.widgets.key_bar import KeyBar
from wizard.tui.widgets.step_list import StepList

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


class StepScreen(Screen[None]):
    step: ClassVar[str] = ""
    # Enter goes on like Ctrl+N; an input, a radio set or a switch with the focus takes Enter first.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "app.next", "Next", show=False)]

    _status_shown: Text | None = None

    @property
    def heading(self) -> str:
        return STEP_INFO[self.step].title

    @property
    def intro(self) -> str:
        return STEP_INFO[self.step].intro

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)  # Textual types a screen's app as App[object]

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
        yield KeyBar()

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
        # A preview of the changes comes from the answers last checked: hidden while an answer on screen is refused.
        shown = self.changes_visible(st) and not self.preview_hidden() and (st.status in (READY, APPLYING, DONE) or bool(st.changes))
        title = self.query_one("#changes-title", Static)
        title.display = shown
        heading = "Applied" if st.status == DONE else "Changes"
        if str(title.render()) != heading:
            title.update(heading)
        self.query_one("#changes", ChangeList).show(st.changes, shown)
        self.query_one("#warnings", WarningList).show(st.warnings)
        self.query_one(StepList).refresh()

    def preview_hidden(self) -> bool:
        """True while an answer typed here is refused: what follows from the answers would not be what is typed."""
        return self.wizard.controller.engine is not None and self.problem() is not None

    def changes_visible(self, st: StepState) -> bool:
        """Whether the step's list of changes is worth showing (steps that only read say so in their facts)."""
        return True

    def next_move(self, st: StepState) -> Move:
        """What Ctrl+N does now (the app acts on it, the status line says it): see model.next_move."""
        connected = self.wizard.controller.engine is not None
        return next_move(st, connected=connected, problem=self.problem() if connected else None, unsent=self.has_unsent())

    def status_text(self, st: StepState) -> Text:
        move = self.next_move(st)
        if move == Move.CONNECTING and st.status != FAILED:
            return Text("Starting…", style="dim")
        if move == Move.CONFIRM:
            return Text.assemble(("? ", "bold"), ("Confirm the changes: y applies them, n leaves them unapplied", "bold yellow"))
        if move == Move.BUSY:
            return Text(self.applying_text(st), style="bold yellow")
        if move == Move.FIX:
            return Text.assemble(("✖ ", "bold red"), (self.problem() or "", "red"), ("  ·  then Ctrl+N", "dim"))
        if move == Move.SEND:
            return Text.assemble(("● ", "bold"), "answers changed", ("  ·  Ctrl+N: check and apply", "dim"))
        if st.status == FAILED:
            return Text.assemble(("✖ ", "bold red"), (st.error or "failed", "red"), ("\n  Ctrl+R checks again once it is fixed.", "dim"))
        if move == Move.WAIT_CHECK:
            return Text("Checking…", style="italic")
        if move == Move.LEAVE:
            done = st.done.message if st.done is not None else "done"
            return Text.assemble(("✔ ", "bold green"), done, ("  ·  Ctrl+N: " + self.next_label(st), "dim"))
        if move == Move.APPLY:
            writes = len(st.writes)
            return Text.assemble(
                ("● ", "bold"), f"{writes} change{'s' if writes > 1 else ''} to apply", ("  ·  Ctrl+N: review and apply", "dim")
            )
        if move == Move.CONTINUE:
            return Text.assemble(("● ", "bold"), "ready, nothing to write", ("  ·  Ctrl+N: continue", "dim"))
        return Text("Waiting to be checked…", style="dim")

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

    def has_unsent(self) -> bool:
        """Whether answers were typed here that no check has seen yet (reads only; pending_edits sends them)."""
        return False

    def unsaved(self) -> bool:
        """Typed here and not in the model yet (quitting asks before dropping it); unlike pending_edits, sends nothing."""
        return False


class FactsScreen(StepScreen):
    """A read-only step: no answers to give, its facts say it all."""

    def changes_visible(self, st: StepState) -> bool:
        return False

    def compose_body(self) -> ComposeResult:
        yield FactList(id="facts")

    def fact_rows(self, result: Any) -> list[tuple[str, Any]]:
        """Label and value rows for the step's result (None: not checked yet, every value unknown)."""
        raise NotImplementedError

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if self.is_mounted:
            self.query_one("#facts", FactList).show(self.fact_rows(st.result))


class AnswerScreen(StepScreen):
    """A step that asks answers: its form comes from the answers' declarations (the engine hands them out)."""

    def compose_form(self) -> ComposeResult:
        engine = self.wizard.controller.engine
        yield AnswerForm(engine.questions(self.step), self.wizard.plan(), id="answers")

    @property
    def form(self) -> AnswerForm:
        return self.query_one("#answers", AnswerForm)

    @on(Input.Changed, "#answers Input")
    def _typed(self, event: Input.Changed) -> None:
        field = event.input.parent
        if isinstance(field, Field) and not field.show_result(event.validation_result):
            self.form_changed(send=False)
            return
        self.form_changed()

    @on(RadioSet.Changed, "#answers RadioSet")
    @on(Switch.Changed, "#answers Switch")
    def _chosen(self) -> None:
        self.form_changed()

    def form_changed(self, *, send: bool = True) -> None:
        """Show what applies now; send the answers that changed once nothing stops them."""
        self.form.show_what_applies()
        self.show_hint()
        if send:
            edits = self.pending_edits()
            if edits:
                self.wizard.edit_step(self.step, edits)
        # The status line and the previews follow the form's validity even when nothing was sent.
        self.render_state(self.wizard.journey[self.step])

    def show_hint(self) -> None:
        """Steps with more than the form (the secrets' PAT) say what is missing here."""

    def problem(self) -> str | None:
        return self.form.problem()

    def has_unsent(self) -> bool:
        return not self.problem() and bool(self.form.edits())

    def unsaved(self) -> bool:
        return self.is_mounted and self.form.dirty()

    def pending_edits(self) -> dict[str, Any] | None:
        if self.problem():
            return None
        edits = self.form.edits()
        if not edits:
            return None
        self.form.mark_sent(edits)
        return edits
