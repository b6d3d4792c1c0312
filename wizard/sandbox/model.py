"""The sandbox's records: accounts, tokens, repositories, environments, variables, pull requests."""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from wizard.sandbox.gitstore import GitStore
from wizard.sandbox.runs import Run
from wizard.sandbox.secretbox import SecretScope


def node_id(kind: str, ident: int) -> str:
    return base64.b64encode(f"0:{kind}{ident}".encode()).decode().rstrip("=")


@dataclass
class Variable:
    name: str
    value: str
    created_at: datetime
    updated_at: datetime
    visibility: str | None = None  # org variables only
    selected_repository_ids: list[int] = field(default_factory=list)


@dataclass
class Account:
    """A user or an organisation (GitHub resolves both logins case-insensitively)."""

    id: int
    login: str
    type: str  # "User", "Organization" or "Bot" (a GitHub App's installation acts as one)
    created_at: datetime
    name: str | None = None
    email: str | None = None
    description: str | None = None
    secrets: SecretScope = field(default_factory=SecretScope)  # org-level Actions secrets
    variables: dict[str, Variable] = field(default_factory=dict)
    plan: str = "free"  # organisations: "free", "team" or "enterprise" (GET /orgs/{org} plan.name)

    @property
    def is_org(self) -> bool:
        return self.type == "Organization"


@dataclass
class RateBucket:
    """A primary rate-limit window. An App installation's tokens share their installation's, as on GitHub."""

    used: int = 0
    reset: float = 0.0


@dataclass
class Token:
    """A classic PAT (scopes), a fine-grained PAT or an App installation token (permissions, no scopes header).

    `scopes` holds the classic equivalent for every kind, so routes check one thing; the fine-grained kinds are
    also held to `permissions` (name -> read/write/admin), per endpoint, in auth.py.
    """

    value: str = field(repr=False)
    login: str
    scopes: frozenset[str]
    fine_grained: bool = False
    installation: bool = False  # `ghs_`: no identity (GET /user answers 403), permissions only
    permissions: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None  # App installation tokens made from a JWT: 401 Bad credentials after it
    rate_limit: int | None = None  # per hour; None: the sandbox's `rate_limit`
    bucket: RateBucket = field(default_factory=RateBucket)

    @property
    def kind(self) -> str:
        return "installation" if self.installation else "fine_grained" if self.fine_grained else "classic"

    writes: deque[float] = field(default_factory=deque)  # the sandbox clock's times of recent content writes
    in_flight: int = 0  # requests being answered now (GitHub's concurrent-request limit)


@dataclass
class Installation:
    """A GitHub App installed on an organisation: what its tokens may do, and the rate limits they share (the
    primary window, and the secondary limit's recent content writes: a second token is no way around either)."""

    id: int
    app_id: int
    account: Account
    permissions: dict[str, str]
    created_at: datetime
    repository_selection: str = "all"
    bucket: RateBucket = field(default_factory=RateBucket)
    writes: deque[float] = field(default_factory=deque)


@dataclass
class App:
    """A registered GitHub App: JWTs it signs are verified with `public_key` (PEM); `iss` is its id or client id."""

    id: int
    slug: str
    client_id: str
    public_key: str = field(repr=False)
    created_at: datetime
    name: str = ""
    owner: Account | None = None
    installations: dict[str, Installation] = field(default_factory=dict)  # lower-cased org login -> installation


@dataclass
class Environment:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    wait_timer: int = 0
    prevent_self_review: bool = False
    reviewers: list[dict[str, object]] = field(default_factory=list)
    deployment_branch_policy: dict[str, bool] | None = None
    secrets: SecretScope = field(default_factory=SecretScope)
    variables: dict[str, Variable] = field(default_factory=dict)


@dataclass
class Pull:
    number: int
    id: int
    title: str
    body: str | None
    head: str  # branch name in the same repository
    base: str
    user: str
    created_at: datetime
    updated_at: datetime
    draft: bool = False
    state: str = "open"
    merged: bool = False
    merged_at: datetime | None = None
    merged_by: str | None = None
    closed_at: datetime | None = None
    merge_commit_sha: str | None = None
    head_sha_at_merge: str | None = None


@dataclass
class Repo:
    id: int
    owner: Account
    name: str
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime
    default_branch: str = "main"
    private: bool = False  # True for internal repositories too, as on GitHub
    internal: bool = False  # Enterprise: visible to the enterprise's members
    description: str | None = None
    git: GitStore = field(default_factory=GitStore)
    branches: dict[str, str] = field(default_factory=dict)  # branch -> commit sha
    secrets: SecretScope = field(default_factory=SecretScope)
    variables: dict[str, Variable] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)  # lower-cased name -> env
    pulls: list[Pull] = field(default_factory=list)
    workflow_ids: dict[str, int] = field(default_factory=dict)  # path -> id, stable once seen
    workflow_seen_at: dict[str, datetime] = field(default_factory=dict)
    runs: dict[int, Run] = field(default_factory=dict)
    default_workflow_permissions: str = "read"
    can_approve_pull_request_reviews: bool = False
    topics: list[str] = field(default_factory=list)
    archived: bool = False  # read-only: every write is refused (api.find_repo)
    fork: bool = False  # only a seed makes one: the listing's type=forks|sources tells them apart

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def visibility(self) -> str:
        return "internal" if self.internal else "private" if self.private else "public"

    def head(self, branch: str | None = None) -> str | None:
        return self.branches.get(branch or self.default_branch)

    def find_environment(self, name: str) -> Environment | None:
        return self.environments.get(name.lower())
