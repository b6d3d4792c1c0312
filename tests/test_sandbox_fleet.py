"""The sandbox at fleet scale: GET /orgs/{org}/repos as GitHub serves it, topics, `fleet:` and `limits:` in the seed
file, and GitHub's secondary limits (content creation per minute, concurrent requests) on the sandbox's clock."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from github import Auth, Github

from tests.sandbox_client import ORG, REPO, TEST_TIME_FACTOR, Client
from wizard.core.clock import CLOCK
from wizard.sandbox import Sandbox
from wizard.sandbox.seed import apply_seed, read_seed
from wizard.sandbox.state import SandboxState

FLEET = 63  # with the default .github and example-node-api: 65 repos, three pages of 30


def _links(response: requests.Response) -> dict[str, int]:
    """rel -> page number, from the Link header."""
    return {rel: int(page) for page, rel in re.findall(r'<[^>]*[?&]page=(\d+)[^>]*>; rel="(\w+)"', response.headers.get("Link", ""))}


def _state(sandbox: Sandbox) -> dict:
    return requests.get(f"{sandbox.base_url}/_sandbox/state", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Sandbox]:
    (tmp_path / "seed.yml").write_text(
        f"fleet: {{count: {FLEET}, topics: [node, fleet]}}\n"
        "repos:\n"
        f"  - {{full_name: {ORG}/secret-svc, private: true, topics: [internal-tools]}}\n"
        f"  - {{full_name: {ORG}/inner-svc, visibility: internal}}\n"
    )
    with Sandbox(seed_file=tmp_path / "seed.yml", time_factor=TEST_TIME_FACTOR) as started:
        yield started


# GET /orgs/{org}/repos ---------------------------------------------------------------------------------------------
def test_the_listing_pages_by_30_with_githubs_link_relations(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)
    total = FLEET + 4  # .github, example-node-api, secret-svc, inner-svc
    first = client.get(f"/orgs/{ORG}/repos", expect=200)
    assert len(first.json()) == 30 and _links(first) == {"next": 2, "last": 3}
    middle = client.get(f"/orgs/{ORG}/repos?page=2", expect=200)
    assert _links(middle) == {"prev": 1, "next": 3, "last": 3, "first": 1}
    last = client.get(f"/orgs/{ORG}/repos?page=3", expect=200)
    assert len(last.json()) == total - 60 and _links(last) == {"prev": 2, "first": 1}
    names = [r["full_name"] for page in (first, middle, last) for r in page.json()]
    assert len(set(names)) == total  # every repo once
    wide = client.get(f"/orgs/{ORG}/repos?per_page=100", expect=200)
    assert len(wide.json()) == total and "Link" not in wide.headers
    client.get(f"/orgs/{ORG}/repos?type=sources&sort=full_name&per_page=10&page=2", expect=200)
    assert "type=sources" in client.get(f"/orgs/{ORG}/repos?type=sources&per_page=10", expect=200).headers["Link"]


def test_the_listing_sorts_newest_first_by_default_and_by_name_ascending(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)
    newest = [r["name"] for r in client.get(f"/orgs/{ORG}/repos?per_page=3", expect=200).json()]
    assert newest == [f"service-{n:03d}" for n in (FLEET, FLEET - 1, FLEET - 2)]  # the fleet is made last; ties by id
    oldest = [r["name"] for r in client.get(f"/orgs/{ORG}/repos?per_page=2&direction=asc", expect=200).json()]
    assert oldest == [".github", "example-node-api"]
    by_name = [r["full_name"] for r in client.get(f"/orgs/{ORG}/repos?sort=full_name&per_page=100", expect=200).json()]
    assert by_name == sorted(by_name, key=str.lower)
    by_name_desc = [r["full_name"] for r in client.get(f"/orgs/{ORG}/repos?sort=full_name&direction=desc&per_page=100").json()]
    assert by_name_desc == by_name[::-1]
    client.put_file(f"{ORG}/service-005", "README.md", "changed\n", expect=200)
    pushed = client.get(f"/orgs/{ORG}/repos?sort=pushed&per_page=1", expect=200).json()
    assert pushed[0]["name"] == "service-005"


def test_the_listing_filters_by_type_and_hides_private_repos_from_a_token_without_repo(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)

    def names(query: str, who: Client = client) -> set[str]:
        return {r["name"] for r in who.get(f"/orgs/{ORG}/repos?per_page=100&{query}", expect=200).json()}

    everything = names("type=all")
    assert names("") == everything == names("type=sources") == names("type=member")
    assert names("type=private") == {"secret-svc"}
    assert names("type=internal") == {"inner-svc"}
    assert names("type=public") == everything - {"secret-svc", "inner-svc"}
    assert names("type=forks") == set()
    reader = Client(fleet.base_url, fleet.add_token(["read:org"]))
    assert names("", reader) == everything - {"secret-svc", "inner-svc"}
    assert names("type=private", reader) == set()


def test_the_listing_refuses_unknown_values_and_orgs(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)
    for query in ("type=owner", "sort=name", "direction=up"):
        assert client.get(f"/orgs/{ORG}/repos?{query}", expect=422).json()["message"].startswith("Invalid request.")
    client.get("/orgs/no-such-org/repos", expect=404)
    client.get("/orgs/octo-admin/repos", expect=404)  # a user, not an org


def test_archived_repos_and_forks_list_as_such_and_an_archived_repo_is_read_only(tmp_path: Path) -> None:
    (tmp_path / "seed.yml").write_text(
        f"repos:\n  - {{full_name: {ORG}/old-svc, archived: true}}\n  - {{full_name: {ORG}/forked-svc, fork: true}}\n"
    )
    with Sandbox(seed_file=tmp_path / "seed.yml", time_factor=TEST_TIME_FACTOR) as seeded:
        client = Client(seeded.base_url, seeded.token)
        listed = {r["name"]: r for r in client.get(f"/orgs/{ORG}/repos?per_page=100", expect=200).json()}
        assert (listed["old-svc"]["archived"], listed["old-svc"]["fork"]) == (True, False)
        assert (listed["forked-svc"]["archived"], listed["forked-svc"]["fork"]) == (False, True)
        assert listed["example-node-api"]["archived"] is False and listed["example-node-api"]["fork"] is False
        forks = {r["name"] for r in client.get(f"/orgs/{ORG}/repos?type=forks", expect=200).json()}
        sources = {r["name"] for r in client.get(f"/orgs/{ORG}/repos?type=sources", expect=200).json()}
        assert forks == {"forked-svc"} and "forked-svc" not in sources and "old-svc" in sources
        assert client.get(f"/repos/{ORG}/old-svc", expect=200).json()["archived"] is True
        refused = client.put_file(f"{ORG}/old-svc", "README.md", "changed\n", expect=403)
        assert refused.json()["message"] == "Repository was archived so is read-only."
        client.put_file(f"{ORG}/forked-svc", "README.md", "changed\n", expect=201)


def test_listed_repositories_have_githubs_shape_and_their_topics(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)
    listed = {r["name"]: r for r in client.get(f"/orgs/{ORG}/repos?per_page=100", expect=200).json()}
    full = client.get(f"/repos/{ORG}/service-001", expect=200).json()
    one = listed["service-001"]
    # GitHub's minimal-repository: the full repository without the merge settings and the organization.
    assert "organization" in full and "organization" not in one and "allow_squash_merge" not in one
    assert {k: v for k, v in full.items() if k in one} == one
    assert one["topics"] == ["node", "fleet"] == full["topics"]
    assert listed["secret-svc"]["topics"] == ["internal-tools"] and listed["example-node-api"]["topics"] == []
    assert one["visibility"] == "public" and listed["inner-svc"]["visibility"] == "internal"


def test_the_listing_answers_304_to_its_etag_until_the_org_changes(fleet) -> None:
    client = Client(fleet.base_url, fleet.token)
    first = client.get(f"/orgs/{ORG}/repos", expect=200)
    tag = first.headers["ETag"]
    used = int(first.headers["X-RateLimit-Used"])
    again = client.get(f"/orgs/{ORG}/repos", headers={"If-None-Match": tag}, expect=304)
    assert int(again.headers["X-RateLimit-Used"]) == used  # free, as on GitHub
    assert client.get(f"/orgs/{ORG}/repos?page=2", headers={"If-None-Match": tag}).status_code == 200  # another page
    client.call("PUT", f"/repos/{ORG}/service-{FLEET:03d}/topics", {"names": ["renamed"]}, expect=200)  # on page 1
    assert client.get(f"/orgs/{ORG}/repos", headers={"If-None-Match": tag}).status_code == 200


def test_pygithub_pages_through_an_orgs_repositories(fleet) -> None:
    gh = Github(base_url=fleet.base_url, auth=Auth.Token(fleet.token), per_page=30, retry=None, seconds_between_requests=0)
    repos = gh.get_organization(ORG).get_repos()
    assert repos.totalCount == FLEET + 4
    names = [r.name for r in repos]
    assert len(names) == FLEET + 4 and names[0] == f"service-{FLEET:03d}" and names[-1] == ".github"
    by_name = [r.full_name for r in gh.get_organization(ORG).get_repos(type="public", sort="full_name")]
    assert by_name[0] == f"{ORG}/.github" and len(by_name) == FLEET + 2
    service = next(r for r in gh.get_organization(ORG).get_repos(sort="full_name", direction="desc"))
    assert service.name == f"service-{FLEET:03d}" and service.get_topics() == ["node", "fleet"]
    service.replace_topics(["node", "payments"])
    assert gh.get_repo(f"{ORG}/service-{FLEET:03d}").topics == ["node", "payments"]


# topics ------------------------------------------------------------------------------------------------------------
def test_topics_are_replaced_whole_and_checked_like_githubs(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    assert client.get(f"/repos/{REPO}/topics", expect=200).json() == {"names": []}
    put = client.call("PUT", f"/repos/{REPO}/topics", {"names": ["node", "api", "node"]}, expect=200)
    assert put.json() == {"names": ["node", "api"]}
    assert client.get(f"/repos/{REPO}/topics", expect=200).json() == {"names": ["node", "api"]}
    for names in (["Node"], ["-dash-first"], ["a" * 51], ["has space"], [f"t{i}" for i in range(21)], "node", [1]):
        refused = client.call("PUT", f"/repos/{REPO}/topics", {"names": names}, expect=422).json()
        assert refused["message"] == "Validation Failed" and refused["errors"][0]["field"] == "topics"
    assert "names" in client.call("PUT", f"/repos/{REPO}/topics", {}, expect=422).json()["message"]
    assert client.call("PUT", f"/repos/{REPO}/topics", {"names": []}, expect=200).json() == {"names": []}


def test_replacing_topics_needs_the_repo_scope_or_administration_write(sandbox) -> None:
    Client(sandbox.base_url, sandbox.add_token(["read:org"])).call("PUT", f"/repos/{REPO}/topics", {"names": ["x"]}, expect=404)
    reader = Client(sandbox.base_url, sandbox.add_token(permissions={"contents": "write"}))
    assert reader.get(f"/repos/{REPO}/topics", expect=200).json() == {"names": []}  # metadata is enough to read
    refused = reader.call("PUT", f"/repos/{REPO}/topics", {"names": ["x"]}, expect=403)
    assert refused.headers["X-Accepted-GitHub-Permissions"] == "administration=write"
    admin = Client(sandbox.base_url, sandbox.add_token(permissions={"administration": "write"}))
    admin.call("PUT", f"/repos/{REPO}/topics", {"names": ["x"]}, expect=200)


# the seed file -----------------------------------------------------------------------------------------------------
def _seeded(tmp_path: Path, text: str) -> SandboxState:
    (tmp_path / "seed.yml").write_text(text)
    st = SandboxState()
    apply_seed(st, read_seed(tmp_path / "seed.yml"), tmp_path)
    return st


def test_a_fleet_is_made_from_a_template_dir_relative_to_the_seed_file(tmp_path: Path) -> None:
    (tmp_path / "tpl" / "src").mkdir(parents=True)
    (tmp_path / "tpl" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "tpl" / "src" / "main.py").write_text("print('hi')\n")
    st = _seeded(tmp_path, "fleet:\n  - {count: 3, template: tpl, prefix: api-, org: acme, topics: [python]}\n  - {count: 2}\n")
    acme = st.find_account("acme")
    assert acme is not None and acme.is_org
    names = sorted(r.name for r in st.repos_of(acme))
    assert names == ["api-001", "api-002", "api-003"]
    repo = st.find_repo("acme", "api-002")
    assert repo is not None and repo.topics == ["python"]
    assert repo.git.files_at(repo.branches["main"]) == {"Dockerfile": b"FROM alpine:3.20\n", "src/main.py": b"print('hi')\n"}
    demo = st.find_repo(ORG, "service-002")  # no template: the sample service, in the default org
    assert demo is not None and "Dockerfile" in demo.git.files_at(demo.branches["main"]) and demo.topics == []


def test_two_hundred_repos_seed_in_well_under_a_second_sharing_their_blobs(tmp_path: Path) -> None:
    (tmp_path / "seed.yml").write_text("fleet: {count: 200}\n")
    began = time.perf_counter()
    st = SandboxState()
    apply_seed(st, read_seed(tmp_path / "seed.yml"), tmp_path)
    elapsed = time.perf_counter() - began
    assert len(st.repos) == 200
    assert elapsed < 1.0, f"seeding 200 repos took {elapsed:.2f} s"
    first, last = st.find_repo(ORG, "service-001"), st.find_repo(ORG, "service-200")
    assert first is not None and last is not None
    assert first.git.blobs.keys() == last.git.blobs.keys()
    assert all(first.git.blobs[sha] is last.git.blobs[sha] for sha in first.git.blobs)  # one copy of each file's bytes


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("fleet: {count: 2, template: nowhere}\n", "not a directory"),
        ("fleet: {template: demo}\n", "count"),
        ("fleet: {count: many}\n", "whole number"),
        ("fleet: {count: 1, topics: [Big]}\n", "lowercase"),
        (f"repos: [{{full_name: {ORG}/service-001}}]\nfleet: {{count: 1}}\n", "already exists"),
        ("limits: {content_per_minute: 0}\n", "at least 1"),
        ("limits: {per_hour: 5}\n", "content_per_minute and concurrent"),
    ],
)
def test_bad_fleets_and_limits_say_what_is_wrong(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        _seeded(tmp_path, text)


def test_limits_come_from_the_seed_file(tmp_path: Path) -> None:
    st = _seeded(tmp_path, "limits: {content_per_minute: 5, concurrent: 7}\n")
    assert (st.content_limit_per_minute, st.concurrent_limit) == (5, 7)
    default = _seeded(tmp_path, "orgs: [{login: acme}]\n")
    assert (default.content_limit_per_minute, default.concurrent_limit) == (80, 100)


# secondary limits --------------------------------------------------------------------------------------------------
def test_the_content_window_runs_on_the_sandboxs_clock_and_refusals_are_counted(sandbox) -> None:
    sandbox.state.content_limit_per_minute = 2
    client = Client(sandbox.base_url, sandbox.add_token(["repo"]))

    def create(n: int) -> requests.Response:
        return client.call("POST", f"/repos/{REPO}/actions/variables", {"name": f"V{n}", "value": "x"})

    assert [create(1).status_code, create(2).status_code] == [201, 201]
    refused = create(3)
    assert refused.status_code == 403 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _state(sandbox)["secondary_limit_hits"] == 1
    CLOCK.sleep(30)  # virtual time: half the window has passed, the writes still count
    assert create(3).status_code == 403
    CLOCK.sleep(31)
    assert create(3).status_code == 201
    assert _state(sandbox)["secondary_limit_hits"] == 2


def test_the_primary_window_runs_on_the_sandboxs_clock(sandbox) -> None:
    sandbox.state.rate_limit = 2
    client = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    first = client.get("/user", expect=200)
    reset = int(first.headers["X-RateLimit-Reset"])
    assert abs(reset - (CLOCK.now().timestamp() + 3600)) < 5
    client.get("/user", expect=200)
    client.get("/user", expect=403)
    CLOCK.sleep(3601)
    again = client.get("/user", expect=200)
    assert again.headers["X-RateLimit-Used"] == "1" and int(again.headers["X-RateLimit-Reset"]) > reset
    assert _state(sandbox)["secondary_limit_hits"] == 0  # the primary limit is not a secondary one


def test_a_token_over_its_concurrent_requests_is_refused_like_githubs_secondary_limit(sandbox) -> None:
    sandbox.state.concurrent_limit = 2
    token = sandbox.add_token(["repo"])
    held = sandbox.state.tokens[token]
    sandbox.faults.add("GET", r"^/user$", delay=1.0, count=2)  # two slow answers hold two places
    answers: list[int] = []
    slow = [threading.Thread(target=lambda: answers.append(Client(sandbox.base_url, token).get("/user").status_code)) for _ in range(2)]
    for thread in slow:
        thread.start()
    deadline = time.monotonic() + 10
    while held.in_flight < 2:
        assert time.monotonic() < deadline, "the slow requests never arrived"
        time.sleep(0.01)
    refused = Client(sandbox.base_url, token).get(f"/repos/{REPO}", expect=403)
    assert "secondary rate limit" in refused.json()["message"] and "X-RateLimit-Remaining" in refused.headers
    Client(sandbox.base_url, sandbox.token).get(f"/repos/{REPO}", expect=200)  # per token: another one is served
    for thread in slow:
        thread.join()
    assert answers == [200, 200] and held.in_flight == 0
    Client(sandbox.base_url, token).get(f"/repos/{REPO}", expect=200)
    state = _state(sandbox)
    assert state["secondary_limit_hits"] == 1 and state["settings"]["concurrent_limit"] == 2


def test_refused_and_failed_requests_give_their_place_back(sandbox) -> None:
    sandbox.state.concurrent_limit = 1
    client = Client(sandbox.base_url, sandbox.token)
    sandbox.faults.add("GET", r"^/user$", status=503, count=1)
    client.get("/user", expect=503)
    client.get("/repos/nobody/nothing", expect=404)
    client.call("POST", f"/repos/{REPO}/actions/variables", {"value": "no name"})
    for _ in range(3):
        client.get(f"/repos/{REPO}", expect=200)
    assert sandbox.state.tokens[sandbox.token].in_flight == 0


# lookups at fleet size ---------------------------------------------------------------------------------------------
def test_a_deleted_repo_is_gone_by_name_and_its_name_can_be_used_again(sandbox) -> None:
    st = sandbox.state
    Client(sandbox.base_url, sandbox.add_token(["repo", "delete_repo"])).call("DELETE", f"/repos/{REPO}", expect=204)
    assert st.find_repo(ORG, "example-node-api") is None
    again = st.add_repo(ORG, "Example-Node-API", {"README.md": b"again\n"})
    assert st.find_repo(ORG.lower(), "example-node-api") is again
    with pytest.raises(ValueError, match="already exists"):
        st.add_repo(ORG, "example-node-api", {})


def test_a_page_holds_at_most_100_as_on_github(sandbox) -> None:
    for n in range(1, 100):
        sandbox.state.add_repo(ORG, f"svc-{n:03d}", {})
    client = Client(sandbox.base_url, sandbox.token)
    page = client.get(f"/orgs/{ORG}/repos?per_page=500", expect=200)
    assert len(page.json()) == 100 and _links(page) == {"next": 2, "last": 2}
    assert "per_page=100" in page.headers["Link"]
    assert len(client.get(f"/orgs/{ORG}/repos?per_page=500&page=2", expect=200).json()) == 1


def test_serves_greeting_names_a_few_repos_of_a_fleet_and_counts_the_rest(fleet) -> None:
    from wizard.commands.sandbox_cmd import greeting

    line = next(line for line in greeting(fleet) if line.startswith("repos: "))
    assert line.startswith(f"repos: {ORG}/example-node-api, {ORG}/inner-svc, {ORG}/secret-svc, {ORG}/service-001,")
    assert line.endswith(f" and {FLEET + 3 - 8} more")  # .github is never named
