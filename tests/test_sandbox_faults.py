"""Fault injection: each kind fires as configured, only on matching requests, and stops after its count."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
import requests
from github import Auth, Github
from github.GithubRetry import GithubRetry

from tests.sandbox_client import REPO, Client


def _statuses(client: Client, n: int, path: str = "/user") -> list[int]:
    return [client.get(path).status_code for _ in range(n)]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_error_status_fires_count_times_then_stops(sandbox, status: int) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    sandbox.faults.add("GET", r"^/user$", status=status, count=2)
    assert _statuses(client, 3) == [status, status, 200]
    assert client.get(f"/repos/{REPO}").status_code == 200


@pytest.mark.parametrize("status", [429, 403])
def test_rate_limit_faults_carry_retry_after_and_githubs_message(sandbox, status: int) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    sandbox.faults.add("POST", r"/actions/variables$", status=status, retry_after=7, count=1)
    limited = client.call("POST", f"/repos/{REPO}/actions/variables", {"name": "A", "value": "1"})
    assert limited.status_code == status and limited.headers["Retry-After"] == "7"
    assert "secondary rate limit" in limited.json()["message"]
    client.call("POST", f"/repos/{REPO}/actions/variables", {"name": "A", "value": "1"}, expect=201)


def test_reset_closes_the_connection_abruptly_then_stops(sandbox) -> None:
    sandbox.faults.add("GET", r"^/user$", reset=True, count=1)
    host = urllib.parse.urlsplit(sandbox.base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        connection.request("GET", "/user", headers={"Authorization": f"token {sandbox.token}"})
        connection.getresponse()
    connection.close()
    assert Client(sandbox.base_url, sandbox.token).get("/user").status_code == 200
    log = requests.get(f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()
    assert log[0] == {"method": "GET", "path": "/user", "query": "", "status": 0, "fault": "reset"}


def test_delay_holds_the_answer_then_stops(sandbox) -> None:
    sandbox.faults.add("GET", r"^/user$", delay=3.0, count=1)
    with pytest.raises(requests.ReadTimeout):  # the answer comes, just later than this client waits
        requests.get(f"{sandbox.base_url}/user", headers={"Authorization": f"token {sandbox.token}"}, timeout=0.3)
    assert Client(sandbox.base_url, sandbox.token).get("/user").status_code == 200


def test_rules_match_method_and_path(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    rule = sandbox.faults.add("POST", r"/dispatches$", status=502, count=None)
    assert _statuses(client, 2) == [200, 200]
    assert rule.fired == 0 and sandbox.faults.rules() == [rule]
    sandbox.faults.clear()
    assert sandbox.faults.rules() == []


def test_faults_over_http_from_loopback(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    added = requests.post(
        f"{sandbox.base_url}/_sandbox/faults",
        json={"path": "^/user$", "status": 503, "count": 1},
        headers={"Authorization": f"token {sandbox.token}"},
        timeout=30,
    )
    assert added.status_code == 201 and added.json()["method"] == "*"
    assert (
        requests.get(f"{sandbox.base_url}/_sandbox/faults", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()[0]["id"]
        == added.json()["id"]
    )
    assert _statuses(client, 2) == [503, 200]
    bad = requests.post(
        f"{sandbox.base_url}/_sandbox/faults",
        json={"path": "x", "status": 418},
        headers={"Authorization": f"token {sandbox.token}"},
        timeout=30,
    )
    assert bad.status_code == 422
    requests.post(
        f"{sandbox.base_url}/_sandbox/faults",
        json={"path": "^/user$", "status": 500, "count": 5},
        headers={"Authorization": f"token {sandbox.token}"},
        timeout=30,
    )
    assert (
        requests.delete(f"{sandbox.base_url}/_sandbox/faults", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).status_code
        == 204
    )
    assert client.get("/user").status_code == 200


def test_invalid_rules_are_refused() -> None:
    from wizard.sandbox.faults import Faults

    faults = Faults()
    for kwargs in ({}, {"status": 404}, {"status": 500, "retry_after": 3}, {"status": 500, "reset": True}, {"status": 500, "count": 0}):
        with pytest.raises(ValueError):
            faults.add("GET", ".*", **kwargs)


def test_pygithub_retries_through_a_transient_503(sandbox) -> None:
    """A 503 looks like GitHub's to a real client: PyGithub's retry policy retries it."""
    sandbox.faults.add("GET", r"^/repos/[^/]+/[^/]+$", status=503, count=1)
    gh = Github(
        base_url=sandbox.base_url,
        auth=Auth.Token(sandbox.token),
        seconds_between_requests=0,
        seconds_between_writes=0,
        retry=GithubRetry(total=2, backoff_factor=0),
    )
    assert gh.get_repo(REPO).name == "example-node-api"
    statuses = [
        e["status"]
        for e in requests.get(
            f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30
        ).json()
        if e["path"] == f"/repos/{REPO}"
    ]
    assert statuses == [503, 200]


def test_log_downloads_can_fail_too_but_the_control_area_never_does(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    client.put_file(
        REPO, ".github/workflows/lint.yml", "name: lint\non: workflow_dispatch\njobs:\n  lint:\n    runs-on: ubuntu-latest\n", expect=201
    )
    run_id = client.dispatch(REPO, "lint.yml")
    client.wait_run(REPO, run_id)
    location = client.get(f"/repos/{REPO}/actions/jobs/{client.jobs(REPO, run_id)[0]['id']}/logs", expect=302).headers["Location"]
    sandbox.faults.add("GET", r"^/_sandbox/blobs/", status=503, count=1)
    assert [requests.get(location, timeout=30).status_code for _ in range(2)] == [503, 200]
    sandbox.faults.add("*", ".*", status=500, count=None)
    assert (
        requests.get(f"{sandbox.base_url}/_sandbox/state", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).status_code
        == 200
    )
    assert (
        requests.delete(f"{sandbox.base_url}/_sandbox/faults", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).status_code
        == 204
    )
    assert client.get("/user").status_code == 200
