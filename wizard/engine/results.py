"""What each step found, typed: the engine fills these, the faces render them (no string-keyed dicts between them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConnectResult:
    login: str  # as shown: the user, or that an App installation token has none
    scopes: str  # as shown: "repo, workflow", "none", or why they are unknown
    token_source: str
    api_url: str
    token_kind: str = "classic"  # wizard.github.tokens: classic, fine_grained, installation, app_user, unknown


@dataclass(frozen=True)
class RepositoryResult:
    repo: str
    default_branch: str
    private: bool
    dockerfile: str | None  # its path when found on the default branch
    targets: tuple[str, ...] = ()
    recorded: str | None = None  # where this run's recorded answers come from (None: never onboarded)


@dataclass(frozen=True)
class PreflightResult:
    needs: dict[str, str]  # classic scope (fine-grained kinds: permission, e.g. "Workflows: write") -> why the plan needs it
    reusable_inputs: tuple[str, ...] = ()
    pinned_sha: str | None = None
    # None: a classic token's scopes were checked; else who checks the permissions `needs` lists (a fine-grained or App token)
    permissions_checked_by: str | None = None


@dataclass(frozen=True)
class ImageResult:
    image: str
    cache_repo: str | None  # None: the cache is off
    destinations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecretsResult:
    strategy: str
    scope: str
    # REGISTRY_PAT already exists where the secrets live (a face need not ask its value when it is kept)
    pat_exists: bool = False


@dataclass(frozen=True)
class WorkflowResult:
    delivery: str
    path: str
    workflow: str  # the caller as it will be


@dataclass(frozen=True)
class SummaryResult:
    applied: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)
    answers_path: str | None = None
    verdict_passed: bool | None = None
    paused: str | None = None


@dataclass(frozen=True)
class LayerRow:
    """One instruction of the build: what happened to its layer in each attempt ("hit", "miss", "built", ...).

    With several targets there is a column per target and attempt (VerdictReady.columns): `attempt1` and
    `attempt2` are the first target's, `more` the others' in order."""

    instruction: str
    attempt1: str
    attempt2: str
    more: tuple[str, ...] = ()

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.attempt1, self.attempt2, *self.more)


@dataclass(frozen=True)
class TargetVerdict:
    """One target's job judged on its own: its two attempts, and why it failed (reason codes)."""

    target: str  # the stage, or the job's id when it names none
    job: str  # the job's name as GitHub shows it
    passed: bool
    attempt1_s: float | None
    attempt2_s: float | None
    saving_s: float | None
    codes: tuple[str, ...] = ()
    hits: int = 0  # attempt 2's cache hits


@dataclass(frozen=True)
class VerdictFacts:
    run_id: int
    attempt1_s: float | None
    attempt2_s: float | None
    saving_s: float | None
    warmed_before: bool


StepResult = ConnectResult | RepositoryResult | PreflightResult | ImageResult | SecretsResult | WorkflowResult | SummaryResult
