"""`brik-onboard status --org`: a fleet onboarded with `fleet apply`, then one caller hand-edited on its default
branch; the org's picture in one JSON document, secrets coverage, the table's plain face, and what a second status
reads (the cache of unchanged repositories)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine_helpers import api, clear_request_log, fake_token, leaks_in, live_state, request_log, run_brik
from tests.sandbox_client import Client
from tests.test_fleet import fleet_file, lines, seed_fleet
from wizard.engine.status_memory import SETTLED
from wizard.sandbox.seed import DEFAULT_ORG

CALLER = ".github/workflows/build-image.yml"
OTHERS = {f"{DEFAULT_ORG}/example-node-api"}  # the default seed's service, never onboarded (its .github is left out)


def onboard_fleet(sandbox: Any, tmp_path: Path, count: int) -> tuple[list[str], dict[str, str]]:
    """`count` repositories onboarded by `fleet apply` (org secret REGISTRY_PAT with `selected` visibility, caller
    committed to main, no validation build); returns their names and the environment `status` runs with."""
    names = seed_fleet(sandbox, count)
    pat = sandbox.add_token(["write:packages"], login="ci-bot")
    path = fleet_file(tmp_path, names, api_url=sandbox.base_url)
    env = {"GH_TOKEN": sandbox.token, "BRIK_SECRET_REGISTRY_PAT": pat}
    done = run_brik("fleet", "apply", str(path), "--yes", "--json", "--validate", "none", "--writes-per-minute", "1000", env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert {e["outcome"] for e in lines(done.stdout) if e["event"] == "repo"} == {"done"}
    config = tmp_path / "config.yml"
    config.write_text(f"api_url: {sandbox.base_url}\n")  # the user's own config: where the token may go
    return names, {
        "GH_TOKEN": sandbox.token,
        "BRIK_ONBOARD_CONFIG": str(config),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PAT_FOR_LEAK_SCAN": pat,
    }


def hand_edit(sandbox: Any, repo: str, old: str, new: str) -> None:
    """Someone edits the caller on the default branch through the contents API."""
    current = api(sandbox, "GET", f"/repos/{repo}/contents/{CALLER}?ref=main")
    current.raise_for_status()
    text = base64.b64decode(current.json()["content"]).decode()
    assert old in text, text
    body = {
        "message": "hand edit",
        "branch": "main",
        "sha": current.json()["sha"],
        "content": base64.b64encode(text.replace(old, new).encode()).decode(),
    }
    api(sandbox, "PUT", f"/repos/{repo}/contents/{CALLER}", body=body).raise_for_status()


def status(env: dict[str, str], *extra: str) -> tuple[int, str, str]:
    done = run_brik("status", "--org", DEFAULT_ORG, *extra, env={k: v for k, v in env.items() if k != "PAT_FOR_LEAK_SCAN"})
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def finish_builds(sandbox: Any) -> None:
    """Wait (virtual time) until every push build the onboarding started has completed."""
    client = Client(sandbox.base_url, sandbox.token)
    for repo in live_state(sandbox)["repos"]:
        for run in repo["runs"]:
            client.wait_run(repo["full_name"], run["id"])


def by_repo(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["repo"]: r for r in report["repos"]}


@pytest.mark.slow
def test_status_org_lists_the_fleet_onboarded_and_the_hand_edited_repo_drifted(sandbox, tmp_path: Path) -> None:
    names, env = onboard_fleet(sandbox, tmp_path, 20)
    edited = f"{DEFAULT_ORG}/{names[7]}"
    hand_edit(sandbox, edited, "cache_enabled: true", "cache_enabled: false")
    clear_request_log(sandbox)

    code, out, err = status(env, "--json")
    assert code == 1, err  # one drifted, and the example service was never onboarded
    report = json.loads(out)
    rows = by_repo(report)
    assert set(rows) == {f"{DEFAULT_ORG}/{n}" for n in names} | OTHERS
    assert {r for r, row in rows.items() if row["onboarded"]} == {f"{DEFAULT_ORG}/{n}" for n in names}  # the 20
    onboarded = {r for r, row in rows.items() if row["state"] == "onboarded"}
    assert onboarded == {f"{DEFAULT_ORG}/{n}" for n in names} - {edited}
    assert rows[edited]["state"] == "drifted" and rows[edited]["drift"] == ["cache_enabled"]
    assert rows[edited]["workflow"] == {"path": CALLER, "state": "drifted"}
    assert all(rows[r]["state"] == "missing" for r in OTHERS)
    assert all(rows[r]["healthy"] and rows[r]["unreadable"] == [] for r in onboarded)
    assert report["counts"] == {"onboarded": 19, "drifted": 1, "missing": 1, "unrecorded": 0, "unreadable": 0}
    assert report["healthy"] is False
    [pat_coverage] = [c for c in report["coverage"] if c["name"] == "REGISTRY_PAT"]
    assert pat_coverage == {
        "kind": "secret",
        "name": "REGISTRY_PAT",
        "present": True,
        "visibility": "selected",
        "readers": 20,
        "missing": [],
    }
    # A push build started on each commit of the caller: the newest run is there, with no verdict (one attempt).
    assert all(rows[r]["last_run"] is not None and rows[r]["last_run"]["verdict"] is None for r in onboarded)

    log = request_log(sandbox)
    assert {r["method"] for r in log} == {"GET"}
    listing = [r for r in log if r["path"] == f"/orgs/{DEFAULT_ORG}/repos"]
    assert len(listing) == 1  # 22 repositories: one page of 100
    assert not [r for r in log if r["path"].startswith("/repos/") and r["path"].count("/") == 3]  # no GET /repos/{o}/{r}
    secret_reads = [r for r in log if "/actions/secrets/REGISTRY_PAT" in r["path"]]
    assert 1 <= len(secret_reads) <= 2, secret_reads  # the secret, and its repositories: once for the org, not per repo
    assert len(log) <= 4 * len(rows), len(log)

    secrets = [sandbox.token, env["PAT_FOR_LEAK_SCAN"]]
    assert leaks_in({"json": out, "stderr": err}, secrets) == []
    for kept in (tmp_path / "cache").rglob("*"):
        if kept.is_file():
            assert leaks_in({str(kept): kept.read_text()}, secrets) == []


@pytest.mark.slow
def test_a_second_status_reads_no_file_of_a_repo_nothing_was_pushed_to(sandbox, tmp_path: Path, virtual_time) -> None:
    names, env = onboard_fleet(sandbox, tmp_path, 5)
    finish_builds(sandbox)  # so that no run moves between the two statuses
    virtual_time.sleep(SETTLED)  # files read within SETTLED seconds of the last push are not kept
    first_code, first, _ = status(env, "--json")
    clear_request_log(sandbox)
    code, again, _ = status(env, "--json")
    assert (code, json.loads(again)) == (first_code, json.loads(first))
    log = request_log(sandbox)
    assert not [r for r in log if "/contents/" in r["path"]], [r["path"] for r in log]
    assert [r["status"] for r in log if r["path"] == f"/orgs/{DEFAULT_ORG}/repos"] == [304]
    assert {r["status"] for r in log if r["path"].endswith("/runs")} == {304}

    # A push moves pushed_at: that repository's files are read again, and its drift is seen.
    edited = f"{DEFAULT_ORG}/{names[2]}"
    hand_edit(sandbox, edited, "context: .", "context: ./src")
    clear_request_log(sandbox)
    code, third, _ = status(env, "--json")
    assert code == 1 and by_repo(json.loads(third))[edited]["drift"] == ["context"]
    read = {r["path"].split("/contents/")[0] for r in request_log(sandbox) if "/contents/" in r["path"]}
    assert read == {f"/repos/{edited}"}

    clear_request_log(sandbox)
    status(env, "--json", "--no-cache")
    assert len({r["path"] for r in request_log(sandbox) if "/contents/" in r["path"]}) > 2


@pytest.mark.slow
def test_a_repo_missing_from_a_selected_secrets_list_shows_in_coverage(sandbox, tmp_path: Path) -> None:
    names, env = onboard_fleet(sandbox, tmp_path, 3)
    state = live_state(sandbox)
    ids = {r["full_name"]: r["id"] for r in state["repos"]}
    dropped = f"{DEFAULT_ORG}/{names[1]}"
    keep = [ids[f"{DEFAULT_ORG}/{n}"] for n in names if f"{DEFAULT_ORG}/{n}" != dropped]
    api(
        sandbox, "PUT", f"/orgs/{DEFAULT_ORG}/actions/secrets/REGISTRY_PAT/repositories", body={"selected_repository_ids": keep}
    ).raise_for_status()

    code, out, _ = status(env, "--json", "--exclude", f"{DEFAULT_ORG}/example-*")
    assert code == 1
    report = json.loads(out)
    [coverage] = [c for c in report["coverage"] if c["name"] == "REGISTRY_PAT"]
    assert coverage["missing"] == [dropped] and coverage["readers"] == 3
    rows = by_repo(report)
    assert set(rows) == {f"{DEFAULT_ORG}/{n}" for n in names}  # both patterns left the others out
    assert rows[dropped]["state"] == "onboarded" and rows[dropped]["unreadable"] == ["REGISTRY_PAT"] and not rows[dropped]["healthy"]
    assert {(r["repo"], r["why"]) for r in report["left_out"]} == {
        (f"{DEFAULT_ORG}/.github", "org-meta"),
        (f"{DEFAULT_ORG}/example-node-api", "excluded"),
    }

    code, plain, _ = status(env, "--exclude", "example-*")
    assert code == 1
    assert f"not selected, so their builds cannot read it: {dropped}" in plain
    assert f"{dropped}" in plain and "cannot read REGISTRY_PAT" in plain
    assert (
        "3 repositories of BrikByte-Studios: 3 onboarded" in plain
        and "left out: the org's .github repository, 1 excluded by --exclude" in plain
    )
    assert leaks_in({"json": out, "plain": plain}, [sandbox.token, env["PAT_FOR_LEAK_SCAN"]]) == []


@pytest.mark.slow
def test_topics_select_and_archived_repos_and_forks_are_left_out_and_said(sandbox, tmp_path: Path) -> None:
    names, env = onboard_fleet(sandbox, tmp_path, 3)
    st = sandbox.state
    for name in names[:2]:
        repo = st.find_repo(DEFAULT_ORG, name)
        assert repo is not None
        repo.topics = ["payments"]
    st.find_repo(DEFAULT_ORG, names[1]).archived = True  # type: ignore[union-attr]
    code, out, _ = status(env, "--json", "--topic", "payments")
    report = json.loads(out)
    assert code == 0, out  # the one selected repository is onboarded and healthy
    assert [r["repo"] for r in report["repos"]] == [f"{DEFAULT_ORG}/{names[0]}"]
    assert {(r["repo"], r["why"]) for r in report["left_out"]} >= {
        (f"{DEFAULT_ORG}/{names[1]}", "archived"),
        (f"{DEFAULT_ORG}/{names[2]}", "topic"),
    }


def test_status_org_refuses_what_cannot_be_with_one_line(tmp_path: Path) -> None:
    env = {"GH_TOKEN": fake_token(), "XDG_CACHE_HOME": str(tmp_path)}
    for args, said in (
        (("status", "--org", DEFAULT_ORG, "--repo", f"{DEFAULT_ORG}/x"), "--repo and --org both given"),
        (("status", "--topic", "node"), "add --org ORG"),
        (("status", "--org", "not an org"), "is not an organisation name"),
        (("status", "--repo", f"{DEFAULT_ORG}/x", "--no-cache"), "--no-cache is for `status --org`"),
    ):
        done = run_brik(*args, env=env)
        assert done.returncode == 2, (args, done.stderr)
        assert said in done.stderr and "Traceback" not in done.stderr


def test_both_faces_show_every_state_and_print_what_github_holds_as_text() -> None:
    """The table (rich, on a terminal) and the plain lines, from a picture made by hand: a drift key or reason that
    looks like rich markup is printed as it is, never styled."""
    import io

    from rich.console import Console

    from wizard.commands import status_org_cmd
    from wizard.core.kaniko.verdict import Reason, ReasonCode, Verdict
    from wizard.core.plan import Plan
    from wizard.engine.status import RunStatus, SecretStatus, StatusReport, WorkflowState, WorkflowStatus
    from wizard.engine.status_org import Coverage, OrgStatus, RepoRow

    def report(
        name: str, state: WorkflowState, drift: tuple[str, ...] = (), verdict: Verdict | None = None, *, recorded: bool = True
    ) -> StatusReport:
        run = RunStatus(7, "completed", "success", "https://example.invalid/run/7", verdict)
        secret = SecretStatus("REGISTRY_PAT", "org", True, "selected", name != "acme/b")
        return StatusReport(name, "main", Plan() if recorded else None, WorkflowStatus(CALLER, state, drift), (secret,), None, run)

    failed = Verdict(False, [Reason(ReasonCode.MISSES_ON_ATTEMPT_2, "attempt 2 rebuilt [bold]RUN make[/bold]")])
    rows = (
        RepoRow("acme/a", "onboarded", report("acme/a", WorkflowState.CURRENT, verdict=Verdict(True, hits=4))),
        RepoRow("acme/b", "drifted", report("acme/b", WorkflowState.DRIFTED, ("[red]tags",), failed)),
        RepoRow("acme/c", "missing", report("acme/c", WorkflowState.MISSING, recorded=False)),
        RepoRow("acme/d", "unreadable", None, "reading acme/d refused (403)"),
    )
    picture = OrgStatus(
        "acme",
        rows,
        (("acme/old", "archived"),),
        (Coverage("secret", "REGISTRY_PAT", True, "selected", ("acme/a", "acme/b"), ("acme/b",)),),
    )
    plain = status_org_cmd._plain(picture)
    assert "acme/a  onboarded   run 7: success, cache passed (4 hits)" in plain
    assert (
        "caller differs: [red]tags; cannot read REGISTRY_PAT  run 7: success, cache FAILED: attempt 2 rebuilt [bold]RUN make[/bold]"
        in plain
    )
    assert "acme/d  unreadable  reading acme/d refused (403)" in plain
    assert "not selected, so their builds cannot read it: acme/b" in plain
    assert "4 repositories of acme: 1 onboarded, 1 drifted, 1 missing, 1 unreadable" in plain and "left out: 1 archived" in plain

    screen = io.StringIO()
    console = Console(file=screen, width=200, force_terminal=False)
    status_org_cmd._table(picture, console)
    shown = screen.getvalue()
    assert "[red]tags" in shown and "[bold]RUN make[/bold]" in shown and "│ acme/b" in shown and "left out: 1 archived" in shown
