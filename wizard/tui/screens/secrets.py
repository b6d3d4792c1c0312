"""Secrets: the registry credential strategy, where the secrets live, and the PAT (masked, never shown again)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from wizard.core.plan import PAT_SECRET, check_plan
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets.fields import CoreValidator, Field

CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "strategy": (("github-token", "GITHUB_TOKEN (recommended)"), ("pat", "registry PAT")),
    "scope": (("org", "organisation"), ("environment", "environment")),
    "visibility": (("selected", "selected repos"), ("private", "private repos"), ("all", "all repos")),
}


class SecretsScreen(StepScreen):
    step = "secrets"
    heading = "Registry secrets"
    intro = "GITHUB_TOKEN needs no stored secret; a PAT is stored as REGISTRY_PAT beside REGISTRY_URL."
    AUTO_FOCUS = "#strategy"

    def compose_body(self) -> ComposeResult:
        plan = self.wizard.plan()
        self._sent: dict[str, Any] = {
            "strategy": plan.strategy,
            "scope": plan.scope,
            "visibility": plan.visibility,
            "environment": plan.environment,
        }
        self._pat_dirty = False
        for key, title in (("strategy", "Registry credential"), ("scope", "Secrets live at"), ("visibility", "Org secret readable by")):
            yield Label(title, classes="field-label", id=f"{key}-label")
            with RadioSet(id=key, classes="inline"):
                for value, label in CHOICES[key]:
                    yield RadioButton(label, value=getattr(plan, key) == value, name=value)
        env_check = CoreValidator(lambda v: check_plan(self.wizard.plan().updated(scope="environment", environment=v)))
        yield Field("Environment name", Input(plan.environment or "", id="environment", validators=[env_check]), id="environment-field")
        pat = Input(password=True, id="pat", placeholder="classic PAT with write:packages; Enter to check it")
        yield Field("Registry PAT (hidden; checked with GitHub, never shown again)", pat, id="pat-field")
        yield Static(id="form-hint", classes="form-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self._show_form()

    # -- the form ---------------------------------------------------------------------------------------------
    def _form(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key in CHOICES:
            pressed = self.query_one(f"#{key}", RadioSet).pressed_button
            values[key] = pressed.name if pressed is not None else self._sent[key]
        env = self.query_one("#environment", Input).value.strip()
        values["environment"] = env or None
        return values

    def _show_form(self) -> None:
        form = self._form()
        org = form["scope"] == "org"
        self.query_one("#visibility-label").display = org
        self.query_one("#visibility").display = org
        self.query_one("#environment-field").display = not org
        self.query_one("#pat-field").display = form["strategy"] == "pat"
        hint = self.problem()
        self.query_one("#form-hint", Static).update(hint or "")
        self.query_one("#form-hint").display = bool(hint)

    def problem(self) -> str | None:
        form = self._form()
        if form["scope"] == "environment" and (not form["environment"] or not self.query_one("#environment-field", Field).valid):
            return "name the environment the secrets go to (it is created when missing)"
        pat = self.query_one("#pat", Input).value
        if form["strategy"] == "pat" and not pat and not self.wizard.questioner.has_secret(PAT_SECRET):
            return "type the registry PAT, then Enter: it is checked before anything is stored"
        return None

    def _changed_answers(self) -> dict[str, Any]:
        form = self._form()
        keys = ["strategy", "scope"] + (["visibility"] if form["scope"] == "org" else ["environment"])
        return {k: form[k] for k in keys if form[k] != self._sent.get(k)}

    def _submit(self, *, force: bool = False) -> dict[str, Any] | None:
        """Send the form when it is complete: the answers that changed, and the PAT when it was edited."""
        self._show_form()
        if self.problem():
            return None
        edits = self._changed_answers()
        if self._pat_dirty:
            self.wizard.questioner.provide_secret(PAT_SECRET, self.query_one("#pat", Input).value)
            self._pat_dirty = False
            force = True
        if not edits and not force:
            return None
        self._sent.update(edits)
        return edits

    def _send(self) -> None:
        edits = self._submit()
        if edits is not None:
            self.wizard.edit_step(self.step, edits)

    @on(RadioSet.Changed)
    def _radio(self, event: RadioSet.Changed) -> None:
        self._send()

    @on(Input.Changed, "#environment")
    def _environment(self, event: Input.Changed) -> None:
        if self.query_one("#environment-field", Field).show_result(event.validation_result):
            self._send()
        else:
            self._show_form()

    @on(Input.Changed, "#pat")
    def _pat_typed(self, event: Input.Changed) -> None:
        self._pat_dirty = True
        self._show_form()

    @on(Input.Submitted, "#pat")
    @on(Input.Blurred, "#pat")
    def _pat_done(self) -> None:
        if self._pat_dirty:
            self._send()

    def pending_edits(self) -> dict[str, Any] | None:
        return self._submit()
