"""Workflows, dispatch, runs, attempts, jobs and logs as the Actions API shows them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
import requests

from tests.sandbox_client import CALLER_WORKFLOW, REPO, Client
from wizard.sandbox.state import utcnow

R = f"/repos/{REPO}"
W = f"{R}/actions/workflows"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ")
INPUTS_CALLER = CALLER_WORKFLOW.replace(
    "        default: hello\n",
    "        default: hello\n      level:\n        required: true\n        type: choice\n        options: [info, debug]\n",
)


@pytest.fixture
def admin(sandbox) -> Client:
    client = Client(sandbox.base_url, sandbox.token)
    client.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, expect=201)
    return client


def test_workflows_come_from_the_default_branch(admin) -> None:
    main = admin.get(f"{R}/git/ref/heads/main", expect=200).json()["object"]["sha"]
    admin.call("POST", f"{R}/git/refs", {"ref": "refs/heads/topic", "sha": main}, expect=201)
    admin.put_file(REPO, ".github/workflows/only-on-topic.yml", "name: t\non: workflow_dispatch\njobs: {}\n", branch="topic", expect=201)
    listed = admin.get(W, expect=200).json()
    assert [w["path"] for w in listed["workflows"]] == [".github/workflows/build-image.yml"]
    by_name = admin.get(f"{W}/build-image.yml", expect=200).json()
    assert admin.get(f"{W}/{by_name['id']}", expect=200).json() == by_name
    assert by_name["name"] == "build-image" and by_name["state"] == "active"
    admin.call("POST", f"{W}/only-on-topic.yml/dispatches", {"ref": "topic"}, expect=404)


def test_dispatch_answers_204_or_run_details(admin, sandbox) -> None:
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main"}, expect=204)
    details = admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "return_run_details": True}, expect=200).json()
    assert set(details) == {"workflow_run_id", "run_url", "html_url"}
    assert details["run_url"] == f"{sandbox.base_url}{R}/actions/runs/{details['workflow_run_id']}"
    run = admin.get(details["run_url"].removeprefix(sandbox.base_url), expect=200).json()
    assert (run["event"], run["head_branch"], run["run_attempt"]) == ("workflow_dispatch", "main", 1)
    sandbox.state.legacy_dispatch_400 = True  # like an older GitHub Enterprise Server
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "return_run_details": True}, expect=400)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main"}, expect=204)


def test_dispatch_refusals(admin) -> None:
    admin.put_file(REPO, ".github/workflows/push-only.yml", "name: p\non: push\njobs: {}\n", expect=201)
    no_trigger = admin.call("POST", f"{W}/push-only.yml/dispatches", {"ref": "main"}, expect=422).json()
    assert no_trigger["message"] == "Workflow does not have 'workflow_dispatch' trigger"
    admin.put_file(REPO, ".github/workflows/build-image.yml", INPUTS_CALLER, expect=200)
    missing = admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main"}, expect=422).json()
    assert missing["message"] == "Required input 'level' not provided"
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "inputs": {"level": "loud"}}, expect=422)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "inputs": {"level": "info", "x": "1"}}, expect=422)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "nope", "inputs": {"level": "info"}}, expect=422)
    admin.call("POST", f"{W}/build-image.yml/dispatches", {"ref": "main", "inputs": {"level": "info"}}, expect=204)


def _dispatched_on_a_held_clock(sandbox) -> tuple[datetime, Client, int]:
    """The sandbox's clock held at now; the caller workflow committed and dispatched: (now, the admin client, run id)."""
    start = utcnow()
    sandbox.state.clock = lambda: start
    admin = Client(sandbox.base_url, sandbox.token)
    admin.put_file(REPO, ".github/workflows/build-image.yml", CALLER_WORKFLOW, expect=201)
    return start, admin, admin.dispatch(REPO, "build-image.yml")


def test_status_moves_from_queued_to_in_progress_to_completed_with_time() -> None:
    from wizard.sandbox import Sandbox

    with Sandbox(time_factor=1.0) as sandbox:  # real time, on a clock the test moves
        start, admin, run_id = _dispatched_on_a_held_clock(sandbox)
        run = admin.get(f"{R}/actions/runs/{run_id}", expect=200).json()
        assert (run["status"], run["conclusion"]) == ("queued", None)
        job = sandbox.state.find_run(sandbox.state.find_repo(*REPO.split("/")), run_id).latest.jobs[0]
        sandbox.state.clock = lambda: start + timedelta(seconds=job.queue_s + job.duration_s / 2)
        run = admin.get(f"{R}/actions/runs/{run_id}", expect=200).json()
        assert (run["status"], run["conclusion"]) == ("in_progress", None)
        jobs = admin.jobs(REPO, run_id)
        assert jobs[0]["status"] == "in_progress" and jobs[0]["completed_at"] is None
        assert {s["status"] for s in jobs[0]["steps"]} >= {"completed", "queued"}
        # GitHub writes a job's log when the job completes: until then the redirect leads to a missing blob.
        redirect = admin.get(f"{R}/actions/jobs/{jobs[0]['id']}/logs", expect=302)
        missing = requests.get(redirect.headers["Location"], timeout=30)
        assert missing.status_code == 404 and "<Code>BlobNotFound</Code>" in missing.text
        assert job.log_text[:40] not in missing.text
        sandbox.state.clock = lambda: start + timedelta(seconds=job.queue_s + job.duration_s + 1)
        run = admin.get(f"{R}/actions/runs/{run_id}", expect=200).json()
        assert (run["status"], run["conclusion"]) == ("completed", "success")
        assert admin.job_log(REPO, jobs[0]["id"]) == job.log_text


