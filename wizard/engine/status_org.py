"""`status --org`: every selected repository of an org in one picture, and which repositories an org secret or
variable with `selected` visibility leaves out.

Each repository's status is status.py's, read with `OrgReads` instead of the port directly:
- the repositories come from one listing of the org (paged, each page a conditional read): no GET per repository;
- each org secret and variable is read once for the whole org (its selected repositories with it), not per repo;
- a repository whose listing shows nothing pushed since the last status (status_memory.py) is not read again: its
  answers file and caller are the ones kept; its newest run is one conditional read (a 304 when it did not move);
- a judged run's verdict is kept by run: its logs are read once.
So an onboarded repository costs three requests the first time (answers file, caller, newest run) and one the next;
one never onboarded costs its onboarding pull request's lookup besides (a pull request can close without a push).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from wizard.core.kaniko.verdict import Verdict
from wizard.core.repo_filter import RepoFilter, select
from wizard.core.resolved import ResolvedPlan
from wizard.engine.port import FileInfo, GitHubPort, ListedRepo, RepoInfo, RunInfo, SecretInfo, VariableInfo
from wizard.engine.status import StatusReads, StatusReport, WorkflowState, repo_status
from wizard.engine.status_memory import StatusMemory
from wizard.errors import WizardError

T = TypeVar("T")
ONBOARDED, DRIFTED, MISSING, UNRECORDED, UNREADABLE = "onboarded", "drifted", "missing", "unrecorded", "unreadable"
DEFAULT_CONCURRENCY = 8  # reads in flight: far below GitHub's 100 concurrent requests, enough to hide the latency


@dataclass(frozen=True)
class RepoRow:
    repo: str
    state: str  # onboarded | drifted (caller differs or is gone) | missing (no answers, no caller) | unrecorded | unreadable
    report: StatusReport | None = None  # None when unreadable
    error: str | None = None  # why it is unreadable

    @property
    def healthy(self) -> bool:
        return self.report is not None and self.report.healthy


@dataclass(frozen=True)
class Coverage:
    """An org secret or variable with `selected` visibility (or one that is missing) and the onboarded repositories
    whose answers read it."""

    kind: str  # secret | variable
    name: str
    present: bool
    visibility: str | None
    readers: tuple[str, ...]
    missing: tuple[str, ...]  # readers its selected-repositories list leaves out (or every reader when it is absent)


@dataclass(frozen=True)
class OrgStatus:
    org: str
    rows: tuple[RepoRow, ...]
    left_out: tuple[tuple[str, str], ...]  # (repository, why) not looked at: archived, fork, excluded, topic
    coverage: tuple[Coverage, ...]

    @property
    def healthy(self) -> bool:
        return all(r.healthy for r in self.rows)

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


class _Once:
    """Each key read once for every worker (a refusal too: it is the same for all of them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[Any, threading.Lock] = {}
        self._done: dict[Any, tuple[bool, Any]] = {}

    def get(self, key: Any, read: Callable[[], T]) -> T:
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._done:
                try:
                    self._done[key] = (True, read())
                except WizardError as exc:
                    self._done[key] = (False, exc)
            ok, value = self._done[key]
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]


class OrgReads(StatusReads):
    """One repository's reads within an org's status (see the module's docstring)."""

    def __init__(self, port: GitHubPort, listed: ListedRepo, shared: _Once, memory: StatusMemory) -> None:
        super().__init__(port)
        self.listed, self.shared, self.memory = listed, shared, memory
        self.kept = memory.files(listed)
        self.read: dict[str, FileInfo | None] = {}

    def file(self, repo: RepoInfo, path: str) -> FileInfo | None:
        found = self.kept[path] if path in self.kept else super().file(repo, path)
        self.read[path] = found
        return found

    def org_secret(self, org: str, name: str) -> SecretInfo | None:
        return self.shared.get(("secret", org.lower(), name.upper()), lambda: super(OrgReads, self).org_secret(org, name))

    def org_variable(self, org: str, name: str) -> VariableInfo | None:
        return self.shared.get(("variable", org.lower(), name.upper()), lambda: super(OrgReads, self).org_variable(org, name))

    def verdict(self, repo: RepoInfo, run: RunInfo, resolved: ResolvedPlan) -> Verdict | None:
        key = f"{repo.full_name.lower()}#{run.id}#{resolved.image}#{resolved.cache_repo if resolved.plan.cache_enabled else ''}"
        kept = self.memory.verdict(key)
        if kept is not None:
            return kept
        verdict = super().verdict(repo, run, resolved)
        if verdict is not None:  # logs gone now stay gone, but a log read that failed may work next time
            self.memory.keep_verdict(key, verdict)
        return verdict


def row_state(report: StatusReport) -> str:
    if report.recorded is None:
        return MISSING if report.workflow.state is WorkflowState.MISSING else UNRECORDED
    return ONBOARDED if report.workflow.state is WorkflowState.CURRENT else DRIFTED


def coverage(rows: tuple[RepoRow, ...]) -> tuple[Coverage, ...]:
    """For each org secret or variable the onboarded repositories read: the selected ones, and any that is absent."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row.report is None or not row.report.onboarded:
            continue
        entries = [
            ("secret", s.name, s.present, s.visibility, s.repo_selected) for s in row.report.secrets if s.level == "org" and not s.legacy
        ]
        entries += [("variable", v.name, v.present, v.visibility, v.repo_selected) for v in row.report.variables if v.level == "org"]
        for kind, name, present, visibility, selected in entries:
            if present and visibility != "selected":
                continue  # all or private: no list to miss anyone
            entry = found.setdefault((kind, name), {"present": present, "visibility": visibility, "readers": [], "missing": []})
            entry["readers"].append(row.repo)
            if not present or selected is False:
                entry["missing"].append(row.repo)
    return tuple(
        Coverage(kind, name, e["present"], e["visibility"], tuple(e["readers"]), tuple(e["missing"]))
        for (kind, name), e in sorted(found.items())
    )


def read_org_status(
    make_port: Callable[[], GitHubPort],
    org: str,
    rules: RepoFilter,
    *,
    memory: StatusMemory | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> OrgStatus:
    """The org's picture. `make_port` gives one port per worker thread (an adapter is not shared between threads);
    GitHubRefused when the listing itself is refused; a repository that cannot be read is a row saying why."""
    memory = memory if memory is not None else StatusMemory()
    local = threading.local()
    ports: list[GitHubPort] = []
    ports_lock = threading.Lock()

    def port() -> GitHubPort:
        if getattr(local, "port", None) is None:
            local.port = make_port()
            with ports_lock:
                ports.append(local.port)
        return local.port  # type: ignore[no-any-return]

    shared = _Once()

    def one(listed: ListedRepo) -> RepoRow:
        reads = OrgReads(port(), listed, shared, memory)
        try:
            report = repo_status(reads, listed.info, pull_when_onboarded=False)
        except WizardError as exc:
            return RepoRow(listed.full_name, UNREADABLE, None, exc.message)
        memory.keep_files(listed, reads.read)
        return RepoRow(listed.full_name, row_state(report), report)

    try:
        selection = select(port().org_repos(org), rules)
        with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="status") as pool:
            rows = tuple(pool.map(one, selection.selected))
    finally:
        for made in ports:
            close = getattr(made, "close", None)
            if close is not None:
                close()
    return OrgStatus(org, rows, selection.left_out, coverage(rows))
