"""What each command was asked to do, typed: built once from the command line (cli.py), read everywhere else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AnswerSource:
    """Where a run's answers come from: flags (by answer name, typed) over the answers file over defaults."""

    flags: Mapping[str, Any] = field(default_factory=dict)
    answers_file: Path | None = None  # default: .github/brik-onboard.yml in the checkout
    checkout: Path | None = None  # default: the current directory when its origin is the repo
    workflow_file: Path | None = None  # `plan`: an existing caller to diff against


@dataclass(frozen=True)
class Connection:
    """How a run talks to GitHub and where it keeps its progress (never an answer, never in the answers file)."""

    token_env: str | None = None
    app_id: str | None = None  # a GitHub App (with its key file) instead of a token: its installation on the org
    app_key_file: Path | None = None
    state_file: Path | None = None
    log_file: Path | None = None
    poll_interval_s: float = 5.0
    summary_file: Path | None = None  # --summary: the run's result as Markdown (wizard/text/run_summary.py)


@dataclass(frozen=True)
class PlanOptions:
    source: AnswerSource
    connection: Connection
    json: bool = False
    offline: bool = False


@dataclass(frozen=True)
class ApplyOptions:
    source: AnswerSource
    connection: Connection
    json: bool = False
    yes: bool = False
    skip_validation: bool = False
    replace_secrets: bool = False
    secrets_from_stdin: bool = False
    wait_merge_s: float = 0.0


@dataclass(frozen=True)
class ValidateOptions:
    source: AnswerSource
    connection: Connection
    json: bool = False
    yes: bool = False


@dataclass(frozen=True)
class RotateOptions:
    """`rotate` reads no answers file and keeps no progress: where the secret lives comes from GitHub or these flags."""

    repo: str | None = None  # default: the 'origin' remote of the current directory
    org: str | None = None  # the organization's secret, every repository that reads it (instead of one repository's)
    scope: str | None = None  # default: the recorded answers' scope
    environment: str | None = None
    api_url: str | None = None
    token_env: str | None = None
    yes: bool = False
    json: bool = False
    validate: str | None = None  # None or "none": no build; for one repo any other value builds it; with `org`: all|sample:K
    app_id: str | None = None
    app_key_file: Path | None = None
    secrets_from_stdin: bool = False
    poll_interval_s: float = 5.0


@dataclass(frozen=True)
class WizardOptions:
    source: AnswerSource
    connection: Connection
    plain: bool = False


@dataclass(frozen=True)
class DemoOptions:
    mode: str = "tui"  # "tui", "plain" or "headless"
    time_factor: float = 0.05
    summary_file: Path | None = None


@dataclass(frozen=True)
class AuthOptions:
    action: str  # "login", "status" or "logout"
    api_url: str | None = None
    token_env: str | None = None
    with_token: bool = False


@dataclass(frozen=True)
class ServeOptions:
    port: int = 0
    token: str | None = None
    scopes: tuple[str, ...] = ()
    seed: Path | None = None
    time_factor: float = 1.0
    plan: str = "free"  # the default org's GitHub plan: free, team or enterprise
    ghes: str | None = None  # answer as this GitHub Enterprise Server version


@dataclass(frozen=True)
class StatusOptions:
    repo: str | None = None  # default: the current directory's origin remote
    api_url: str | None = None
    token_env: str | None = None
    json: bool = False
    app_id: str | None = None
    app_key_file: Path | None = None
    org: str | None = None  # every selected repository of this org instead of one
    topics: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    no_cache: bool = False


@dataclass(frozen=True)
class FleetCommandOptions:
    command: str  # plan | apply
    file: Path | None  # None: the repositories are selected from GitHub (--org, --topic, --exclude)
    org: str | None = None
    token_env: str | None = None
    json: bool = False
    concurrency: int = 4
    writes_per_minute: int = 80
    yes: bool = False
    validate: str = "sample:2"
    build_concurrency: int = 4
    state_file: Path | None = None
    replace_secrets: bool = False
    secrets_from_stdin: bool = False
    poll_interval_s: float = 5.0
    topics: tuple[str, ...] = ()  # with no file: --topic, --exclude
    exclude: tuple[str, ...] = ()
    app_id: str | None = None
    app_key_file: Path | None = None
    tui: bool = False  # the full-screen fleet screen instead of the progress bar