def test_an_attempt_changes_with_its_jobs_and_the_job_list_with_its_steps() -> None:
    """What a poller gets back, as GitHub answers it (the recorded exchanges tests/replay_data.py reads): runs and
    attempts carry a weak ETag and no Last-Modified, so If-Modified-Since is no validator there; an attempt's body
    moves when a job is queued, starts or ends, the job list with every step; a run and its attempt differ (their
    jobs_url), so one's ETag never matches the other."""
    from email.utils import format_datetime

    from wizard.sandbox import Sandbox

    with Sandbox(time_factor=1.0) as sandbox:  # real time, on a clock the test moves
        start, admin, run_id = _dispatched_on_a_held_clock(sandbox)
        job = sandbox.state.find_run(sandbox.state.find_repo(*REPO.split("/")), run_id).latest.jobs[0]
        attempt, jobs = f"{R}/actions/runs/{run_id}/attempts/1", f"{R}/actions/runs/{run_id}/attempts/1/jobs"

        def at(seconds: float) -> None:
            sandbox.state.clock = lambda: start + timedelta(seconds=seconds)

        def etag(path: str, tag: str | None = None, expect: int = 200) -> str:
            answer = admin.get(path, headers={"If-None-Match": tag} if tag else {}, expect=expect)
            assert "Last-Modified" not in answer.headers
            return answer.headers["ETag"]

        queued = etag(attempt)
        assert queued.startswith('W/"') and etag(f"{R}/actions/runs/{run_id}") != queued
        later = format_datetime(start + timedelta(hours=1), usegmt=True)
        admin.get(attempt, headers={"If-Modified-Since": later}, expect=200)
        etag(attempt, queued, expect=304)
        first, last = job.steps[1], job.steps[-2]  # two moments inside the job, different steps running
        at(job.queue_s + first.offset_s + first.duration_s / 2)
        running, steps = etag(attempt, queued), etag(jobs)
        assert running != queued
        at(job.queue_s + last.offset_s + last.duration_s / 2)
        etag(attempt, running, expect=304)  # steps moved, the attempt did not
        assert etag(jobs, steps) != steps
        at(job.queue_s + job.duration_s + 1)
        assert etag(attempt, running) != running  # completed


def test_cancel_and_rerun(sandbox, admin) -> None:
    running_clock = sandbox.state.clock
    started = sandbox.state.clock()
    sandbox.state.clock = lambda: started  # the run stays in progress however slowly this machine answers
    run_id = admin.dispatch(REPO, "build-image.yml")
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", expect=403)  # not finished yet
    admin.call("POST", f"{R}/actions/runs/{run_id}/cancel", expect=202)
    sandbox.state.clock = running_clock
    cancelled = admin.wait_run(REPO, run_id)
    assert cancelled["conclusion"] == "cancelled"
    admin.call("POST", f"{R}/actions/runs/{run_id}/cancel", expect=409)
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun", expect=201)
    second = admin.wait_run(REPO, run_id)
    assert (second["id"], second["run_attempt"], second["conclusion"]) == (run_id, 2, "success")
    assert second["previous_attempt_url"].endswith(f"/actions/runs/{run_id}/attempts/1")
    first = admin.get(f"{R}/actions/runs/{run_id}/attempts/1", expect=200).json()
    assert (first["run_attempt"], first["conclusion"], first["previous_attempt_url"]) == (1, "cancelled", None)
    assert first["jobs_url"].endswith(f"/runs/{run_id}/attempts/1/jobs")
    admin.get(f"{R}/actions/runs/{run_id}/attempts/3", expect=404)
    latest = admin.get(f"{R}/actions/runs/{run_id}/jobs", expect=200).json()
    every = admin.get(f"{R}/actions/runs/{run_id}/jobs?filter=all", expect=200).json()
    assert (latest["total_count"], every["total_count"]) == (1, 2)
    assert {j["run_attempt"] for j in every["jobs"]} == {1, 2}


