"""The steps, in order. Each checks before it acts: `check` reads and computes, `apply` writes."""

from __future__ import annotations

from wizard.engine.steps.base import Step
from wizard.engine.steps.connect import ConnectStep
from wizard.engine.steps.image import ImageStep
from wizard.engine.steps.preflight import PreflightStep
from wizard.engine.steps.repository import RepositoryStep
from wizard.engine.steps.secrets import SecretsStep
from wizard.engine.steps.summary import SummaryStep
from wizard.engine.steps.validate import ValidateStep
from wizard.engine.steps.workflow import WorkflowStep

__all__ = [
    "ConnectStep",
    "ImageStep",
    "PreflightStep",
    "RepositoryStep",
    "SecretsStep",
    "Step",
    "SummaryStep",
    "ValidateStep",
    "WorkflowStep",
    "VALIDATE_ONLY",
    "default_steps",
    "validate_only_steps",
]


def default_steps() -> list[Step]:
    return [
        ConnectStep(),
        RepositoryStep(),
        PreflightStep(),
        ImageStep(),
        SecretsStep(),
        WorkflowStep(),
        ValidateStep(),
        SummaryStep(),
    ]


# `brik-onboard validate`: the steps a validation build needs, nothing that writes.
VALIDATE_ONLY = ("connect", "repository", "preflight", "image", "validate")


def validate_only_steps() -> list[Step]:
    """The VALIDATE_ONLY steps; their preflight reports a missing reusable workflow instead of installing it."""
    return [PreflightStep(install=False) if step.name == "preflight" else step for step in default_steps() if step.name in VALIDATE_ONLY]
