"""A step's answers as a form, rendered from their declarations (core/spec.py) like the prompt face renders them.

A choice is a row of radio buttons, a yes/no a switch, anything else an input checked as it is typed by the
answer's own check. An answer asked only when another holds (the environment name, for environment secrets) is
shown only then. The form says what changed (`edits`) once everything shown is valid; the screen sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, RadioButton, RadioSet, Static, Switch

from wizard.core.plan import Plan
from wizard.core.spec import AnswerSpec, Kind
from wizard.engine.questions import Question
from wizard.errors import InputError
from wizard.tui.widgets.fields import CoreValidator, Field, field_name, own_words


class MarkedRadioButton(RadioButton):
    """A radio button whose mark says whether it is chosen (● or ○), not only its colour: it reads the same in
    the light theme, in a terminal without colours (NO_COLOR) and to a screen reader."""

    @property
    def _button(self) -> Content:
        return Content.styled("●" if self.value else "○", self.get_visual_style("toggle--button"))


def switch_label(prompt: str, on: bool) -> str:
    """A switch's label says its state in words too: its knob's side and colour are all it shows otherwise."""
    return f"{prompt}: {'on' if on else 'off'}"


def may_be_empty(spec: AnswerSpec) -> bool:
    """Whether a field may be left empty: the form shows the value it offers, so an emptied field that the core
    would fill in (a suggestion) or refuse (required) would stand for a value nobody sees."""
    return spec.may_be_empty and spec.meta.suggest is None and spec.meta.required is None


class AnswerForm(Vertical):
    DEFAULT_CSS = """
    AnswerForm { height: auto; }
    """

    def __init__(self, questions: list[Question], plan: Plan, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-form")
        self.questions = questions
        self.plan = plan
        # What the plan holds, or what a face would fill in for an unset answer (a suggestion taken is no edit; a
        # proposal taken, offered for an answer that is set but empty, is one).
        self.sent: dict[str, Any] = {q.name: q.offered if getattr(plan, q.name) is None else getattr(plan, q.name) for q in questions}

    def compose(self) -> ComposeResult:
        for q in self.questions:
            spec = q.spec
            if spec.kind is Kind.CHOICE:
                yield Label(spec.prompt, classes="field-label", id=f"{q.name}-label")
                with RadioSet(id=q.name, classes="inline"):
                    for o in spec.meta.options:
                        why = q.disabled.get(o.value)
                        yield MarkedRadioButton(
                            o.label, value=o.value == q.offered, name=o.value, disabled=why is not None, tooltip=why or o.help
                        )
                if q.disabled:
                    # Why an option cannot be chosen, said up front (a tooltip alone is found too late, if ever).
                    labels = {o.value: o.label for o in spec.meta.options}
                    notes = "\n".join(f"{labels.get(option, option)}: {why}" for option, why in q.disabled.items())
                    yield Static(notes, classes="field-note", id=f"{q.name}-note")
            elif spec.kind is Kind.BOOL:
                with Horizontal(classes="switch-row", id=f"{q.name}-row"):
                    yield Switch(bool(q.offered), id=q.name)
                    yield Label(switch_label(spec.prompt, bool(q.offered)), id=f"{q.name}-state")
            else:
                validator = CoreValidator(self._checker(spec), label=field_name(spec.prompt), allow_empty=may_be_empty(spec))
                yield Field(spec.prompt, Input(spec.text_of(q.offered), id=q.name, validators=[validator]), id=f"{q.name}-field")
                if q.notes:  # why a value is proposed, and the values worth knowing, one line each
                    yield Static("\n".join(q.notes), classes="field-note", id=f"{q.name}-hint", markup=False)

    def _checker(self, spec: AnswerSpec) -> Callable[[str], object]:
        """The answer's own check, on the text as typed, with the rest of the form as the other answers."""

        def check(text: str) -> None:
            spec.check(spec.parse_text(text), self.draft())

        return check

    def on_mount(self) -> None:
        self.show_what_applies()

    # -- reading the form -------------------------------------------------------------------------------------
    def value(self, q: Question) -> Any:
        spec = q.spec
        if spec.kind is Kind.CHOICE:
            pressed = self.query_one(f"#{q.name}", RadioSet).pressed_button
            return pressed.name if pressed is not None else self.sent[q.name]
        if spec.kind is Kind.BOOL:
            return self.query_one(f"#{q.name}", Switch).value
        try:
            return spec.parse_text(self.query_one(f"#{q.name}", Input).value)
        except InputError:
            return self.sent[q.name]  # refused as typed (the field says why): the last value sent still holds

    def values(self) -> dict[str, Any]:
        return {q.name: self.value(q) for q in self.questions}

    def draft(self) -> Plan:
        """The plan with what the form holds now (for the checks and what is shown)."""
        if not self.is_mounted:
            return self.plan
        return self.plan.updated(**self.values())

    def shown(self, spec: AnswerSpec) -> bool:
        return spec.shown(self.draft())

    # -- state ------------------------------------------------------------------------------------------------
    def show_what_applies(self) -> None:
        draft = self.draft()
        for q in self.questions:
            shown = q.spec.shown(draft)
            for selector in (f"#{q.name}-label", f"#{q.name}-field", f"#{q.name}-row", f"#{q.name}-note", f"#{q.name}-hint"):
                for widget in self.query(selector):
                    widget.display = shown
            if q.spec.kind is Kind.CHOICE:
                self.query_one(f"#{q.name}", RadioSet).display = shown
            elif q.spec.kind is Kind.BOOL:
                on = self.query_one(f"#{q.name}", Switch).value
                self.query_one(f"#{q.name}-state", Label).update(switch_label(q.spec.prompt, on))

    def problem(self) -> str | None:
        """Why the form cannot be sent yet (the first shown answer that is missing or refused), or None."""
        draft = self.draft()
        for q in self.questions:
            spec = q.spec
            if not spec.shown(draft) or spec.kind in (Kind.CHOICE, Kind.BOOL):
                continue
            if not may_be_empty(spec) and not self.query_one(f"#{q.name}", Input).value.strip():
                return f"Enter the {field_name(spec.prompt)}"
            if not self.query_one(f"#{q.name}-field", Field).valid:
                return f"fix the {field_name(spec.prompt)} first"
            try:
                spec.check(self.value(q), draft)
            except InputError as exc:
                return own_words(exc)
        return None

    def edits(self) -> dict[str, Any]:
        """The shown answers that differ from what was last sent (a suggestion accepted stays "not given")."""
        draft = self.draft()
        out: dict[str, Any] = {}
        for q in self.questions:
            if not q.spec.shown(draft):
                continue
            value = self.value(q)
            if value != self.sent.get(q.name):  # `sent` starts as what was offered: a suggestion taken is no edit
                out[q.name] = value
        return out

    def dirty(self) -> bool:
        """Typed but not sent: a changed answer, or text the field refuses (its value is not the model's)."""
        if not self.is_mounted:
            return False
        if self.edits():
            return True
        draft = self.draft()
        return any(
            q.spec.shown(draft) and q.spec.kind not in (Kind.CHOICE, Kind.BOOL) and not self.query_one(f"#{q.name}-field", Field).valid
            for q in self.questions
        )

    def mark_sent(self, edits: dict[str, Any]) -> None:
        self.sent.update(edits)
