"""Repository: the repo's default branch, id and visibility, and its Dockerfile at the default branch."""

from __future__ import annotations

from wizard.core.dockerfile import parse_dockerfile
from wizard.core.plan import ANSWERS_PATH
from wizard.engine.events import Change, Outcome, Progress, StepChecked, StepDone, StepWarning
from wizard.engine.recorded import changed_by_flags, read_recorded, rebase
from wizard.engine.results import RepositoryResult
from wizard.engine.session import Session
from wizard.engine.steps.base import Step
from wizard.errors import InputError


class RepositoryStep(Step):
    name = "repository"
    reads = frozenset({"repo", "dockerfile"})

    def check(self, s: Session) -> list[Change]:
        if not s.plan.repo:
            # Outside a clone with no --repo there is nothing to read: say so, not "reading : not found" (exit 3).
            raise InputError("no repository given", "pass --repo OWNER/NAME or run inside a clone with an 'origin' remote")
        repo = s.port.get_repo(s.plan.repo)
        s.repo = repo
        s.environments_refused = self._environments_refused(s)
        self._start_from_the_record(s, repo.full_name, repo.default_branch)
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
                self.name,
                (),
                RepositoryResult(
                    repo.full_name, repo.default_branch, repo.private, path if found else None, targets, s.recorded_source or None
                ),
            )
        )
        return []

    def _environments_refused(self, s: Session) -> str | None:
        """Why the faces should not offer environment secrets: a private repo of an org GitHub says is on Free
        (the plan shows to org owners only; hidden, nothing is assumed and preflight or GitHub says it later)."""
        repo = s.repo
        if repo is None or not repo.private or not repo.owner_is_org or s.port.org_plan(repo.owner) != "free":
            return None
        return f"paid plan only: {repo.visibility or 'private'} repo, Free org"

    def _start_from_the_record(self, s: Session, full_name: str, branch: str) -> None:
        """The answers this tool committed on the default branch are the baseline; what was asked for wins."""
        on_branch = read_recorded(s.port, full_name, branch)
        if on_branch is None:
            return
        if s.recorded is None:
            s.recorded, s.recorded_source = on_branch, f"{ANSWERS_PATH} on {branch}"
            s.plan = rebase(on_branch, s.explicit)
            s.emit(Progress(self.name, f"onboarded before: starting from the recorded answers ({s.recorded_source})"))
        elif on_branch != s.recorded:
            s.emit(
                StepWarning(
                    self.name, f"the answers in {s.recorded_source} differ from {ANSWERS_PATH} on {branch}: using {s.recorded_source}"
                )
            )
        for name, old, new in changed_by_flags(s.recorded, s.explicit):
            s.emit(StepWarning(self.name, f"changes the recorded answer {name}: {old} -> {new}", "leave the flag out to keep it"))

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        assert s.repo is not None
        return StepDone(self.name, Outcome.UNCHANGED, f"{s.repo.full_name} (default branch {s.repo.default_branch})")
