"""`plan` with a token: read GitHub's current state through every step's check, apply nothing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from wizard.app.options import PlanOptions
from wizard.core.plan import Plan
from wizard.core.resolved import build_secrets_json
from wizard.engine.events import Action, ChangeKind, Event, StepChecked, StepWarning
from wizard.engine.questions import Choice, Question, Recovery
from wizard.engine.session import Options
from wizard.errors import NonInteractiveError, WizardError


class _NoQuestions:
    """A dry run asks nothing: it keeps what exists and confirms nothing (nothing is applied)."""

    def choose(self, choice: Choice) -> str:
        return choice.default

    def secret(self, name: str, prompt: str) -> str:
        raise NonInteractiveError(f"the value of secret {name}", f"set BRIK_SECRET_{name}")

    def confirm(self, step: str, summary: str) -> bool:
        return False

    def answers(self, step: str, questions: Sequence[Question], plan: Plan) -> dict[str, Any]:
        return {}

    def recover(self, step: str, error: WizardError, options: Sequence[Recovery]) -> Recovery:
        return Recovery.STOP


def add_live_state(options: PlanOptions, api_url: str | None, report: dict[str, Any]) -> bool:
    """Fill report["live"] (and the caller, from the engine's dry run) with what a run would change on GitHub.
    False, with a notice, when no token is found: the plan is then the offline one."""
    from wizard.app.sessions import build_session, find_credential
    from wizard.engine.runner import Engine

    try:
        c = options.connection
        find_credential(api_url, token_env=c.token_env, app_id=c.app_id, app_key_file=c.app_key_file, environ=dict(os.environ))
    except NonInteractiveError:
        report["notices"].append("no GitHub token found: this plan did not read GitHub's current state")
        return False
    checked: list[StepChecked] = []

    def collect(event: Event) -> None:
        if isinstance(event, StepChecked):
            checked.append(event)
        elif isinstance(event, StepWarning):
            report["notices"].append(event.message)

    session = build_session(options.source, options.connection, _NoQuestions(), collect, options=Options(dry_run=True))
    Engine(session).dry_run()
    report["offline"] = False
    report["api_url"] = session.port.api_url
    if session.resolved is not None:  # the Dockerfile on the default branch says which build secrets are needed
        report["secrets"] = [{"name": s.name, "scope": s.scope} for s in session.resolved.secrets]
        report["build_secrets"] = build_secrets_json(session.resolved)
    report["live"] = [
        {"step": e.step, "kind": c.kind, "target": c.target, "action": c.action, "summary": c.summary} for e in checked for c in e.changes
    ]
    workflow_change = next((c for e in checked for c in e.changes if c.kind is ChangeKind.WORKFLOW), None)
    if session.workflow_text is None or workflow_change is None or options.source.workflow_file is not None:
        return False  # an explicit --workflow-file is diffed as the offline plan does
    report["workflow"] = session.workflow_text
    report["workflow_change"] = workflow_change.action
    report["diff"] = None if workflow_change.action is Action.CREATE else workflow_change.detail
    return True
