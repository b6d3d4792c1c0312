"""Status: is a repository onboarded, and is it healthy? Read through the port only, nothing is written.

It compares what the recorded answers (`.github/brik-onboard.yml` on the default branch, see recorded.py) stand for
with what GitHub holds: the caller's managed inputs, the registry secrets, an open onboarding pull request, and the
newest run of the caller with its cache verdict while its logs last.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from wizard.core.build_secrets import needed_build_secrets
from wizard.core.dockerfile import parse_dockerfile
from wizard.core.kaniko.log import parse_log_text
from wizard.core.kaniko.summary import LogSummary
from wizard.core.kaniko.verdict import Verdict, judge
from wizard.core.plan import ANSWERS_PATH, URL_SECRET, Plan
from wizard.core.resolved import ResolvedPlan, SecretSpec, VariableSpec, can_pass_build_secrets, resolve, secret_scope_label
from wizard.core.targets import split_targets
from wizard.core.workflow.managed import drift, expected_inputs, file_inputs
from wizard.engine.port import FileInfo, GitHubPort, PullInfo, RepoInfo, RunInfo, SecretInfo, VariableInfo
from wizard.engine.recorded import parse_recorded
from wizard.engine.steps.workflow import SETUP_BRANCH
from wizard.errors import GitHubRefused, InputError


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


class StatusReads:
    """What a status reads, through the port. status_org.py gives every repository of an org one of its own, which
    reads each org secret and variable once for them all and answers from what an earlier status kept."""

    def __init__(self, port: GitHubPort) -> None:
        self.port = port

    def file(self, repo: RepoInfo, path: str) -> FileInfo | None:
        return self.port.get_file(repo.full_name, path, ref=repo.default_branch)

    def org_secret(self, org: str, name: str) -> SecretInfo | None:
        return self.port.get_org_secret(org, name)

    def org_variable(self, org: str, name: str) -> VariableInfo | None:
        return self.port.get_org_variable(org, name)

    def newest_run(self, repo: RepoInfo, workflow_path: str) -> RunInfo | None:
        return self.port.newest_run(repo.full_name, workflow_path)

    def verdict(self, repo: RepoInfo, run: RunInfo, resolved: ResolvedPlan) -> Verdict | None:
        return _verdict(self.port, repo, run, resolved)


def read_status(port: GitHubPort, full_name: str) -> StatusReport:
    """The repository's onboarding status; GitHubRefused when GitHub refuses a read, InputError when the recorded
    answers cannot be read."""
    return repo_status(StatusReads(port), port.get_repo(full_name))


def repo_status(reads: StatusReads, repo: RepoInfo, *, pull_when_onboarded: bool = True) -> StatusReport:
    """The status of `repo` (as GitHub described it) from `reads`. `pull_when_onboarded`: also look for an open
    onboarding pull request when the repository is onboarded already (a never-onboarded one is always looked at)."""
    recorded = parse_recorded(reads.file(repo, ANSWERS_PATH), repo.default_branch)
    if recorded is None:
        return StatusReport(
            repo.full_name, repo.default_branch, None, _unrecorded_workflow(reads, repo), (), _open_pull(reads.port, repo), None
        )
    resolved = _resolve_with_build_secrets(reads, repo, recorded)
    return StatusReport(
        repo.full_name,
        repo.default_branch,
        recorded,
        _workflow(reads, repo, resolved),
        (*(_secret(reads, repo, recorded, spec) for spec in resolved.secrets), *_legacy_secret(reads, repo, recorded)),
        _open_pull(reads.port, repo) if pull_when_onboarded else None,
        _last_run(reads, repo, resolved),
        tuple(_variable(reads, repo, spec) for spec in resolved.variables),
    )


def _resolve_with_build_secrets(reads: StatusReads, repo: RepoInfo, recorded: Plan) -> ResolvedPlan:
    """The recorded answers with the build secrets the Dockerfile on the default branch mounts (their secrets are
    checked and the caller passes them); without them when the Dockerfile cannot be read or they cannot be passed.
    When the plan cannot pass build secrets the Dockerfile is not read (a request saved on every repository of an
    org's status)."""
    if not can_pass_build_secrets(recorded):
        return resolve(recorded)
    found = reads.file(repo, recorded.dockerfile.removeprefix("./"))
    try:
        needed = needed_build_secrets(parse_dockerfile(found.text), split_targets(recorded.target)) if found is not None else ()
        return resolve(recorded, needed)
    except InputError:  # a Dockerfile the build cannot use is the build's finding, not the onboarding's
        return resolve(recorded)


def _open_pull(port: GitHubPort, repo: RepoInfo) -> PullInfo | None:
    found = port.find_pull(repo.full_name, SETUP_BRANCH, repo.default_branch)
    return found if found is not None and found.state == "open" else None


def _unrecorded_workflow(reads: StatusReads, repo: RepoInfo) -> WorkflowStatus:
    path = Plan().workflow_path
    found = reads.file(repo, path)
    return WorkflowStatus(path, WorkflowState.MISSING if found is None else WorkflowState.UNKNOWN)


def _workflow(reads: StatusReads, repo: RepoInfo, resolved: ResolvedPlan) -> WorkflowStatus:
    path = resolved.plan.workflow_path
    found = reads.file(repo, path)
    if found is None:
        return WorkflowStatus(path, WorkflowState.MISSING)
    expected = expected_inputs(resolved)
    differing = tuple(drift(expected, file_inputs(found.text, resolved.plan) or {}))
    return WorkflowStatus(path, WorkflowState.DRIFTED if differing else WorkflowState.CURRENT, differing)


def _secret(reads: StatusReads, repo: RepoInfo, plan: Plan, spec: SecretSpec) -> SecretStatus:
    if plan.scope == "org":
        # Org secrets live in the repository's owner (plan.org is the image namespace, see secrets.py).
        info = reads.org_secret(repo.owner, spec.name)
        if info is None:
            return SecretStatus(spec.name, "org", False)
        selected = repo.id in info.selected_repository_ids if info.visibility == "selected" else None
        return SecretStatus(spec.name, "org", True, info.visibility, selected, info.updated_at)
    info = reads.port.get_env_secret(repo.full_name, plan.environment or "", spec.name)
    if info is None:
        return SecretStatus(spec.name, "environment", False)
    return SecretStatus(spec.name, "environment", True, updated_at=info.updated_at)


def _legacy_secret(reads: StatusReads, repo: RepoInfo, plan: Plan) -> tuple[SecretStatus, ...]:
    """The REGISTRY_URL secret older onboardings stored at the secrets' level: listed only while it exists."""
    found = _secret(reads, repo, plan, SecretSpec(URL_SECRET, secret_scope_label(plan), ""))
    return (replace(found, legacy=True),) if found.present else ()


def _variable(reads: StatusReads, repo: RepoInfo, spec: VariableSpec) -> VariableStatus:
    if spec.scope == "org":
        info = reads.org_variable(repo.owner, spec.name)
        if info is None:
            return VariableStatus(spec.name, "org", False, expected=spec.value)
        selected = repo.id in info.selected_repository_ids if info.visibility == "selected" else None
        return VariableStatus(spec.name, "org", True, info.value, info.visibility, selected, spec.value)
    info = reads.port.get_repo_variable(repo.full_name, spec.name)
    if info is None:
        return VariableStatus(spec.name, spec.scope, False, expected=spec.value)
    return VariableStatus(spec.name, spec.scope, True, info.value, expected=spec.value)


def _last_run(reads: StatusReads, repo: RepoInfo, resolved: ResolvedPlan) -> RunStatus | None:
    run = reads.newest_run(repo, resolved.plan.workflow_path)
    if run is None:
        return None
    # Attempts 1 and 2 are both finished once a third started, or when the second one has completed.
    judged = run.run_attempt > 2 or (run.run_attempt == 2 and run.status == "completed")
    verdict = reads.verdict(repo, run, resolved) if judged else None
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
