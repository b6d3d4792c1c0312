"""The port the engine talks to GitHub through. `wizard.github` implements it with PyGithub.

Plain data in, plain data out: no PyGithub object crosses this line, so the engine (and every face)
stays free of PyGithub and the engine can be read without knowing its API.
Secret values cross it only inside `put_*_secret` calls, which encrypt before sending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class TokenInfo:
    login: str | None  # None: an App installation token acts as no user (GET /user refuses it)
    scopes: frozenset[str] | None  # None: no X-OAuth-Scopes header (fine-grained or app token)
    kind: str = "classic"  # wizard.github.tokens: classic, fine_grained, installation, app_user, unknown


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    id: int
    default_branch: str
    private: bool
    owner: str
    owner_is_org: bool
    visibility: str = ""  # public, private or internal (Enterprise); "" when GitHub did not say


@dataclass(frozen=True)
class ListedRepo:
    """A repository as an org's listing shows it: enough to select it (topics, archived, fork) and to tell from the
    listing alone whether anything was pushed since it was last read (pushed_at, and listed_at: when GitHub answered)."""

    info: RepoInfo
    topics: tuple[str, ...] = ()
    archived: bool = False
    fork: bool = False
    pushed_at: datetime | None = None
    listed_at: datetime | None = field(default=None, compare=False)  # when, not what: two listings of one state are equal

    @property
    def full_name(self) -> str:
        return self.info.full_name


@dataclass(frozen=True)
class FileInfo:
    path: str
    text: str
    sha: str


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    message: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecretInfo:
    name: str
    updated_at: datetime | None
    visibility: str | None = None  # org secrets only
    selected_repository_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class VariableInfo:
    """A configuration variable: its value is no secret, so the port reads it back."""

    name: str
    value: str
    visibility: str | None = None  # org variables only
    selected_repository_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PullInfo:
    number: int
    html_url: str
    state: str
    merged: bool
    head_ref: str
    base_ref: str
    merge_commit_sha: str | None = None


@dataclass(frozen=True)
class RunInfo:
    id: int
    status: str  # queued, in_progress, completed, ...
    conclusion: str | None
    run_attempt: int
    head_sha: str
    event: str
    html_url: str
    created_at: datetime | None = None
    run_started_at: datetime | None = None  # when this attempt started (GitHub's clock)
    updated_at: datetime | None = None  # its last change: the end time once it is completed


@dataclass(frozen=True)
class StepInfo:
    name: str
    number: int
    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class JobInfo:
    id: int
    name: str
    status: str
    conclusion: str | None
    started_at: datetime | None
    completed_at: datetime | None
    steps: tuple[StepInfo, ...] = field(default_factory=tuple)


class DispatchUnsupported(Exception):
    """The server refused `return_run_details` (older GitHub Enterprise answers 400): find the run another way."""


class GitHubPort(Protocol):
    api_url: str

    def whoami(self) -> TokenInfo: ...
    def enterprise_version(self) -> str | None: ...  # X-GitHub-Enterprise-Version; None on github.com
    def token_info(self, token: str) -> TokenInfo: ...  # who a registry PAT belongs to, and its scopes
    def org_plan(self, org: str) -> str | None: ...  # plan.name of GET /orgs/{org}; None when not shown (not an owner)

    # repository and files
    def get_repo(self, full_name: str) -> RepoInfo: ...
    def org_repos(self, org: str) -> list[ListedRepo]: ...  # every repository of the org, paged; each page read conditionally
    def get_file(self, full_name: str, path: str, ref: str | None = None) -> FileInfo | None: ...
    def put_file(self, full_name: str, path: str, text: str, message: str, branch: str, sha: str | None) -> str: ...
    def branch_sha(self, full_name: str, branch: str) -> str | None: ...
    def create_branch(self, full_name: str, branch: str, from_sha: str) -> None: ...
    def branch_commit(self, full_name: str, branch: str) -> CommitInfo | None: ...  # the branch's head commit
    def force_branch(self, full_name: str, branch: str, sha: str) -> None: ...  # move the branch, even backwards
    def resolve_ref(self, full_name: str, ref: str) -> str: ...  # a branch, tag or SHA -> commit SHA

    # pull requests
    def find_pull(self, full_name: str, head_branch: str, base: str) -> PullInfo | None: ...
    def create_pull(self, full_name: str, head_branch: str, base: str, title: str, body: str) -> PullInfo: ...
    def get_pull(self, full_name: str, number: int) -> PullInfo: ...

    # secrets and environments
    def get_org_secret(self, org: str, name: str) -> SecretInfo | None: ...
    def put_org_secret(self, org: str, name: str, value: str, visibility: str, selected_repository_ids: tuple[int, ...]) -> None: ...
    def add_org_secret_repo(self, org: str, name: str, repo_id: int) -> None: ...
    def set_org_secret_repos(self, org: str, name: str, repo_ids: tuple[int, ...]) -> None: ...  # the whole list at once
    def org_secret_repositories(self, org: str, name: str) -> tuple[str, ...]: ...  # full names; () unless `selected`
    def get_environment(self, full_name: str, environment: str) -> bool: ...
    def create_environment(self, full_name: str, environment: str) -> None: ...
    def get_env_secret(self, full_name: str, environment: str, name: str) -> SecretInfo | None: ...
    def put_env_secret(self, full_name: str, environment: str, name: str, value: str) -> None: ...

    # configuration variables (create=True: POST a new one; else PATCH the existing one)
    def get_org_variable(self, org: str, name: str) -> VariableInfo | None: ...
    def put_org_variable(
        self, org: str, name: str, value: str, visibility: str, selected_repository_ids: tuple[int, ...], *, create: bool
    ) -> None: ...
    def add_org_variable_repo(self, org: str, name: str, repo_id: int) -> None: ...
    def set_org_variable_repos(self, org: str, name: str, repo_ids: tuple[int, ...]) -> None: ...
    def get_repo_variable(self, full_name: str, name: str) -> VariableInfo | None: ...
    def put_repo_variable(self, full_name: str, name: str, value: str, *, create: bool) -> None: ...

    # actions
    def workflow_id(self, full_name: str, path: str) -> int | None: ...
    def dispatch(self, full_name: str, workflow_id: int, ref: str) -> int: ...  # run id; DispatchUnsupported on 400
    def dispatch_without_details(self, full_name: str, workflow_id: int, ref: str) -> None: ...
    def find_runs(
        self,
        full_name: str,
        workflow_id: int,
        *,
        event: str | None = None,
        head_sha: str | None = None,
        created_after: datetime | None = None,
    ) -> list[RunInfo]: ...
    def newest_run(self, full_name: str, workflow_path: str) -> RunInfo | None: ...  # one conditional read; None: no workflow or run
    def get_run(self, full_name: str, run_id: int) -> RunInfo: ...
    def get_attempt(self, full_name: str, run_id: int, attempt: int) -> RunInfo: ...
    def rerun(self, full_name: str, run_id: int, *, debug_logging: bool = False) -> None: ...
    def attempt_jobs(self, full_name: str, run_id: int, attempt: int) -> list[JobInfo]: ...
    def job_log(self, full_name: str, job_id: int) -> str: ...
