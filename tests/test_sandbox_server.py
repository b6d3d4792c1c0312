"""The sandbox as an HTTP server: auth, scope headers, rate limits, ETags, URLs, the /_sandbox area,
seed files and `serve`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests

from tests.sandbox_client import ORG, REPO, Client


def test_missing_and_unknown_tokens_get_401(sandbox) -> None:
    assert Client(sandbox.base_url, None).get("/user", expect=401).json()["message"] == "Requires authentication"
    fake = "ghp_" + "f" * 36
    assert Client(sandbox.base_url, fake).get("/user", expect=401).json()["message"] == "Bad credentials"


def test_bearer_scheme_is_accepted_like_token(sandbox) -> None:
    answer = requests.get(f"{sandbox.base_url}/user", headers={"Authorization": f"Bearer {sandbox.token}"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["login"] == "octo-admin"


def test_classic_tokens_advertise_scopes_and_fine_grained_do_not(sandbox) -> None:
    classic = Client(sandbox.base_url, sandbox.token).get(f"/repos/{REPO}", expect=200)
    assert classic.headers["X-OAuth-Scopes"] == "admin:org, read:org, repo, workflow"
    assert classic.headers["X-Accepted-OAuth-Scopes"] == "repo"
    fine = Client(sandbox.base_url, sandbox.add_token(["repo"], fine_grained=True)).get(f"/repos/{REPO}", expect=200)
    assert "X-OAuth-Scopes" not in fine.headers


def test_rate_limit_headers_count_requests_but_not_304s_nor_rate_limit(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    first = client.get(f"/repos/{REPO}", expect=200)
    assert first.headers["X-RateLimit-Limit"] == "5000"
    assert first.headers["X-RateLimit-Resource"] == "core"
    used = int(first.headers["X-RateLimit-Used"])
    assert int(first.headers["X-RateLimit-Remaining"]) == 5000 - used
    again = client.get(f"/repos/{REPO}", headers={"If-None-Match": first.headers["ETag"]}, expect=304)
    assert again.content == b""
    assert int(again.headers["X-RateLimit-Used"]) == used  # a 304 is free
    assert client.get("/rate_limit", expect=200).json()["resources"]["core"]["used"] == used
    assert int(client.get(f"/repos/{REPO}", expect=200).headers["X-RateLimit-Used"]) == used + 1


def test_etag_changes_with_the_resource(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    tag = client.get(f"/repos/{REPO}/contents/README.md", expect=200).headers["ETag"]
    assert tag.startswith('W/"')
    client.put_file(REPO, "README.md", "# changed\n", expect=200)
    client.get(f"/repos/{REPO}/contents/README.md", headers={"If-None-Match": tag}, expect=200)


def test_exhausted_primary_limit_answers_403_with_zero_remaining(sandbox) -> None:
    sandbox.state.rate_limit = 2
    client = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    client.get("/user", expect=200)
    client.get("/user", expect=200)
    refused = client.get("/user", expect=403)
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.json()["message"].startswith("API rate limit exceeded")


def test_content_creation_limit_answers_403_with_retry_after(sandbox) -> None:
    sandbox.state.content_limit_per_minute = 3
    client = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    for n in range(3):
        client.call("POST", f"/repos/{REPO}/actions/variables", {"name": f"V{n}", "value": "x"}, expect=201)
    refused = client.call("POST", f"/repos/{REPO}/actions/variables", {"name": "V9", "value": "x"}, expect=403)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "secondary rate limit" in refused.json()["message"]
    client.get(f"/repos/{REPO}/actions/variables", expect=200)  # reads are not content creation
    other = Client(sandbox.base_url, sandbox.add_token(["repo"]))
    other.call("POST", f"/repos/{REPO}/actions/variables", {"name": "V3", "value": "x"}, expect=201)  # per token


def test_absolute_urls_and_html_urls_follow_the_host_header(sandbox) -> None:
    port = sandbox.base_url.rsplit(":", 1)[1]
    answer = requests.get(
        f"{sandbox.base_url}/repos/{REPO}", timeout=30, headers={"Authorization": f"token {sandbox.token}", "Host": f"localhost:{port}"}
    ).json()
    assert answer["url"] == f"http://localhost:{port}/repos/{REPO}"
    assert answer["owner"]["url"] == f"http://localhost:{port}/users/{ORG}"
    # web links point at the sandbox itself, as GitHub Enterprise Server's point at its own host
    assert answer["html_url"] == f"http://localhost:{port}/{REPO}"


def test_logins_and_repo_names_resolve_case_insensitively(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    assert client.get("/orgs/brikbyte-studios", expect=200).json()["login"] == ORG
    assert client.get("/repos/BRIKBYTE-STUDIOS/Example-Node-API", expect=200).json()["full_name"] == REPO


def test_sandbox_area_serves_state_and_request_log_with_the_sandbox_token(sandbox) -> None:
    client = Client(sandbox.base_url, sandbox.token)
    client.put_secret(f"/repos/{REPO}/actions", "DEPLOY_KEY", "top-secret-value", expect=201)
    state_text = requests.get(f"{sandbox.base_url}/_sandbox/state", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).text
    assert "top-secret-value" not in state_text
    state = json.loads(state_text)
    assert {r["full_name"] for r in state["repos"]} >= {REPO, f"{ORG}/.github"}
    assert "packages" in state["registry"]
    log = requests.get(f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json()
    assert {"method": "PUT", "path": f"/repos/{REPO}/actions/secrets/DEPLOY_KEY", "query": "", "status": 201} in log
    assert not any(entry["path"].startswith("/_sandbox/state") for entry in log)
    requests.delete(f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30)
    assert (
        requests.get(f"{sandbox.base_url}/_sandbox/requests", headers={"Authorization": f"token {sandbox.token}"}, timeout=30).json() == []
    )


def test_sandbox_area_refuses_non_loopback_clients(sandbox) -> None:
    client = sandbox.app.test_client()
    auth = {"Authorization": f"token {sandbox.token}"}
    assert client.get("/_sandbox/state", headers=auth, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    assert client.get("/_sandbox/state", headers=auth, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


@pytest.mark.parametrize("path", ["/_sandbox/state", "/_sandbox/requests", "/_sandbox/faults"])
def test_sandbox_area_needs_the_sandbox_token(sandbox, path: str) -> None:
    # Any local process (or a page in a browser) could otherwise read the state or inject faults.
    other = sandbox.add_token(["repo", "admin:org"], login="someone-else")
    for headers in ({}, {"Authorization": "token wrong"}, {"Authorization": f"token {other}"}):
        reply = requests.get(sandbox.base_url + path, headers=headers, timeout=30)
        assert reply.status_code == 401, (headers, reply.text)
        assert "sandbox token" in reply.json()["message"]
    added = requests.post(sandbox.base_url + "/_sandbox/faults", json={"path": "^/user$", "status": 503}, timeout=30)
    assert added.status_code == 401 and sandbox.faults.rules() == []


def test_a_request_for_another_host_name_is_refused(sandbox) -> None:
    # DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 still sends Host: evil.example.
    port = sandbox.base_url.rsplit(":", 1)[1]
    auth = {"Authorization": f"token {sandbox.token}"}
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
        reply = requests.get(sandbox.base_url + "/_sandbox/state", headers={**auth, "Host": host}, timeout=30)
        assert reply.status_code == 403, host
        assert requests.get(sandbox.base_url + f"/repos/{REPO}", headers={**auth, "Host": host}, timeout=30).status_code == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert requests.get(sandbox.base_url + "/_sandbox/state", headers={**auth, "Host": host}, timeout=30).status_code == 200


def test_a_body_over_the_limit_is_refused(sandbox) -> None:
    from wizard.sandbox.app import MAX_BODY_BYTES

    assert sandbox.app.config["MAX_CONTENT_LENGTH"] == MAX_BODY_BYTES == 100 * 1024 * 1024
    sandbox.app.config["MAX_CONTENT_LENGTH"] = 4096  # the same check, without sending 100 MB in a test
    headers = {"Authorization": f"token {sandbox.token}"}
    body = {"message": "big", "content": "A" * 8192}
    reply = requests.put(sandbox.base_url + f"/repos/{REPO}/contents/big.bin", json=body, headers=headers, timeout=30)
    assert reply.status_code == 413
    fault = requests.post(sandbox.base_url + "/_sandbox/faults", json={"path": "x" * 8192, "status": 503}, headers=headers, timeout=30)
    assert fault.status_code == 413


def test_seed_file_adds_orgs_repos_users_tokens_and_packages(tmp_path, monkeypatch) -> None:
    from wizard.sandbox import Sandbox

    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo hi\n")
    value = "ghp_" + os.urandom(18).hex()
    monkeypatch.setenv("SEED_TOKEN", value)
    seed = {
        "orgs": [{"login": "acme"}],
        "users": [{"login": "alice"}],
        "repos": [{"full_name": "acme/svc", "dir": "svc", "files": {"README.md": "hello\n"}}],
        "tokens": [
            {"login": "alice", "scopes": ["repo"], "value_env": "SEED_TOKEN"},
            {"login": "bob", "scopes": ["read:org"], "fine_grained": True},
        ],
        "packages": {"ghcr.io/acme/svc": {"linked_repos": ["acme/svc"]}},
    }
    path = tmp_path / "seed.yml"
    path.write_text(json.dumps(seed))  # JSON is YAML too
    with Sandbox(seed_file=path) as sandbox:
        alice = Client(sandbox.base_url, value)
        assert alice.get("/user", expect=200).json()["login"] == "alice"
        assert alice.get("/repos/acme/svc/contents/Dockerfile", expect=200).json()["name"] == "Dockerfile"
        assert alice.get("/repos/acme/svc/contents/README.md", expect=200).json()["size"] == 6
        bob = Client(sandbox.base_url, sandbox.seeded_tokens["bob"])
        assert "X-OAuth-Scopes" not in bob.get("/user", expect=200).headers
        assert "ghcr.io/acme/svc" in sandbox.snapshot()["registry"]["packages"]


@pytest.mark.slow
def test_serve_prints_url_and_token_then_serves_until_interrupted(tmp_path) -> None:
    token = "ghp_" + os.urandom(18).hex()
    code = f"import sys; from wizard.sandbox.server import serve; serve(None, {token!r}, ['repo'], None, 0.01)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        url_line = process.stdout.readline()
        token_line = process.stdout.readline()
        assert url_line.startswith("GitHub sandbox API: http://127.0.0.1:")
        assert token_line.strip() == f"token: {token}"
        base_url = url_line.split(": ", 1)[1].strip()
        answer = Client(base_url, token).get("/user", expect=200)
        assert answer.headers["X-OAuth-Scopes"] == "repo"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
