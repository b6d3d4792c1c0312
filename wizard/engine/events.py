"""What the engine tells a face. Plain frozen data: a face renders it, never acts on GitHub itself.

Events never carry a secret value: they name secrets, and the engine's own log is written from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Change:
    """One thing a step would change (or found already done)."""

    kind: str  # "secret", "environment", "workflow", "branch", "pull", "answers", "dispatch", ...
    target: str  # e.g. "org:REGISTRY_PAT", ".github/workflows/build-image.yml"
    action: str  # "create", "update", "replace", "add-repo", "keep", "unchanged"
    summary: str
    detail: str = ""  # e.g. a unified diff

    @property
    def is_write(self) -> bool:
        return self.action not in ("keep", "unchanged")


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
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepDone(Event):
    outcome: str  # "changed", "unchanged", "skipped", "paused"
    message: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildUpdate(Event):
    """A validation build's attempt: status and steps, as polled."""

    attempt: int
    run_id: int
    status: str
    conclusion: str | None
    html_url: str
    steps: tuple[tuple[str, str, str | None], ...] = ()  # (name, status, conclusion)


@dataclass(frozen=True)
class VerdictReady(Event):
    passed: bool
    reasons: tuple[str, ...]
    table: tuple[dict[str, Any], ...]
    leaks: int
    facts: dict[str, Any] = field(default_factory=dict)
