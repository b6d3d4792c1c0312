"""Connect: who the admin token belongs to, its kind, and which scopes it carries.

An App installation token (`ghs_`, also a workflow's GITHUB_TOKEN) belongs to no user and carries no scopes:
the run goes on without an identity, and each call's own answer says what the App may do.
"""

from __future__ import annotations

from wizard.engine.events import Change, Outcome, StepChecked, StepDone
from wizard.engine.port import TokenInfo
from wizard.engine.results import ConnectResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step

NO_USER = "no user (GitHub App installation token)"


def shown_login(token: TokenInfo) -> str:
    return token.login or NO_USER


def shown_scopes(token: TokenInfo) -> str:
    if token.scopes is not None:
        return ", ".join(sorted(token.scopes)) or "none"
    if token.kind == "installation":
        return "none: a GitHub App's permissions are checked by each call"
    return "unknown (fine-grained or app token): permissions are checked by each call"


class ConnectStep(Step):
    name = "connect"
    reads = frozenset({"api_url"})

    def check(self, s: Session) -> list[Change]:
        s.token = s.port.whoami()
        result = ConnectResult(shown_login(s.token), shown_scopes(s.token), s.token_source, s.port.api_url, s.token.kind)
        s.emit(StepChecked(self.name, (), result))
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.token is not None
        if s.token.login is None:
            return StepDone(self.name, Outcome.UNCHANGED, "connected with a GitHub App installation token (no user identity)")
        return StepDone(self.name, Outcome.UNCHANGED, f"connected as {s.token.login}")
