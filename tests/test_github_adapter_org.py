"""The adapter's org listing and newest run (wizard/github/org_ops.py) over the sandbox: every page, what it keeps
for its conditional reads, and a 304 answered from what it kept."""

from __future__ import annotations

from typing import Any

from tests.github_adapter_helpers import HELLO_PATH, ORG, REPO, gh, hello, logged  # noqa: F401 - fixtures
from tests.sandbox_client import Client
from wizard.github import connect
from wizard.github.org_ops import LISTED_FIELDS


def test_the_listing_reads_every_page_with_topics_archived_forks_and_pushed_at(sandbox, admin_token) -> None:
    st = sandbox.state
    for n in range(148):
        st.add_repo(ORG, f"svc-{n:03d}", {}, topics=["node"] if n % 2 else [])
    st.find_repo(ORG, "svc-001").archived = True
    st.find_repo(ORG, "svc-002").fork = True
    kept: dict[str, Any] = {}
    gh = connect(sandbox.base_url, admin_token, conditional=kept)
    try:
        listed = gh.org_repos(ORG)
        assert len(listed) == 150 and len({r.full_name for r in listed}) == 150  # 148, .github and example-node-api
        by_name = {r.full_name: r for r in listed}
        one = by_name[f"{ORG}/svc-001"]
        assert (one.topics, one.archived, one.fork) == (("node",), True, False)
        assert by_name[f"{ORG}/svc-002"].fork and not by_name[f"{ORG}/svc-002"].archived
        assert one.info.id == st.find_repo(ORG, "svc-001").id and one.info.default_branch == "main" and one.info.owner_is_org
        assert one.pushed_at is not None
        pages = logged(sandbox, "GET", rf"^/orgs/{ORG}/repos$")
        assert [p["status"] for p in pages] == [200, 200]  # 100 a page
        # Only the fields the port returns are kept, never a whole answer.
        assert all(set(row) == {*LISTED_FIELDS, "owner"} for _etag, rows, _next in kept.values() for row in rows)

        again = gh.org_repos(ORG)
        assert again == listed
        assert [p["status"] for p in logged(sandbox, "GET", rf"^/orgs/{ORG}/repos$")][2:] == [304, 304]
        assert gh.stats["listing_pages_not_modified"] == 2
    finally:
        gh.close()


def test_a_page_behind_an_unchanged_full_page_is_found(sandbox, admin_token) -> None:
    st = sandbox.state
    for n in range(98):  # with .github and example-node-api: exactly one full page
        st.add_repo(ORG, f"svc-{n:03d}", {})
    kept: dict[str, Any] = {}
    gh = connect(sandbox.base_url, admin_token, conditional=kept)
    try:
        assert len(gh.org_repos(ORG)) == 100
        st.add_repo(ORG, "zz-last", {})  # sorted by name: after the first page, which does not change
        names = [r.full_name for r in gh.org_repos(ORG)]
        assert len(names) == 101 and names[-1] == f"{ORG}/zz-last"
    finally:
        gh.close()


def test_the_newest_run_is_read_by_the_workflows_file_name_and_kept_for_a_304(gh, hello, sandbox) -> None:
    assert gh.newest_run(REPO, ".github/workflows/nothing-here.yml") is None
    assert gh.newest_run(REPO, HELLO_PATH) is None  # a workflow without runs
    first = gh.dispatch(REPO, hello, "main")
    second = gh.dispatch(REPO, hello, "main")
    client = Client(sandbox.base_url, sandbox.token)
    for run_id in (first, second):
        client.wait_run(REPO, run_id)  # finished: the run list does not change between the two reads below
    newest = gh.newest_run(REPO, HELLO_PATH)
    assert newest is not None and newest.id == second != first
    assert gh.newest_run(REPO, HELLO_PATH) == newest
    reads = logged(sandbox, "GET", r"/actions/workflows/hello\.yml/runs$")
    assert [r["status"] for r in reads][-2:] == [200, 304]
