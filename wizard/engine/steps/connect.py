"""Connect: who the admin token belongs to and which scopes it carries."""

from __future__ import annotations

from wizard.engine.events import Change, Outcome, StepChecked, StepDone
from wizard.engine.results import ConnectResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step


class ConnectStep(Step):
    name = "connect"
    reads = frozenset({"api_url"})

    def check(self, s: Session) -> list[Change]:
        s.token = s.port.whoami()
        scopes = "unknown (fine-grained or app token)" if s.token.scopes is None else ", ".join(sorted(s.token.scopes)) or "none"
        s.emit(StepChecked(self.name, (), ConnectResult(s.token.login, scopes, s.token_source, s.port.api_url)))
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.token is not None
        return StepDone(self.name, Outcome.UNCHANGED, f"connected as {s.token.login}")
