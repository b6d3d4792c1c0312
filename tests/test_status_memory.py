"""What `status --org` keeps between runs (wizard/engine/status_memory.py): files are kept against the listing's
pushed_at only when GitHub answered the listing two seconds after pushed_at's (it counts whole seconds, and the
clocks of GitHub's machines may differ by a little)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wizard.engine.port import FileInfo, ListedRepo, RepoInfo
from wizard.engine.status_memory import StatusMemory

PUSHED = datetime(2026, 12, 2, 21, 55, 8, tzinfo=UTC)
INFO = RepoInfo("org/svc", 7, "main", True, "org", True, "private")
FILES = {".github/brik-onboard.yml": FileInfo(".github/brik-onboard.yml", "image: svc\n", "a" * 40), "x.yml": None}


def listed(answered: datetime | None, pushed: datetime | None = PUSHED) -> ListedRepo:
    return ListedRepo(INFO, pushed_at=pushed, listed_at=answered)


def test_files_read_two_seconds_after_the_last_push_are_kept_and_given_back_while_it_stands() -> None:
    memory = StatusMemory()
    memory.keep_files(listed(PUSHED + timedelta(seconds=2)), FILES)
    again = StatusMemory(memory.to_json())
    assert again.files(listed(PUSHED + timedelta(minutes=5))) == FILES
    assert again.files(listed(PUSHED + timedelta(minutes=5), pushed=PUSHED + timedelta(seconds=1))) == {}


def test_files_read_in_the_second_of_the_last_push_or_the_next_are_not_kept() -> None:
    """Another push in that second would leave pushed_at as it is, and the kept files would hide it; the next second
    may still be that second on the machine that stamped the push."""
    for answered in (PUSHED.replace(microsecond=900000), PUSHED + timedelta(seconds=1, microseconds=999999)):
        memory = StatusMemory()
        memory.keep_files(listed(answered), FILES)
        assert StatusMemory(memory.to_json()).files(listed(PUSHED + timedelta(minutes=5))) == {}


def test_nothing_is_kept_without_an_answer_time_or_a_pushed_at() -> None:
    for unknown in (listed(None), listed(PUSHED + timedelta(seconds=5), pushed=None)):
        memory = StatusMemory()
        memory.keep_files(unknown, FILES)
        assert memory.to_json()["repos"] == {}
