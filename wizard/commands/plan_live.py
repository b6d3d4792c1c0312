"""`plan` with a token: read GitHub's current state through every step's check, apply nothing."""

from __future__ import annotations

import argparse
import os

from wizard.credentials import find_token
from wizard.engine.events import Event, StepChecked, StepWarning
from wizard.engine.session import Options
from wizard.errors import NonInteractiveError


class _NoQuestions:
    """A dry run asks nothing: it keeps what exists and confirms nothing (nothing is applied)."""

    def choose(self, choice):  # noqa: ANN001, ANN201
        return choice.default

    def secret(self, name: str, prompt: str) -> str:
        raise NonInteractiveError(f"the value of secret {name}")

    def confirm(self, step: str, summary: str) -> bool:
        return False


def add_live_state(args: argparse.Namespace, report: dict) -> None:
    """Fill report["live"] with what a run would change on GitHub; offline (with a notice) when no token is found."""
    from wizard.commands.session_factory import build_session
    from wizard.engine.runner import Engine

    try:
        find_token(getattr(args, "api_url", None), token_env=getattr(args, "token_env", None), environ=dict(os.environ), ask=None)
    except NonInteractiveError:
        report["notices"].append("no GitHub token found: this plan did not read GitHub's current state")
        return
    checked: list[StepChecked] = []

    def collect(event: Event) -> None:
        if isinstance(event, StepChecked):
            checked.append(event)
        elif isinstance(event, StepWarning):
            report["notices"].append(event.message)

    session = build_session(args, _NoQuestions(), collect, options=Options(dry_run=True))
    Engine(session).dry_run()
    report["offline"] = False
    report["api_url"] = session.port.api_url
    report["live"] = [
        {"step": e.step, "kind": c.kind, "target": c.target, "action": c.action, "summary": c.summary} for e in checked for c in e.changes
    ]
    if session.workflow_text is not None and not getattr(args, "workflow_file", None):
        report["workflow"] = session.workflow_text
        workflow_change = next((c for e in checked for c in e.changes if c.kind == "workflow"), None)
        if workflow_change is not None:
            report["workflow_change"] = workflow_change.action
            report["diff"] = None if workflow_change.action == "create" else workflow_change.detail
