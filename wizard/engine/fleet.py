"""A fleet run: each repository of a fleet file through the same engine as one `apply`, a few at a time.

The workers share one pace (wizard/core/pacing.py, given to every adapter by the composition root), one
progress file (fleet_state.py) and the org-level secrets and variables (org_selection.py). A repository that
fails is recorded and the others go on; one already done in an earlier run is not touched again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from wizard.core.fleet_spec import FleetRepo, FleetSpec
from wizard.core.plan import Plan
from wizard.core.resolved import resolve
from wizard.engine.events import Event
from wizard.engine.fleet_state import DONE, FAILED, PAUSED, REFUSED, VALIDATION_FAILED, FleetStore
from wizard.engine.org_selection import Key, OrgSelection
from wizard.engine.runner import Engine
from wizard.engine.session import Options, Session
from wizard.engine.steps import validate_only_steps
from wizard.errors import GitHubRefused, WizardError

MakeSession = Callable[[FleetRepo, Options, Callable[[Event], None]], Session]


@dataclass(frozen=True)
class FleetOptions:
    concurrency: int = 4
    validate: str = "sample:2"  # all | none | sample:K
    build_concurrency: int = 4
    dry_run: bool = False
    replace_secrets: bool = False
    poll_interval_s: float = 5.0
    # `rotate --org`: only the steps a validation build needs, and a new build even where one passed or a push build
    # (started with the secret's old value) waits
    validate_only: bool = False


@dataclass(frozen=True)
class RepoStarted:
    repo: str
    validate: bool


@dataclass(frozen=True)
class RepoFinished:
    repo: str
    outcome: str  # fleet_state: done, failed, refused, validation-failed, paused; "skipped": done in an earlier run
    message: str | None = None
    writes: int = 0  # changes applied (or, in a plan, that would be)
    verdict: bool | None = None


@dataclass(frozen=True)
class RepoEvent:
    repo: str
    event: Event  # the engine's own event, for a face that shows a repository's steps


FleetEvent = RepoStarted | RepoFinished | RepoEvent


@dataclass
class FleetResult:
    finished: list[RepoFinished] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.finished if f.outcome == outcome)

    @property
    def writes(self) -> int:
        return sum(f.writes for f in self.finished)


def parse_validate(value: str) -> tuple[str, int]:
    """`all`, `none` or `sample:K` -> (mode, K); ValueError says what is accepted."""
    if value in ("all", "none"):
        return value, 0
    mode, _, count = value.partition(":")
    if mode == "sample" and count.isdigit() and int(count) >= 0:
        return "sample", int(count)
    raise ValueError("--validate takes all, none or sample:K (K repositories, the same ones on every run)")


def validated_repos(repos: list[str], value: str) -> set[str]:
    """The repositories whose build is validated: a sample is chosen by a hash of the names, so a re-run (and
    a run with more repositories) keeps the same ones."""
    mode, count = parse_validate(value)
    if mode == "all":
        return {r.lower() for r in repos}
    if mode == "none":
        return set()
    ranked = sorted(repos, key=lambda r: hashlib.sha256(r.lower().encode()).hexdigest())
    return {r.lower() for r in ranked[:count]}


def selection_readers(spec: FleetSpec) -> dict[Key, tuple[str, ...]]:
    """For each org-level secret or variable with `selected` visibility, the repositories whose answers read it."""
    readers: dict[Key, list[str]] = {}
    for entry in spec.repos:
        try:
            resolved = resolve(Plan().updated(**entry.answers, repo=entry.repo))
        except WizardError:
            continue  # its own run says what is wrong
        owner = entry.repo.split("/")[0]
        if resolved.plan.scope == "org" and resolved.plan.visibility == "selected":
            for secret in resolved.secrets:
                readers.setdefault(("secret", owner, secret.name), []).append(entry.repo)
        for var in resolved.variables:
            if var.scope == "org" and resolved.plan.visibility == "selected":
                readers.setdefault(("variable", owner, var.name), []).append(entry.repo)
    return {k: tuple(v) for k, v in readers.items()}


class FleetRunner:
    def __init__(
        self, spec: FleetSpec, make_session: MakeSession, store: FleetStore, options: FleetOptions, emit: Callable[[FleetEvent], None]
    ) -> None:
        self.spec, self.make_session, self.store, self.options = spec, make_session, store, options
        self._emit_lock = threading.Lock()
        self._emit = emit
        self.selection = OrgSelection(selection_readers(spec))
        self.builds = threading.BoundedSemaphore(max(1, options.build_concurrency))
        self.validated = validated_repos([r.repo for r in spec.repos], options.validate)

    def emit(self, event: FleetEvent) -> None:
        with self._emit_lock:  # one face, many workers: events arrive whole and in order
            self._emit(event)

    def run(self) -> FleetResult:
        result = FleetResult()
        with ThreadPoolExecutor(max_workers=max(1, self.options.concurrency), thread_name_prefix="fleet") as pool:
            for finished in pool.map(self._one, self.spec.repos):
                result.finished.append(finished)
        return result

    def _one(self, entry: FleetRepo) -> RepoFinished:
        repo = entry.repo
        if not self.options.dry_run and self.store.outcome(repo) == DONE:
            finished = RepoFinished(repo, "skipped", "done in an earlier run")
            self.emit(finished)
            return finished
        validate = repo.lower() in self.validated
        self.emit(RepoStarted(repo, validate))
        options = Options(
            dry_run=self.options.dry_run,
            replace_secrets=self.options.replace_secrets,
            skip_validation=not validate,
            poll_interval_s=self.options.poll_interval_s,
            build_slots=self.builds,
            force_validation=self.options.validate_only,
            fresh_build=self.options.validate_only,
        )
        finished = self._engine(entry, options)
        if not self.options.dry_run:
            self.store.set_outcome(repo, finished.outcome, finished.message)
        self.emit(finished)
        return finished

    def _engine(self, entry: FleetRepo, options: Options) -> RepoFinished:
        repo = entry.repo
        session: Session | None = None
        try:
            session = self.make_session(entry, options, lambda event: self.emit(RepoEvent(repo, event)))
            session.org_selection = self.selection
            engine = Engine(session, validate_only_steps() if self.options.validate_only else None)
            if options.dry_run:
                writes = sum(1 for _step, changes in engine.dry_run() for c in changes if c.is_write)
                return RepoFinished(repo, "planned", None, writes)
            engine.run()
        except GitHubRefused as exc:
            return RepoFinished(repo, REFUSED, exc.message, len(session.applied) if session else 0)
        except WizardError as exc:
            return RepoFinished(repo, FAILED, exc.message, len(session.applied) if session else 0)
        finally:
            if session is not None:
                close = getattr(session.port, "close", None)
                if close is not None:
                    close()
        writes = len(session.applied)
        if session.paused:
            return RepoFinished(repo, PAUSED, session.paused, writes)
        if session.verdict_passed is False:
            return RepoFinished(repo, VALIDATION_FAILED, "the validation build did not pass", writes, False)
        return RepoFinished(repo, DONE, None, writes, session.verdict_passed)
