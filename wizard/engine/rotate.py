"""Rotation (`brik-onboard rotate`): a new registry PAT replaces REGISTRY_PAT where the onboarding put it.

Where: the answers this tool committed on the default branch (see recorded.py), unless a scope or an environment is
given. What changes: the secret's value, nothing else. An org secret keeps its visibility and its repositories
exactly; no workflow, no file and no other secret is touched. The new value is checked as `apply` checks it
(registry_pat.py) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wizard.core.plan import ANSWERS_PATH, PAT_SECRET, Plan, check_plan, secret_env_var
from wizard.engine.events import Action, Change, ChangeKind, Event, Outcome, Progress, StepChecked, StepDone, StepStarted
from wizard.engine.port import GitHubPort, RepoInfo
from wizard.engine.questions import Questioner
from wizard.engine.recorded import read_recorded
from wizard.engine.registry_pat import check_registry_pat
from wizard.engine.runner import Cancelled
from wizard.engine.secret_values import SecretSource
from wizard.errors import GitHubRefused, InputError

STEP = "rotate"
TITLE = "Rotate the registry PAT"
SCOPE_HINT = "pass --scope org, or --scope environment --environment NAME"


@dataclass(frozen=True)
class RotateRequest:
    """What was asked for: the repo, and where the secret lives when the recorded answers should not decide."""

    repo: str
    scope: str | None = None  # "org" or "environment"; None: the recorded answers'
    environment: str | None = None  # given alone, it means scope "environment"


@dataclass(frozen=True)
class RotateTarget:
    """The secret to replace, as GitHub holds it now."""

    repo: RepoInfo | None  # None: an organization's secret, found from the organization (`rotate --org`)
    plan: Plan  # the recorded answers (or the defaults) for this repo and level: names the value's variable
    recorded: bool  # whether the answers file was found on the default branch
    level: str  # "org" or "environment"
    environment: str | None
    visibility: str | None  # org secrets only
    repositories: tuple[str, ...]  # who reads it, by full name: a selected org secret's list, or this repo
    secret: str = PAT_SECRET
    owner: str = ""  # the organization, when `repo` is None
    onboarded: tuple[str, ...] = ()  # `rotate --org` with visibility all or private: the repos whose answers read it

    @property
    def org(self) -> str:
        return self.repo.owner if self.repo is not None else self.owner

    @property
    def where(self) -> str:
        if self.level == "org":
            return f"organization {self.org}"
        assert self.repo is not None
        return f"environment {self.environment} of {self.repo.full_name}"

    @property
    def readers(self) -> str:
        """Who reads the secret, as a person says it."""
        if self.level == "environment":
            assert self.repo is not None
            return f"read by {self.repo.full_name} (jobs in environment {self.environment})"
        onboarded = ""
        if self.repo is None and self.visibility in ("private", "all"):
            names = ", ".join(self.onboarded) or "none"
            onboarded = f"; onboarded to read it ({len(self.onboarded)}): {names}"
        if self.visibility == "private":
            return f"read by every private and internal repository of {self.org} (visibility private){onboarded}"
        if self.visibility == "all":
            return f"read by every repository of {self.org} (visibility all){onboarded}"
        names = ", ".join(self.repositories) or "no repository"
        count = f"{len(self.repositories)} repositories: " if self.repo is None else ""
        return f"read by {count}{names} (visibility selected)"


def locate(port: GitHubPort, request: RotateRequest) -> RotateTarget:
    """Where REGISTRY_PAT lives for `request.repo`, read from GitHub; InputError when it cannot be said or is not there."""
    # The names are checked before GitHub is asked anything.
    check_plan(Plan(repo=request.repo, environment=request.environment))
    if request.scope == "org" and request.environment:
        raise InputError("--environment goes with --scope environment, not --scope org", SCOPE_HINT)
    repo = port.get_repo(request.repo)
    recorded = read_recorded(port, repo.full_name, repo.default_branch)
    level = request.scope or ("environment" if request.environment else None)
    if level is None:
        if recorded is None:
            raise InputError(
                f"{repo.full_name} has no recorded answers ({ANSWERS_PATH} on {repo.default_branch}) to say where {PAT_SECRET} lives",
                SCOPE_HINT,
            )
        if recorded.strategy != "pat":
            raise InputError(
                f"the recorded answers of {repo.full_name} use the {recorded.strategy} strategy: no {PAT_SECRET} to rotate",
                f"`brik-onboard apply --strategy pat` stores one; or {SCOPE_HINT}",
            )
        level = recorded.scope
    environment = None
    if level == "environment":
        environment = request.environment or (recorded.environment if recorded is not None else None)
    plan = (recorded or Plan()).updated(repo=repo.full_name, default_branch=repo.default_branch, scope=level, environment=environment)
    check_plan(plan)  # e.g. scope environment with no environment name
    if level == "org":
        return _org_target(port, repo, plan, recorded is not None)
    return _environment_target(port, repo, plan, recorded is not None)


def _org_target(port: GitHubPort, repo: RepoInfo, plan: Plan, recorded: bool) -> RotateTarget:
    if not repo.owner_is_org:
        raise InputError(f"{repo.full_name} belongs to a user, not an organisation: it has no org secrets", SCOPE_HINT)
    existing = port.get_org_secret(repo.owner, PAT_SECRET)
    if existing is None:
        raise InputError(
            f"{repo.owner} has no organization secret {PAT_SECRET} to rotate",
            f"`brik-onboard apply --strategy pat` creates it; or {SCOPE_HINT}",
        )
    names = port.org_secret_repositories(repo.owner, PAT_SECRET) if existing.visibility == "selected" else ()
    return RotateTarget(repo, plan, recorded, "org", None, existing.visibility, names)


def _environment_target(port: GitHubPort, repo: RepoInfo, plan: Plan, recorded: bool) -> RotateTarget:
    environment = plan.environment or ""
    missing = not port.get_environment(repo.full_name, environment) or port.get_env_secret(repo.full_name, environment, PAT_SECRET) is None
    if missing:
        raise InputError(
            f"environment {environment} of {repo.full_name} has no secret {PAT_SECRET} to rotate",
            f"`brik-onboard apply --strategy pat --scope environment --environment {environment}` creates it",
        )
    return RotateTarget(repo, plan, recorded, "environment", environment, None, (repo.full_name,))


def replace_value(port: GitHubPort, target: RotateTarget, value: str) -> None:
    """Write the new value. An org secret is read again just before, so the visibility and repositories sent back are
    exactly those it has at that moment (a PUT of an org secret sets both)."""
    if target.level == "environment":
        assert target.repo is not None
        port.put_env_secret(target.repo.full_name, target.environment or "", target.secret, value)
        return
    current = port.get_org_secret(target.org, target.secret)
    if current is None or not current.visibility:
        raise GitHubRefused(f"organization secret {target.secret} of {target.org} vanished or has no visibility; nothing was written")
    selected = current.selected_repository_ids if current.visibility == "selected" else ()
    port.put_org_secret(target.org, target.secret, value, current.visibility, selected)


def rotate(port: GitHubPort, target: RotateTarget, secrets: SecretSource, questioner: Questioner, emit: Callable[[Event], None]) -> None:
    """Take the new value, check it, confirm, replace. Nothing is written before the value passed its checks."""
    emit(StepStarted(STEP, TITLE))
    emit(Progress(STEP, f"{target.secret} at {target.where}, {target.readers}"))
    value = secrets.value(target.secret)  # asked (masked) only on a terminal: see the face's questioner
    if value is None:
        raise InputError(f"the new value of {target.secret} is empty", f"set {secret_env_var(target.plan, target.secret)} or type it")
    for warning in check_registry_pat(port, value, STEP, questioner, secrets.source_of(target.secret)):
        emit(warning)
    kept = "visibility and repositories kept" if target.level == "org" else "nothing else changed"
    summary = f"replace {target.secret} at {target.where} ({kept})"
    emit(StepChecked(STEP, (Change(ChangeKind.SECRET, f"{target.level}:{target.secret}", Action.REPLACE, summary, secret=target.secret),)))
    if not questioner.confirm(STEP, summary):
        raise Cancelled(STEP, [])
    replace_value(port, target, value)
    emit(StepDone(STEP, Outcome.CHANGED, f"{target.secret} replaced at {target.where}; {kept}"))
