"""Which of an org's repositories a fleet command works on: `--topic T` (every one given), `--exclude PATTERN` (shell
globs on the name, or on owner/name when the pattern has a `/`; case-insensitive like GitHub's names). Archived
repositories (read-only on GitHub) and forks are left out unless asked for, and the selection says which were.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from wizard.core.plan import ANSWERS_BY_NAME, Plan
from wizard.errors import InputError

MAX_PATTERN = 200  # a glob is matched against names of at most 100 characters
ARCHIVED, FORK, EXCLUDED, NO_TOPIC = "archived", "fork", "excluded", "topic"


class Listed(Protocol):
    """What the filter reads of a listed repository (the port's ListedRepo has it)."""

    @property
    def full_name(self) -> str: ...
    @property
    def topics(self) -> tuple[str, ...]: ...
    @property
    def archived(self) -> bool: ...
    @property
    def fork(self) -> bool: ...


R = TypeVar("R", bound=Listed)


@dataclass(frozen=True)
class RepoFilter:
    topics: tuple[str, ...] = ()  # a repository must have every one
    exclude: tuple[str, ...] = ()
    include_archived: bool = False
    include_forks: bool = False


@dataclass(frozen=True)
class Selection(Generic[R]):
    selected: tuple[R, ...]
    left_out: tuple[tuple[str, str], ...] = ()  # (full name, why: archived | fork | excluded | topic)

    def note(self) -> str | None:
        return left_out_note(self.left_out)


LABELS = {ARCHIVED: "archived", FORK: "fork(s)", EXCLUDED: "excluded by --exclude", NO_TOPIC: "without the topic(s)"}


def left_out_note(left_out: Iterable[tuple[str, str]]) -> str | None:
    """What was left out, for people: archived repositories and forks are always said, since nobody asked for it."""
    counts: dict[str, int] = {}
    for _repo, why in left_out:
        counts[why] = counts.get(why, 0) + 1
    parts = [f"{n} {LABELS[why]}" for why, n in sorted(counts.items(), key=lambda item: list(LABELS).index(item[0]))]
    return f"left out: {', '.join(parts)}" if parts else None


def check_filter(org: str, topics: Iterable[str], exclude: Iterable[str]) -> RepoFilter:
    """The filter for `--org ORG --topic T --exclude P`; InputError (one line) for an org or pattern that cannot be."""
    try:
        ANSWERS_BY_NAME["repo"].check(f"{org}/x", Plan())
    except InputError:
        raise InputError(f"--org {org!r} is not an organisation name", "--org YourOrg") from None
    topics = tuple(t.strip().lower() for t in topics)
    if any(not t for t in topics):
        raise InputError("--topic needs a topic name", "--topic node")
    patterns = tuple(exclude)
    for pattern in patterns:
        if not pattern or len(pattern) > MAX_PATTERN:
            raise InputError(
                f"--exclude {pattern[:40]!r} is not a pattern", f"a shell glob of at most {MAX_PATTERN} characters: --exclude 'legacy-*'"
            )
    return RepoFilter(topics, patterns)


def _excluded(repo: Listed, patterns: tuple[str, ...]) -> bool:
    full = repo.full_name.lower()
    name = full.partition("/")[2]
    return any(fnmatch.fnmatchcase(full if "/" in p else name, p.lower()) for p in patterns)


def select(repos: Iterable[R], rules: RepoFilter) -> Selection[R]:
    """The repositories `rules` keep, in the order given, and why each other one was left out."""
    kept: list[R] = []
    left_out: list[tuple[str, str]] = []
    for repo in repos:
        name = repo.full_name
        if repo.archived and not rules.include_archived:
            left_out.append((name, ARCHIVED))
        elif repo.fork and not rules.include_forks:
            left_out.append((name, FORK))
        elif _excluded(repo, rules.exclude):
            left_out.append((name, EXCLUDED))
        elif not set(rules.topics) <= {t.lower() for t in repo.topics}:
            left_out.append((name, NO_TOPIC))
        else:
            kept.append(repo)
    return Selection(tuple(kept), tuple(left_out))
