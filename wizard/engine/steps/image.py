"""Image: the image reference, cache repo and destinations that follow from the answers."""

from __future__ import annotations

from wizard.core import workflow
from wizard.engine.events import Change, Outcome, StepChecked, StepDone, StepWarning
from wizard.engine.results import ImageResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step


class ImageStep(Step):
    name = "image"
    reads = frozenset({"repo", "org", "registry", "service", "tags", "cache_enabled", "cache_repo", "target", "job_id"})

    def check(self, s: Session) -> list[Change]:
        s.resolved = s.resolve()
        for notice in s.resolved.notices:
            s.emit(StepWarning(self.name, notice))
        # Fails early, with the input's name, when the reusable workflow requires an input the plan cannot fill.
        workflow.caller_inputs(s.resolved, s.interface)
        cache_repo = s.resolved.cache_repo if s.plan.cache_enabled else None
        # Every job's destinations (several targets: the final one's plain tags, the others' prefixed ones).
        destinations = tuple(d for job in s.resolved.jobs for d in job.destinations) or s.resolved.destinations
        s.emit(StepChecked(self.name, (), ImageResult(s.resolved.image, cache_repo, destinations)))
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.resolved is not None
        return StepDone(self.name, Outcome.UNCHANGED, s.resolved.image)
