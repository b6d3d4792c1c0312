"""Status: is a repository onboarded, and is it healthy? Read through the port only, nothing is written.

It compares what the recorded answers (`.github/brik-onboard.yml` on the default branch, see recorded.py) stand for
with what GitHub holds: the caller's managed inputs, the registry secrets, an open onboarding pull request, and the
newest run of the caller with its cache verdict while its logs last.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from wizard.core.kaniko.log import parse_log_text
from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.verdict import Verdict, judge
from wizard.core.plan import URL_SECRET, Plan
from wizard.core.resolved import ResolvedPlan, SecretSpec, VariableSpec, resolve, secret_scope_label
from wizard.core.workflow.managed import drift, expected_inputs, file_inputs
from wizard.engine.port import GitHubPort, PullInfo, RepoInfo, RunInfo
from wizard.engine.recorded import read_recorded
from wizard.engine.steps.workflow import SETUP_BRANCH
from wizard.errors import GitHubRefused


class WorkflowState(enum.StrEnum):
    CURRENT = "current"  # its managed inputs are what the recorded answers render to
    DRIFTED = "drifted"  # some differ (a hand edit, or a job that no longer calls the reusable workflow)
    MISSING = "missing"  # no file at the recorded path
    UNKNOWN = "unknown"  # a file, but no recorded answers to compare it with


@dataclass(frozen=True)
class WorkflowStatus:
    path: str
    state: WorkflowState
    drift: tuple[str, ...] = ()  # the managed inputs that differ, in the caller's order


@dataclass(frozen=True)
class SecretStatus:
    name: str
    level: str  # "org" or "environment"
    present: bool
    visibility: str | None = None  # org secrets only
    repo_selected: bool | None = None  # org secrets with `selected` visibility only: is this repo on the list?
    updated_at: datetime | None = None
    legacy: bool = False  # a REGISTRY_URL secret from an older onboarding: reported when present, read by nothing

    @property
    def readable(self) -> bool:
        """The caller can read it: it exists and no selected-repositories list leaves this repo out. A legacy secret
        is read by nothing, so it never makes a repository unhealthy."""
        return self.legacy or (self.present and self.repo_selected is not False)


@dataclass(frozen=True)
class VariableStatus:
    name: str
    level: str  # "org" or "repository"
    present: bool
    value: str | None = None  # a configuration variable is no secret
    visibility: str | None = None  # org variables only
    repo_selected: bool | None = None  # org variables with `selected` visibility only: is this repo on the list?
    expected: str = ""  # the value the recorded answers give it

    @property
    def readable(self) -> bool:
        """The caller reads the expected value: it exists, holds the answers' registry and reaches this repo."""
        return self.present and self.value == self.expected and self.repo_selected is not False


@dataclass(frozen=True)
class RunStatus:
    id: int
    status: str
    conclusion: str | None
    html_url: str
    verdict: Verdict | None  # attempts 1 and 2 judged; None with one attempt, or once the logs are gone


@dataclass(frozen=True)
class StatusReport:
    repo: str
    default_branch: str
    recorded: Plan | None  # None: never onboarded (no answers file on the default branch)
    workflow: WorkflowStatus
    secrets: tuple[SecretStatus, ...]
    pull: PullInfo | None  # the open onboarding pull request
    last_run: RunStatus | None
    variables: tuple[VariableStatus, ...] = ()

    @property
    def onboarded(self) -> bool:
        return self.recorded is not None

    @property
    def healthy(self) -> bool:
        readable = all(s.readable for s in self.secrets) and all(v.readable for v in self.variables)
        return self.onboarded and self.workflow.state is WorkflowState.CURRENT and readable


def read_status(port: GitHubPort, full_name: str) -> StatusReport:
    """The repository's onboarding status; GitHubRefused when GitHub refuses a read, InputError when the recorded
    answers cannot be read."""
    repo = port.get_repo(full_name)
    recorded = read_recorded(port, repo.full_name, repo.default_branch)
    pull = _open_pull(port, repo)
    if recorded is None:
        return StatusReport(repo.full_name, repo.default_branch, None, _unrecorded_workflow(port, repo), (), pull, None)
    resolved = resolve(recorded)
    return StatusReport(
        repo.full_name,
        repo.default_branch,
        recorded,
        _workflow(port, repo, resolved),
        (*(_secret(port, repo, recorded, spec) for spec in resolved.secrets), *_legacy_secret(port, repo, recorded)),
        pull,
        _last_run(port, repo, resolved),
        tuple(_variable(port, repo, spec) for spec in resolved.variables),
    )


def _open_pull(port: GitHubPort, repo: RepoInfo) -> PullInfo | None:
    found = port.find_pull(repo.full_name, SETUP_BRANCH, repo.default_branch)
    return found if found is not None and found.state == "open" else None


def _unrecorded_workflow(port: GitHubPort, repo: RepoInfo) -> WorkflowStatus:
    path = Plan().workflow_path
    found = port.get_file(repo.full_name, path, ref=repo.default_branch)
    return WorkflowStatus(path, WorkflowState.MISSING if found is None else WorkflowState.UNKNOWN)


