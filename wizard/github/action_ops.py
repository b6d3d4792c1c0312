"""Workflows, dispatch, runs and attempts, re-runs, jobs and job logs.

Runs are polled with conditional requests (see `Api.poll`). A dispatch or a re-run whose answer was
lost is not sent again before looking whether GitHub started the run (or the attempt) anyway.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import TypeVar

import requests
import requests.adapters
from github.GithubException import GithubException
from github.GithubObject import NotSet
from github.PaginatedList import PaginatedList
from github.WorkflowJob import WorkflowJob
from urllib3 import Retry

from wizard.core.clock import CLOCK
from wizard.engine.port import DispatchUnsupported, JobInfo, RunInfo
from wizard.errors import GitHubRefused
from wizard.github import convert
from wizard.github.base import AdapterBase, repo_path
from wizard.github.retry import MISSING, TRANSPORT_ERRORS, Missing

T = TypeVar("T")

CLOCK_SKEW = timedelta(seconds=10)  # how far our clock may run ahead of GitHub's when matching a new run
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def download_session(retry: Retry) -> requests.Session:
    """A plain session for log downloads: never an Authorization header (not even from ~/.netrc)."""
    session = requests.Session()
    session.auth = _no_auth  # an auth that adds nothing also stops requests from reading ~/.netrc
    adapter = requests.adapters.HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class ActionOps(AdapterBase):
    _downloads: requests.Session  # plain session for log downloads: no Authorization, ever

    def workflow_id(self, full_name: str, path: str) -> int | None:
        name = PurePosixPath(path).name
        return self._read(
            f"looking up workflow {name} in {full_name}", lambda: self._repo(full_name).get_workflow(name).complete().id, not_found=None
        )

    # dispatch -----------------------------------------------------------------------------------------
    def dispatch(self, full_name: str, workflow_id: int, ref: str) -> int:
        action = f"starting workflow {workflow_id} of {full_name} on {ref}"
        url = f"{repo_path(full_name)}/actions/workflows/{int(workflow_id)}/dispatches"
        started = CLOCK.now()
        sent_at = [CLOCK.monotonic()]

        def send() -> int:
            sent_at[0] = CLOCK.monotonic()
            try:
                reply = self._api.request("POST", url, body={"ref": ref, "return_run_details": True})
            except GithubException as exc:
                if exc.status == 400:
                    raise DispatchUnsupported(f"{self.api_url} refused return_run_details (400)") from None
                raise
            run_id = reply.data.get("workflow_run_id") if isinstance(reply.data, dict) else None
            if run_id is not None:
                return int(run_id)
            # Started, but the server ignored the field (204): find the run rather than start another.
            found = self._new_dispatch_run(full_name, workflow_id, started)
            if isinstance(found, Missing):
                raise GitHubRefused(
                    f"{action}: the run was started but GitHub did not say which one",
                    "look at the Actions tab, then run `brik-onboard validate`",
                )
            return found

        return self._write(
            action, send, recheck=lambda: self._settled(lambda: self._new_dispatch_run(full_name, workflow_id, started), sent_at[0])
        )

    def dispatch_without_details(self, full_name: str, workflow_id: int, ref: str) -> None:
        url = f"{repo_path(full_name)}/actions/workflows/{int(workflow_id)}/dispatches"
        started = CLOCK.now()
        sent_at = [CLOCK.monotonic()]

        def look() -> None | Missing:
            found = self._new_dispatch_run(full_name, workflow_id, started)
            return MISSING if isinstance(found, Missing) else None

        def recheck() -> None | Missing:
            return self._settled(look, sent_at[0])

        def send() -> None:
            sent_at[0] = CLOCK.monotonic()
            self._api.request("POST", url, body={"ref": ref})

        self._write(f"starting workflow {workflow_id} of {full_name} on {ref}", send, recheck=recheck)

    def _new_dispatch_run(self, full_name: str, workflow_id: int, started: datetime) -> int | Missing:
        """The newest workflow_dispatch run created since `started`, waiting a little for it to show."""
        since = started.replace(microsecond=0) - CLOCK_SKEW
        deadline = CLOCK.monotonic() + self._dispatch_settle_s
        while True:
            runs = self.find_runs(full_name, workflow_id, event="workflow_dispatch", created_after=since)
            if runs:
                return max(runs, key=lambda r: (r.created_at or since, r.id)).id
            if CLOCK.monotonic() >= deadline:
                return MISSING
            CLOCK.sleep(min(1.0, self._dispatch_settle_s))

    def _settled(self, look: Callable[[], T | Missing], sent_at: float) -> T | Missing:
        """After a lost answer, look until GitHub has had the grace period since the request to apply it: a
        dispatch or re-run applied late (GitHub sometimes takes half a minute) must not be sent a second time."""
        while True:
            found = look()
            if not isinstance(found, Missing) or CLOCK.monotonic() - sent_at >= self._lost_answer_grace_s:
                return found
            CLOCK.sleep(min(2.0, self._lost_answer_grace_s))

    # runs ---------------------------------------------------------------------------------------------
    def find_runs(
        self,
        full_name: str,
        workflow_id: int,
        *,
        event: str | None = None,
        head_sha: str | None = None,
        created_after: datetime | None = None,
    ) -> list[RunInfo]:
        since = _utc(created_after).replace(microsecond=0) if created_after else None
        created = ">=" + since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None

        def fetch() -> list[RunInfo]:
            workflow = self._repo(full_name).get_workflow(int(workflow_id))
            runs = workflow.get_runs(event=event or NotSet, head_sha=head_sha or NotSet, created=created or NotSet)
            found = [convert.run_info(run) for run in itertools.islice(runs, 100)]
            return [r for r in found if since is None or r.created_at is None or _utc(r.created_at) >= since]

        return self._read(f"listing runs of workflow {workflow_id} in {full_name}", fetch)

    def _poll_run(self, url: str, action: str) -> RunInfo:
        return self._read(action, lambda: convert.run_from_json(self._api.requester, self._api.poll(url)))

    def get_run(self, full_name: str, run_id: int) -> RunInfo:
        url = f"{repo_path(full_name)}/actions/runs/{int(run_id)}"
        info = self._poll_run(url, f"reading run {run_id} of {full_name}")
        self._run_attempts[url] = info.run_attempt
        return info

    def get_attempt(self, full_name: str, run_id: int, attempt: int) -> RunInfo:
        run_url = f"{repo_path(full_name)}/actions/runs/{int(run_id)}"
        info = self._poll_run(f"{run_url}/attempts/{int(attempt)}", f"reading attempt {attempt} of run {run_id} in {full_name}")
        # Remember the newest attempt seen, so a re-run knows its "before" without another read.
        self._run_attempts[run_url] = max(self._run_attempts.get(run_url, 0), info.run_attempt)
        return info

    def rerun(self, full_name: str, run_id: int, *, debug_logging: bool = False) -> None:
        """Re-run every job (attempt n+1). Errors are raised, unlike PyGithub's WorkflowRun.rerun().

        With `debug_logging` the attempt runs with runner.debug == '1' (enable_debug_logging)."""
        url = f"{repo_path(full_name)}/actions/runs/{int(run_id)}"
        before = self._run_attempts.get(url) or self.get_run(full_name, run_id).run_attempt
        sent_at = [CLOCK.monotonic()]

        def look() -> None | Missing:
            return None if self.get_run(full_name, run_id).run_attempt > before else MISSING

        def recheck() -> None | Missing:
            return self._settled(look, sent_at[0])

        def send() -> None:
            sent_at[0] = CLOCK.monotonic()
            self._api.request("POST", f"{url}/rerun", body={"enable_debug_logging": True} if debug_logging else None)

        self._write(f"re-running run {run_id} of {full_name}", send, recheck=recheck)

    def attempt_jobs(self, full_name: str, run_id: int, attempt: int) -> list[JobInfo]:
        url = f"{repo_path(full_name)}/actions/runs/{int(run_id)}/attempts/{int(attempt)}/jobs"

        def fetch() -> list[JobInfo]:
            # One conditional page, like the run's status: read on every poll while a face shows the steps live,
            # it costs a 304 (not counted against the rate limit) while no step moved.
            data = self._api.poll(f"{url}?per_page=100", counted=("job_polls", "job_not_modified"))
            items = data.get("jobs") if isinstance(data, dict) else None
            if isinstance(items, list) and int(data.get("total_count") or 0) <= len(items):
                return [convert.job_from_json(self._api.requester, item) for item in items]
            jobs = PaginatedList(WorkflowJob, self._api.requester, url, None, list_item="jobs")  # more than a page
            return [convert.job_info(job) for job in jobs]

        return self._read(f"listing the jobs of attempt {attempt} of run {run_id}", fetch)

    # logs ---------------------------------------------------------------------------------------------
    def job_log(self, full_name: str, job_id: int) -> str:
        """The job's log: GitHub answers 302 to a short-lived URL on another host, fetched without our token."""
        action = f"reading the log of job {job_id} in {full_name}"
        url = f"{repo_path(full_name)}/actions/jobs/{int(job_id)}/logs"
        self.stats["log_requests"] = self.stats.get("log_requests", 0) + 1
        reply = self._read(action, lambda: self._api.request("GET", url))  # PyGithub does not follow the 302
        if reply.status not in REDIRECTS:
            return reply.text
        location = reply.headers.get("location")
        if not location:
            raise GitHubRefused(f"{action}: GitHub redirected without a location")
        return self._download(location, action)

    def _download(self, location: str, action: str) -> str:
        # The URL carries its own short-lived credential: keep it out of every message.
        self.stats["requests"] = self.stats.get("requests", 0) + 1
        self.stats["log_downloads"] = self.stats.get("log_downloads", 0) + 1
        try:
            response = self._downloads.get(location, timeout=60)
        except (GithubException, *TRANSPORT_ERRORS) as exc:  # GithubException: a wait above the cap
            raise GitHubRefused(
                f"{action}: the log download failed ({type(exc).__name__})", "run the same command again: finished steps are kept"
            ) from None
        if response.status_code >= 400:
            raise GitHubRefused(
                f"{action}: the log server answered {response.status_code}", "logs expire after a while; run the validation again"
            )
        return response.content.decode("utf-8", errors="replace")
