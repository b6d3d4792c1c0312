"""Secrets: the secrets step's answers (strategy, where the secrets live), and the PAT (masked, never shown again).

An existing REGISTRY_PAT where the secrets live needs no typed value: the engine asks keep or replace (as the plain
prompts do) and asks for a value only to replace it. In the demo, a button fills in the sandbox's registry PAT.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Static

from wizard.core.plan import PAT_SECRET
from wizard.engine.results import SecretsResult
from wizard.tui.model import StepState
from wizard.tui.screens.base import AnswerScreen
from wizard.tui.widgets.fields import Field


class SecretsScreen(AnswerScreen):
    step = "secrets"
    AUTO_FOCUS = "#strategy"

    _pat_dirty = False

    def compose_body(self) -> ComposeResult:
        yield from self.compose_form()
        pat = Input(password=True, id="pat", placeholder="classic PAT with write:packages; Enter to check it")
        yield Field("Registry PAT (hidden; checked with GitHub, never shown again)", pat, id="pat-field")
        if self.wizard.demo_registry_pat:
            # Demo only: the sandbox made this PAT and its registry accepts it; the field stays masked.
            yield Button("Use the sandbox's registry PAT (demo)", id="use-demo-pat", compact=True)
        yield Static(id="form-hint", classes="form-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_hint()

    def _wants_pat(self) -> bool:
        return bool(self.form.draft().strategy == "pat")

    def _pat_kept_possible(self) -> bool:
        """The last check found REGISTRY_PAT where the secrets live now: keeping it needs no value."""
        result = self.wizard.journey[self.step].result
        return isinstance(result, SecretsResult) and result.pat_exists and result.scope == self.form.draft().scope

    def show_hint(self) -> None:
        wants = self._wants_pat()
        self.query_one("#pat-field").display = wants
        for button in self.query("#use-demo-pat"):
            button.display = wants
        hint = self.problem()
        if hint is None and wants and self._pat_kept_possible() and not self.query_one("#pat", Input).value:
            hint = f"{PAT_SECRET} already exists here: it is kept (you are asked), or type a new PAT to replace it"
        self.query_one("#form-hint", Static).update(hint or "")
        self.query_one("#form-hint").display = bool(hint)

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if self.is_mounted:
            self.show_hint()  # whether REGISTRY_PAT exists is known from the last check

    def problem(self) -> str | None:
        problem = super().problem()
        if problem:
            return problem
        pat = self.query_one("#pat", Input).value
        if self._wants_pat() and not pat and not self.wizard.questioner.has_secret(PAT_SECRET) and not self._pat_kept_possible():
            demo = " (or use the sandbox's, below)" if self.wizard.demo_registry_pat else ""
            return f"type the registry PAT{demo}, then Enter: it is checked before anything is stored"
        return None

    @on(Input.Changed, "#pat")
    def _pat_typed(self, event: Input.Changed) -> None:
        event.stop()  # not an answer: kept out of the form's own handling
        self._pat_dirty = True
        self.show_hint()

    @on(Button.Pressed, "#use-demo-pat")
    def _use_demo_pat(self, event: Button.Pressed) -> None:
        event.stop()
        pat = self.query_one("#pat", Input)
        with pat.prevent(Input.Changed):  # sent just below: a later Changed would mark it as typed and unsent again
            pat.value = self.wizard.demo_registry_pat or ""
        self._pat_dirty = True
        self._pat_done()

    @on(Input.Submitted, "#pat")
    @on(Input.Blurred, "#pat")
    def _pat_done(self) -> None:
        if not self._pat_dirty or self.problem():
            return
        self.wizard.questioner.provide_secret(PAT_SECRET, self.query_one("#pat", Input).value)
        self._pat_dirty = False
        edits = self.form.edits()
        self.form.mark_sent(edits)
        self.wizard.edit_step(self.step, edits)  # a new PAT is checked again even when no answer changed

    def has_unsent(self) -> bool:
        return (self._pat_dirty and not self.problem()) or super().has_unsent()

    def unsaved(self) -> bool:
        return self._pat_dirty or super().unsaved()

    def pending_edits(self) -> dict[str, object] | None:
        if self._pat_dirty and not self.problem():
            self.wizard.questioner.provide_secret(PAT_SECRET, self.query_one("#pat", Input).value)
            self._pat_dirty = False
            edits = self.form.edits()
            self.form.mark_sent(edits)
            return edits
        return super().pending_edits()
