"""wizard/core/repo_filter.py: which listed repositories `--topic` and `--exclude` keep, and what is said of the rest."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wizard.core.repo_filter import RepoFilter, check_filter, select
from wizard.errors import InputError


@dataclass(frozen=True)
class Listed:
    full_name: str
    topics: tuple[str, ...] = ()
    archived: bool = False
    fork: bool = False


REPOS = (
    Listed("Acme/api", ("node", "payments")),
    Listed("Acme/web", ("node",)),
    Listed("Acme/Legacy-API", ("node",)),
    Listed("Acme/old", ("node",), archived=True),
    Listed("Acme/copy", ("node",), fork=True),
    Listed("Acme/tool", ("python",)),
)


def names(rules: RepoFilter) -> list[str]:
    return [r.full_name for r in select(REPOS, rules).selected]


def test_archived_repos_and_forks_are_left_out_unless_asked_for_and_said() -> None:
    selection = select(REPOS, RepoFilter())
    assert [r.full_name for r in selection.selected] == ["Acme/api", "Acme/web", "Acme/Legacy-API", "Acme/tool"]
    assert selection.left_out == (("Acme/old", "archived"), ("Acme/copy", "fork"))
    assert selection.note() == "left out: 1 archived, 1 fork(s)"
    assert "Acme/old" in names(RepoFilter(include_archived=True)) and "Acme/copy" in names(RepoFilter(include_forks=True))


def test_every_topic_given_is_needed_case_insensitively() -> None:
    assert names(RepoFilter(topics=("node",))) == ["Acme/api", "Acme/web", "Acme/Legacy-API"]
    assert names(RepoFilter(topics=("node", "payments"))) == ["Acme/api"]
    assert names(check_filter("Acme", ["NODE"], [])) == ["Acme/api", "Acme/web", "Acme/Legacy-API"]


@pytest.mark.parametrize(
    ("patterns", "kept"),
    [
        (("legacy-*",), ["Acme/api", "Acme/web", "Acme/tool"]),  # names are matched as GitHub compares them: any case
        (("acme/w*",), ["Acme/api", "Acme/Legacy-API", "Acme/tool"]),  # with a slash: owner/name
        (("*api", "tool"), ["Acme/web"]),
        (("[at]*",), ["Acme/web", "Acme/Legacy-API"]),
        (("other/*",), ["Acme/api", "Acme/web", "Acme/Legacy-API", "Acme/tool"]),
    ],
)
def test_exclude_patterns_are_shell_globs_on_the_name(patterns: tuple[str, ...], kept: list[str]) -> None:
    selection = select(REPOS, RepoFilter(exclude=patterns))
    assert [r.full_name for r in selection.selected] == kept
    excluded = len(REPOS) - 2 - len(kept)  # archived and fork are left out first
    assert selection.note() == "left out: 1 archived, 1 fork(s)" + (f", {excluded} excluded by --exclude" if excluded else "")


@pytest.mark.parametrize(
    ("org", "topics", "exclude", "said"),
    [
        ("not an org", [], [], "is not an organisation name"),
        ("Acme", [" "], [], "--topic needs a topic name"),
        ("Acme", [], [""], "is not a pattern"),
        ("Acme", [], ["x" * 201], "is not a pattern"),
    ],
)
def test_bad_selections_are_input_errors(org: str, topics: list[str], exclude: list[str], said: str) -> None:
    with pytest.raises(InputError, match=said):
        check_filter(org, topics, exclude)
