"""The sandbox's html_url values and the run pages they lead to.

GitHub's attempt object (GET .../runs/{id}/attempts/{n}, recorded in /work/shared replay WorkflowRun.testGetAttempt)
carries the RUN's html_url, not one per attempt; the sandbox answers the same shape, on its own host (as GitHub
Enterprise Server links to its own). The page at that URL is read-only HTML, escaped, for loopback browsers.
"""

from __future__ import annotations

import requests

from tests.sandbox_client import CALLER_WORKFLOW, REPO, Client

R = f"/repos/{REPO}"
HOSTILE = "<script>alert(1)</script>"


def test_attempt_objects_carry_the_runs_html_url_on_the_sandbox_host(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    admin.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, expect=201)
    run_id = admin.dispatch(REPO, "build-image.yml")
    admin.wait_run(REPO, run_id)
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", expect=201)
    admin.wait_run(REPO, run_id, attempt=2)
    run_page = f"{sandbox.base_url}/{REPO}/actions/runs/{run_id}"
    run = admin.get(f"{R}/actions/runs/{run_id}", expect=200).json()
    first = admin.get(f"{R}/actions/runs/{run_id}/attempts/1", expect=200).json()
    second = admin.get(f"{R}/actions/runs/{run_id}/attempts/2", expect=200).json()
    assert run["html_url"] == first["html_url"] == second["html_url"] == run_page  # as GitHub: the run's page
    assert (first["run_attempt"], second["run_attempt"]) == (1, 2)
    assert first["jobs_url"].endswith("/attempts/1/jobs") and second["previous_attempt_url"].endswith("/attempts/1")
    job = admin.jobs(REPO, run_id, attempt=2)[0]
    assert job["html_url"] == f"{run_page}/job/{job['id']}"


def test_the_run_page_is_escaped_read_only_html_without_a_token(sandbox) -> None:
    admin = Client(sandbox.base_url, sandbox.token)
    hostile = CALLER_WORKFLOW.replace("name: build-image", f'name: "{HOSTILE}"', 1)
    assert hostile != CALLER_WORKFLOW
    admin.put_file(REPO, ".github/workflows/build-image.yml", hostile, expect=201)
    run_id = admin.dispatch(REPO, "build-image.yml")
    admin.wait_run(REPO, run_id)
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", expect=201)
    admin.wait_run(REPO, run_id, attempt=2)
    page = f"{sandbox.base_url}/{REPO}/actions/runs/{run_id}"
    for url, attempt in ((page, 2), (f"{page}/attempts/1", 1), (f"{page}/attempts/2", 2)):
        answer = requests.get(url, timeout=30)  # a browser: no Authorization header
        assert answer.status_code == 200, (url, answer.text)
        assert answer.headers["Content-Type"].startswith("text/html")
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        html = answer.text
        assert f"run {run_id} · attempt {attempt}" in html
        assert "status: <b>completed</b>" in html and "conclusion: <b>success</b>" in html
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<pre>" in html and "kaniko" in html.lower()  # the job's log, as far as it ran
    assert requests.get(f"{page}/attempts/3", timeout=30).status_code == 404
    assert requests.get(f"{sandbox.base_url}/{REPO}/actions/runs/999", timeout=30).status_code == 404
    # the API next to it still needs a token, and the control area its own
    assert requests.get(f"{sandbox.base_url}{R}/actions/runs/{run_id}", timeout=30).status_code == 401
    assert requests.get(f"{sandbox.base_url}/_sandbox/state", timeout=30).status_code == 401
    assert requests.post(page, timeout=30).status_code in (401, 404)  # read-only: nothing but GET
