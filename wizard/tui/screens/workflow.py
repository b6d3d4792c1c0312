"""Workflow: the caller workflow as it will be written, or the diff against the existing file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from wizard.engine.events import Action, ChangeKind
from wizard.engine.results import WorkflowResult
from wizard.tui.model import StepState
from wizard.tui.screens.base import AnswerScreen
from wizard.tui.widgets.code_view import CodeView
from wizard.tui.widgets.facts import FactList

DELIVERY = {
    "local": "written to the local checkout",
    "commit": "committed to the default branch",
    "pr": "on the branch brik-onboard/setup, as a pull request",
}


class WorkflowScreen(AnswerScreen):
    step = "workflow"

    def compose_body(self) -> ComposeResult:
        yield from self.compose_form()
        yield FactList(id="facts")
        yield Static(id="code-title", classes="section-title")
        yield CodeView(id="code")

    def render_state(self, st: StepState) -> None:
        super().render_state(st)
        if not self.is_mounted:
            return
        r = st.result if isinstance(st.result, WorkflowResult) else None
        delivery = DELIVERY.get(r.delivery, r.delivery) if r else None
        self.query_one("#facts", FactList).show([("File", r.path if r else None), ("Delivery", delivery)])
        workflow_change = next((c for c in st.changes if c.kind is ChangeKind.WORKFLOW), None)
        title, code, lexer = "", "", "yaml"
        if workflow_change is not None and workflow_change.action is Action.UPDATE:
            title, code, lexer = f"Diff against the current {workflow_change.target}", workflow_change.detail, "diff"
        elif r is not None and r.workflow:
            new = workflow_change is None or workflow_change.action is Action.CREATE
            title, code = ("The new file" if new else "The file (already up to date)"), r.workflow
        self.query_one("#code-title", Static).update(title)
        self.query_one("#code-title").display = bool(title)
        self.query_one("#code", CodeView).show(code, lexer)