def _workflow(port: GitHubPort, repo: RepoInfo, resolved: ResolvedPlan) -> WorkflowStatus:
    path = resolved.plan.workflow_path
    found = port.get_file(repo.full_name, path, ref=repo.default_branch)
    if found is None:
        return WorkflowStatus(path, WorkflowState.MISSING)
    expected = expected_inputs(resolved)
    differing = tuple(drift(expected, file_inputs(found.text, resolved.plan) or {}))
    return WorkflowStatus(path, WorkflowState.DRIFTED if differing else WorkflowState.CURRENT, differing)


def _secret(port: GitHubPort, repo: RepoInfo, plan: Plan, spec: SecretSpec) -> SecretStatus:
    if plan.scope == "org":
        # Org secrets live in the repository's owner (plan.org is the image namespace, see secrets.py).
        info = port.get_org_secret(repo.owner, spec.name)
        if info is None:
            return SecretStatus(spec.name, "org", False)
        selected = repo.id in info.selected_repository_ids if info.visibility == "selected" else None
        return SecretStatus(spec.name, "org", True, info.visibility, selected, info.updated_at)
    info = port.get_env_secret(repo.full_name, plan.environment or "", spec.name)
    if info is None:
        return SecretStatus(spec.name, "environment", False)
    return SecretStatus(spec.name, "environment", True, updated_at=info.updated_at)


def _legacy_secret(port: GitHubPort, repo: RepoInfo, plan: Plan) -> tuple[SecretStatus, ...]:
    """The REGISTRY_URL secret older onboardings stored at the secrets' level: listed only while it exists."""
    found = _secret(port, repo, plan, SecretSpec(URL_SECRET, secret_scope_label(plan), ""))
    return (replace(found, legacy=True),) if found.present else ()


def _variable(port: GitHubPort, repo: RepoInfo, spec: VariableSpec) -> VariableStatus:
    if spec.scope == "org":
        info = port.get_org_variable(repo.owner, spec.name)
        if info is None:
            return VariableStatus(spec.name, "org", False, expected=spec.value)
        selected = repo.id in info.selected_repository_ids if info.visibility == "selected" else None
        return VariableStatus(spec.name, "org", True, info.value, info.visibility, selected, spec.value)
    info = port.get_repo_variable(repo.full_name, spec.name)
    if info is None:
        return VariableStatus(spec.name, spec.scope, False, expected=spec.value)
    return VariableStatus(spec.name, spec.scope, True, info.value, expected=spec.value)


def _last_run(port: GitHubPort, repo: RepoInfo, resolved: ResolvedPlan) -> RunStatus | None:
    workflow_id = port.workflow_id(repo.full_name, resolved.plan.workflow_path)
    if workflow_id is None:
        return None
    runs = port.find_runs(repo.full_name, workflow_id)
    if not runs:
        return None
    run = max(runs, key=lambda r: (r.created_at is not None, r.created_at or datetime.min, r.id))
    # Attempts 1 and 2 are both finished once a third started, or when the second one has completed.
    judged = run.run_attempt > 2 or (run.run_attempt == 2 and run.status == "completed")
    verdict = _verdict(port, repo, run, resolved) if judged else None
    return RunStatus(run.id, run.status, run.conclusion, run.html_url, verdict)


def _verdict(port: GitHubPort, repo: RepoInfo, run: RunInfo, resolved: ResolvedPlan) -> Verdict | None:
    # Several targets: the final one's job (its plain id; its destinations are the ones compared).
    job = resolved.final_job.job_id if len(resolved.jobs) > 1 else None
    first, second = _attempt_log(port, repo, run.id, 1, job), _attempt_log(port, repo, run.id, 2, job)
    if first is None or second is None:
        return None
    # As validate.py judges: the tags' ${{ github.sha }} is the commit the run built.
    destinations = [d.replace("${{ github.sha }}", run.head_sha) for d in resolved.destinations]
    cache_repo = resolved.cache_repo if resolved.plan.cache_enabled else None
    return judge(first, second, image=resolved.image, cache_repo=cache_repo, destinations=destinations)


def _attempt_log(port: GitHubPort, repo: RepoInfo, run_id: int, attempt: int, job_id: str | None = None) -> LogSummary | None:
    """The summary of the attempt's job that built the most (the Kaniko job), or of the caller job `job_id`'s run
    when there is one; None once its logs are gone."""
    best: LogSummary | None = None
    jobs = port.attempt_jobs(repo.full_name, run_id, attempt)
    named = [j for j in jobs if job_id is not None and j.name.startswith(f"{job_id} / ")]
    for job in named or jobs:
        try:
            text = port.job_log(repo.full_name, job.id)
        except GitHubRefused:
            continue  # GitHub keeps logs for a while only: an expired log gives no verdict, not a failed one
        if not text.strip():
            continue  # a deleted log reads as nothing
        summary = parse_log_text(text, f"run {run_id} attempt {attempt} / {job.name}")
        if best is None or summary.instruction_count > best.instruction_count:
            best = summary
    return best
