"""One screen per engine step, created when first shown (so the first frame builds only the first one)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.tui.screens.base import StepScreen

SCREEN_CLASSES = {
    "connect": "ConnectScreen",
    "repository": "RepositoryScreen",
    "preflight": "PreflightScreen",
    "image": "ImageScreen",
    "secrets": "SecretsScreen",
    "workflow": "WorkflowScreen",
    "validate": "ValidateScreen",
    "summary": "SummaryScreen",
}


def make_screen(step: str) -> StepScreen:
    module = import_module(f"wizard.tui.screens.{step}")
    screen_class: type[StepScreen] = getattr(module, SCREEN_CLASSES[step])
    return screen_class(name=step)
