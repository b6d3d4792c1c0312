"""Everything the steps share: the answers, the port, the face's questioner, and what earlier steps found."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from wizard.core.build_secrets import BuildSecret
from wizard.core.clock import CLOCK
from wizard.core.dockerfile import Dockerfile
from wizard.core.plan import Plan
from wizard.core.resolved import ResolvedPlan, resolve
from wizard.core.workflow import ReusableInterface
from wizard.engine.events import Change, Event
from wizard.engine.org_selection import OrgSelection
from wizard.engine.port import GitHubPort, RepoInfo, TokenInfo
from wizard.engine.questions import Questioner
from wizard.engine.secret_values import SecretSource
from wizard.engine.state import ProgressState, StateStore


class RunLockPort(Protocol):
    def acquire(self, repo: str) -> None: ...  # InputError when another run holds the repository
    def release(self) -> None: ...


@dataclass
class Options:
    dry_run: bool = False  # `plan`: check every step, apply none, ask nothing
    replace_secrets: bool = False
    skip_validation: bool = False
    wait_merge_s: float = 0.0  # how long the PR path waits for a merge before pausing
    force_validation: bool = False  # `brik-onboard validate`: build again even when already validated
    fresh_build: bool = False  # `rotate`: a build started now (a waiting push build was started with the old secret)
    live_steps: bool = False  # read the build's job steps on every poll (a face that shows them live)
    poll_interval_s: float = 5.0
    build_timeout_s: float = 1800.0
    build_slots: AbstractContextManager[Any] | None = None  # a fleet run's bound on builds at once (a semaphore)
    # The demo only: merges a pull request (repo, number) in its sandbox, offered where a reviewer would merge it
    demo_merge: Callable[[str, int], None] | None = None
    # ... and commits a file of the checkout (repo, path, text) to the default branch, where a user would git push
    demo_push: Callable[[str, str, str], None] | None = None


@dataclass
class Session:
    plan: Plan
    port: GitHubPort
    questioner: Questioner
    secrets: SecretSource
    emit: Callable[[Event], None]
    store: StateStore
    state: ProgressState
    checkout: Path | None = None
    answers_path: Path | None = None
    token_source: str = ""
    options: Options = field(default_factory=Options)
    # the answers asked for in this run (flags, edits in a face): they win over the recorded ones
    explicit: dict[str, Any] = field(default_factory=dict)
    recorded: Plan | None = None  # the recorded answers this run started from (None: a first onboarding)
    recorded_source: str = ""  # where they were read: the local answers file, or the default branch
    run_lock: RunLockPort | None = None  # one run per repository at a time (taken before the first write)
    clock: Callable[[], datetime] = field(default=lambda: CLOCK.now())  # a running build's elapsed time
    org_selection: OrgSelection | None = None  # a fleet run's shared org-level secrets and variables
    # found by the steps
    token: TokenInfo | None = None
    repo: RepoInfo | None = None
    # why environment secrets cannot work for this repo (a private repo of a GitHub Free org), when GitHub says so
    environments_refused: str | None = None
    resolved: ResolvedPlan | None = None
    interface: ReusableInterface | None = None
    pinned_sha: str | None = None
    dockerfile: Dockerfile | None = None
    build_secrets: tuple[BuildSecret, ...] = ()  # what the Dockerfile's secret mounts need (preflight reads them)
    workflow_text: str | None = None
    applied: list[Change] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    verdict: Any = None  # core.kaniko.verdict.Verdict once validated
    verdict_passed: bool | None = None  # the verdict and the leak audit together
    delivered_commit: str | None = None  # the commit this run put the caller in, on the default branch
    paused: str | None = None  # why the run stopped early, and how to resume

    def resolve(self) -> ResolvedPlan:
        """The plan's names, destinations and secrets, the Dockerfile's build secrets among them."""
        return resolve(self.plan, self.build_secrets)

    def save_state(self, step: str | None = None) -> None:
        if step is not None:
            self.state.step = step
        self.store.save(self.state)
