"""A fleet run: each repository of a fleet file through the same engine as one `apply`, a few at a time.

The workers share one pace (wizard/core/pacing.py, given to every adapter by the composition root), one
progress file (fleet_state.py) and the org-level secrets and variables (org_selection.py). A repository that
fails is recorded and the others go on; one already done in an earlier run is not touched again.

The face hears each repository's state changes and the run's progress (fleet_events.py) through one callback,
called by one worker at a time. `stop()` ends a run early: no repository starts after it, and those in progress
stop at their next request to GitHub, their progress kept for the next run.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from wizard.core.fleet_spec import FleetRepo, FleetSpec
from wizard.core.pacing import Pacer
from wizard.core.plan import Plan
from wizard.core.resolved import resolve
from wizard.engine.events import Event, StepDone, StepStarted
from wizard.engine.fleet_events import (
    PLANNED,
    SKIPPED,
    STOPPED,
    FleetEvent,
    FleetProgress,
    RepoEvent,
    RepoFinished,
    RepoQueued,
    RepoStarted,
    RepoStepDone,
    RepoStepStarted,
)
from wizard.engine.fleet_state import DONE, FAILED, PAUSED, REFUSED, VALIDATION_FAILED, FleetStore
from wizard.engine.fleet_tally import FleetTally
from wizard.engine.guarded_port import GuardedPort
from wizard.engine.org_selection import Key, OrgSelection
from wizard.engine.runner import Engine
from wizard.engine.session import Options, Session
from wizard.engine.steps import validate_only_steps
from wizard.errors import EXIT_GITHUB_REFUSED, EXIT_INTERRUPTED, EXIT_OK, EXIT_VALIDATION_FAILED, GitHubRefused, WizardError

__all__ = [  # the events are fleet_events.py's; faces have long imported them from here
    "FleetEvent",
    "FleetOptions",
    "FleetProgress",
    "FleetResult",
    "FleetRunner",
    "RepoEvent",
    "RepoFinished",
    "RepoQueued",
    "RepoStarted",
    "RepoStepDone",
    "RepoStepStarted",
    "Stopped",
]

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


class Stopped(WizardError):
    """The fleet run was stopped (its face was closed) while this repository was in progress."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self) -> None:
        super().__init__("the run was stopped", "run the same command again: it picks up where this one stopped")


@dataclass
class FleetResult:
    finished: list[RepoFinished] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.finished if f.outcome == outcome)

    def outcomes(self) -> dict[str, int]:
        """How many repositories finished with each outcome."""
        counts: dict[str, int] = {}
        for f in self.finished:
            counts[f.outcome] = counts.get(f.outcome, 0) + 1
        return counts

    @property
    def writes(self) -> int:
        return sum(f.writes for f in self.finished)

    @property
    def exit_code(self) -> int:
        """130 stopped early, 3 some refused or failed, 1 some validation failed, else 0."""
        if self.count(STOPPED):
            return EXIT_INTERRUPTED
        if self.count(REFUSED) or self.count(FAILED):
            return EXIT_GITHUB_REFUSED
        if self.count(VALIDATION_FAILED):
            return EXIT_VALIDATION_FAILED
        return EXIT_OK


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
        self,
        spec: FleetSpec,
        make_session: MakeSession,
        store: FleetStore,
        options: FleetOptions,
        emit: Callable[[FleetEvent], None],
        *,
        pacer: Pacer | None = None,
    ) -> None:
        """`pacer`: the one the run's adapters share, read for the progress's budget and time left."""
        self.spec, self.make_session, self.store, self.options = spec, make_session, store, options
        self._emit_lock = threading.Lock()
        self._emit = emit
        self.selection = OrgSelection(selection_readers(spec))
        self.builds = threading.BoundedSemaphore(max(1, options.build_concurrency))
        self.validated = validated_repos([r.repo for r in spec.repos], options.validate)
        self._stopping = threading.Event()
        self._earlier = set() if options.dry_run else {r.repo for r in spec.repos if store.outcome(r.repo) == DONE}
        self.tally = FleetTally(
            (r.repo for r in spec.repos), pacer, to_go=len(spec.repos) - len(self._earlier), estimate=not options.dry_run
        )
        if pacer is not None:
            pacer.subscribe(self._progress)  # a write sent, a wait, a pause: the budget's use changed

    def emit(self, event: FleetEvent) -> None:
        with self._emit_lock:  # one face, many workers: events arrive whole and in order
            self._emit(event)

    def progress(self) -> FleetProgress:
        """The run as it stands (thread-safe): what the last FleetProgress said, brought up to now."""
        return self.tally.progress()

    def stop(self) -> None:
        """No repository starts after this; those in progress stop at their next request to GitHub."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> FleetResult:
        result = FleetResult()
        for entry in self.spec.repos:
            self.emit(RepoQueued(entry.repo, entry.repo.lower() in self.validated))
        self._progress()
        with ThreadPoolExecutor(max_workers=max(1, self.options.concurrency), thread_name_prefix="fleet") as pool:
            try:
                for finished in pool.map(self._one, self.spec.repos):
                    result.finished.append(finished)
            except BaseException:
                # Ctrl-C in the caller's thread, or a face that failed: before the pool waits for its work, the
                # workers stop too (the queued repositories end at once) instead of finishing the fleet.
                self.stop()
                raise
        return result

    def _progress(self) -> None:
        self.emit(self.tally.progress())

    def _finish(self, finished: RepoFinished) -> RepoFinished:
        self.tally.finished(finished.repo, finished.outcome, finished.writes)
        self.emit(finished)
        self._progress()
        return finished

    def _one(self, entry: FleetRepo) -> RepoFinished:
        repo = entry.repo
        if repo in self._earlier:
            return self._finish(RepoFinished(repo, SKIPPED, "done in an earlier run"))
        if self.stopping:
            return self._finish(RepoFinished(repo, STOPPED, "not started: the run was stopped"))
        validate = repo.lower() in self.validated
        self.tally.started(repo)
        self.emit(RepoStarted(repo, validate))
        self._progress()
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
        if not self.options.dry_run and finished.outcome != STOPPED:
            self.store.set_outcome(repo, finished.outcome, finished.message)  # a stopped one resumes from its progress
        return self._finish(finished)

    def _engine_event(self, repo: str, event: Event) -> None:
        if isinstance(event, StepStarted):
            self.emit(RepoStepStarted(repo, event.step, event.title))
        elif isinstance(event, StepDone):
            self.emit(RepoStepDone(repo, event.step, str(event.outcome), event.message))
        else:
            self.emit(RepoEvent(repo, event))

    def _engine(self, entry: FleetRepo, options: Options) -> RepoFinished:
        repo = entry.repo
        session: Session | None = None
        engine: Engine | None = None
        try:
            session = self.make_session(entry, options, lambda event: self._engine_event(repo, event))
            session.org_selection = self.selection
            session.port = GuardedPort(session.port, self._stopping, Stopped, passes=("close",))  # closing always works
            engine = Engine(session, validate_only_steps() if self.options.validate_only else None)
            if options.dry_run:
                writes = sum(1 for _step, changes in engine.dry_run() for c in changes if c.is_write)
                return RepoFinished(repo, PLANNED, None, writes)
            engine.run()
        except Stopped:
            where = f" at the {engine.current} step" if engine is not None and engine.current else ""
            return RepoFinished(repo, STOPPED, f"stopped{where}: the next run resumes it", len(session.applied) if session else 0)
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