def test_run_list_filters(admin) -> None:
    push_runs = admin.get(f"{R}/actions/runs?event=push", expect=200).json()
    assert push_runs["total_count"] == 1  # committing the caller to main ran it
    dispatched = admin.dispatch(REPO, "build-image.yml")
    admin.wait_run(REPO, dispatched)
    head = push_runs["workflow_runs"][0]["head_sha"]
    assert admin.get(f"{R}/actions/runs?head_sha={head}", expect=200).json()["total_count"] == 2
    assert admin.get(f"{R}/actions/runs?branch=main&event=workflow_dispatch", expect=200).json()["total_count"] == 1
    assert admin.get(f"{R}/actions/runs?branch=topic", expect=200).json()["total_count"] == 0
    assert admin.get(f"{R}/actions/runs?status=success&event=workflow_dispatch", expect=200).json()["total_count"] == 1
    today = date.today()
    assert admin.get(f"{R}/actions/runs?created=>={today - timedelta(days=1)}", expect=200).json()["total_count"] == 2
    assert admin.get(f"{R}/actions/runs?created=<{today - timedelta(days=1)}", expect=200).json()["total_count"] == 0
    page = admin.get(f"{R}/actions/runs?per_page=1", expect=200)
    assert len(page.json()["workflow_runs"]) == 1 and 'rel="next"' in page.headers["Link"]
    newest = page.json()["workflow_runs"][0]
    assert newest["id"] == dispatched and newest["referenced_workflows"][0]["path"].endswith("ci-build-kaniko.yml@main")


def test_job_log_redirects_to_a_plain_text_url_that_needs_no_token(admin, sandbox) -> None:
    run_id = admin.dispatch(REPO, "build-image.yml")
    admin.wait_run(REPO, run_id)
    job = admin.jobs(REPO, run_id)[0]
    assert job["name"] == "build / Kaniko build"
    assert [s["number"] for s in job["steps"]] == list(range(1, len(job["steps"]) + 1))
    redirect = admin.get(f"{R}/actions/jobs/{job['id']}/logs", expect=302)
    location = redirect.headers["Location"]
    assert location.startswith(sandbox.base_url + "/")
    text = requests.get(location, timeout=30)  # no Authorization header, like GitHub's signed URL
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    lines = text.text.splitlines()
    assert lines and all(STAMP.match(line) for line in lines)


def test_run_and_attempt_logs_are_zips_of_job_and_step_files(admin) -> None:
    run_id = admin.dispatch(REPO, "build-image.yml")
    admin.wait_run(REPO, run_id)
    for path in (f"{R}/actions/runs/{run_id}/logs", f"{R}/actions/runs/{run_id}/attempts/1/logs"):
        location = admin.get(path, expect=302).headers["Location"]
        archive = zipfile.ZipFile(io.BytesIO(requests.get(location, timeout=30).content))
        names = archive.namelist()
        assert "0_build  Kaniko build.txt" in names  # GitHub drops the '/' of "build / Kaniko build"
        assert "build  Kaniko build/1_Set up job.txt" in names
        job_log = admin.job_log(REPO, admin.jobs(REPO, run_id)[0]["id"])
        assert archive.read("0_build  Kaniko build.txt").decode() == job_log
        step_text = archive.read("build  Kaniko build/1_Set up job.txt").decode()
        assert step_text and step_text in job_log


def test_workflow_without_the_reusable_job_gets_a_trivial_successful_job(admin) -> None:
    admin.put_file(
        REPO,
        ".github/workflows/lint.yml",
        "name: lint\non: workflow_dispatch\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n",
        expect=201,
    )
    run_id = admin.dispatch(REPO, "lint.yml")
    run = admin.wait_run(REPO, run_id)
    assert run["conclusion"] == "success"
    assert [j["name"] for j in admin.jobs(REPO, run_id)] == ["lint"]


def test_rerun_failed_jobs_copies_the_jobs_that_succeeded(admin) -> None:
    broken = CALLER_WORKFLOW.replace("ghcr.io/brikbyte-studios/example-node-api", "ghcr.io/Upper/Case") + (
        "  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n"
    )
    admin.put_file(REPO, ".github/workflows/build-image.yml", broken, expect=200)
    run_id = admin.dispatch(REPO, "build-image.yml")
    assert admin.wait_run(REPO, run_id)["conclusion"] == "failure"
    first = {j["name"]: j for j in admin.jobs(REPO, run_id, 1)}
    assert {n: j["conclusion"] for n, j in first.items()} == {"build / Kaniko build": "failure", "lint": "success"}
    admin.call("POST", f"{R}/actions/runs/{run_id}/rerun-failed-jobs", expect=201)
    admin.wait_run(REPO, run_id, 2)
    second = {j["name"]: j for j in admin.jobs(REPO, run_id, 2)}
    assert set(second) == set(first) and second["lint"]["id"] != first["lint"]["id"]
    assert admin.job_log(REPO, second["lint"]["id"]) == admin.job_log(REPO, first["lint"]["id"])  # copied
    assert second["build / Kaniko build"]["conclusion"] == "failure"  # re-run, and still refused
