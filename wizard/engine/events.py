"""What the engine tells a face. Plain frozen data: a face renders it, never acts on GitHub itself.

Events never carry a secret value: they name secrets, and the engine's own log is written from them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wizard.core.kaniko.verdict import Reason
from wizard.engine.results import LayerRow, StepResult, TargetVerdict, VerdictFacts


class ChangeKind(enum.StrEnum):  # a StrEnum: JSON output and logs keep the plain words
    SECRET = "secret"
    SECRET_REPO = "secret-repo"  # this repo added to an org secret's selected repositories
    ENVIRONMENT = "environment"
    VARIABLE = "variable"  # a configuration variable (REGISTRY_URL); ADD_REPO on it adds this repo to its list
    WORKFLOW = "workflow"
    ANSWERS = "answers"
    REUSABLE = "reusable-workflow"  # the org's reusable workflow, installed when it is missing
    BUILD = "build"


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    ADD_REPO = "add-repo"
    KEEP = "keep"
    UNCHANGED = "unchanged"


class Outcome(enum.StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    PAUSED = "paused"


@dataclass(frozen=True)
class Change:
    """One thing a step would change (or found already done)."""

    kind: ChangeKind
    target: str  # e.g. "org:REGISTRY_PAT", ".github/workflows/build-image.yml"
    action: Action
    summary: str
    detail: str = ""  # e.g. a unified diff
    secret: str | None = None  # the secret's name, for SECRET and SECRET_REPO changes

    @property
    def is_write(self) -> bool:
        return self.action not in (Action.KEEP, Action.UNCHANGED)


@dataclass(frozen=True)
class Event:
    step: str


@dataclass(frozen=True)
class StepStarted(Event):
    title: str


@dataclass(frozen=True)
class Progress(Event):
    message: str


@dataclass(frozen=True)
class StepWarning(Event):
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class StepChecked(Event):
    """The step's summary before anything is applied: what it would change."""

    changes: tuple[Change, ...]
    result: StepResult | None = None  # what the step found, typed per step


@dataclass(frozen=True)
class StepDone(Event):
    outcome: Outcome
    message: str
    result: StepResult | None = None


@dataclass(frozen=True)
class BuildUpdate(Event):
    """A validation build's attempt: status and steps, as polled."""

    attempt: int
    run_id: int
    status: str
    conclusion: str | None
    html_url: str
    steps: tuple[tuple[str, str, str | None], ...] = ()  # (name, status, conclusion)
    elapsed_s: float | None = None  # since the attempt started: GitHub's own times once it is completed
    # The job log's last lines, cleaned and masked (wizard.core.log_tail). GitHub writes a job's log only
    # when the job completes, so it comes with the attempt's last update; while it runs, `steps` is the live part.
    log_tail: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerdictReady(Event):
    passed: bool
    reasons: tuple[Reason, ...]
    table: tuple[LayerRow, ...]
    leaks: int
    facts: VerdictFacts | None = None  # several targets: the final target's
    columns: tuple[str, ...] = ("attempt 1", "attempt 2")  # the table's result columns (one per target and attempt)
    targets: tuple[TargetVerdict, ...] = ()  # several targets: each one's own verdict
