"""Repository: the repo's default branch, id and visibility, and its Dockerfile at the default branch."""

from __future__ import annotations

from wizard.core.dockerfile import parse_dockerfile
from wizard.engine.events import Change, Outcome, StepChecked, StepDone, StepWarning
from wizard.engine.results import RepositoryResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step


class RepositoryStep(Step):
    name = "repository"
    reads = frozenset({"repo", "dockerfile"})

    def check(self, s: Session) -> list[Change]:
        repo = s.port.get_repo(s.plan.repo)
        s.repo = repo
        # GitHub's spelling of the repo and its real default branch win over what was typed.
        s.plan = s.plan.updated(repo=repo.full_name, default_branch=repo.default_branch)
        path = s.plan.dockerfile.removeprefix("./")
        found = s.port.get_file(repo.full_name, path, ref=repo.default_branch)
        if found is None:
            s.emit(
                StepWarning(
                    self.name, f"{path} is not on {repo.default_branch}", "pass --dockerfile PATH to the Dockerfile the build should use"
                )
            )
            s.dockerfile = None
        else:
            s.dockerfile = parse_dockerfile(found.text)
        targets = tuple(s.dockerfile.targets) if s.dockerfile else ()
        s.emit(
            StepChecked(
                self.name, (), RepositoryResult(repo.full_name, repo.default_branch, repo.private, path if found else None, targets)
            )
        )
        return []

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.repo is not None
        return StepDone(self.name, Outcome.UNCHANGED, f"{s.repo.full_name} (default branch {s.repo.default_branch})")
