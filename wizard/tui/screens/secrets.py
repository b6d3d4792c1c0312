"""Secrets: the secrets step's answers (strategy, where the secrets live), and the PAT (masked, never shown again)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from wizard.core.plan import PAT_SECRET
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
        yield Static(id="form-hint", classes="form-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_hint()

    def _wants_pat(self) -> bool:
        return bool(self.form.draft().strategy == "pat")

    def show_hint(self) -> None:
        self.query_one("#pat-field").display = self._wants_pat()
        hint = self.problem()
        self.query_one("#form-hint", Static).update(hint or "")
        self.query_one("#form-hint").display = bool(hint)

    def problem(self) -> str | None:
        problem = super().problem()
        if problem:
            return problem
        pat = self.query_one("#pat", Input).value
        if self._wants_pat() and not pat and not self.wizard.questioner.has_secret(PAT_SECRET):
            return "type the registry PAT, then Enter: it is checked before anything is stored"
        return None

    @on(Input.Changed, "#pat")
    def _pat_typed(self, event: Input.Changed) -> None:
        event.stop()  # not an answer: kept out of the form's own handling
        self._pat_dirty = True
        self.show_hint()

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
