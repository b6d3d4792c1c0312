"""Questions the engine asks mid-step, answered by the face (TUI modal, questionary prompt, or flags).

The apply face answers from flags and raises NonInteractiveError when it cannot, so nothing ever hangs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Choice:
    key: str  # stable id, e.g. "existing-secret:REGISTRY_PAT"
    prompt: str
    options: tuple[str, ...]
    default: str


class Questioner(Protocol):
    def choose(self, choice: Choice) -> str: ...
    def secret(self, name: str, prompt: str) -> str: ...  # masked; never echoed back
    def confirm(self, step: str, summary: str) -> bool: ...
