"""Validate: build twice on GitHub and prove from Kaniko's logs that the second attempt hits the layer cache.

The caller must be on the default branch (GitHub dispatches only workflows found there). The first build is
the `push` run the commit already started when there is one, else a dispatch; the second is a re-run of the
same run (attempt 2, same commit). Progress is saved after each write so a resumed run never starts a
second build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from wizard.core.clock import CLOCK
from wizard.core.kaniko.log import parse_log_text
from wizard.core.kaniko.verdict import Reason, ReasonCode, judge
from wizard.core.leaks import find_leaks
from wizard.core.log_tail import log_tail
from wizard.core.workflow.managed import calling_jobs
from wizard.engine.events import Action, BuildUpdate, Change, ChangeKind, Outcome, Progress, StepChecked, StepDone, VerdictReady
from wizard.engine.port import DispatchUnsupported, JobInfo, RunInfo
from wizard.engine.questions import Choice
from wizard.engine.results import TargetVerdict, VerdictFacts
from wizard.engine.session import Session
from wizard.engine.steps.base import Step
from wizard.engine.target_verdicts import AttemptLogs, judge_targets, layer_table, target_logs
from wizard.errors import GitHubRefused
from wizard.fsutil import MAX_WORKFLOW_BYTES, inside_checkout, read_text_file


class ValidateStep(Step):
    name = "validate"
    reads = frozenset(
        {"repo", "org", "registry", "service", "tags", "cache_enabled", "cache_repo", "workflow_path", "delivery", "target", "job_id"}
    )
    _caller_sha: str | None = None  # blob SHA of the caller on the default branch, as last read
    _caller_text: str = ""  # ... and its text (which jobs build which target)

    def __init__(self) -> None:
        self._updates: dict[int, BuildUpdate] = {}  # attempt -> its last BuildUpdate (the log tail is added to it)

    def check(self, s: Session) -> list[Change]:
        assert s.repo is not None
        if s.options.skip_validation:
            change = Change(ChangeKind.BUILD, "validation", Action.UNCHANGED, "validation skipped (--skip-validation)")
        elif (caller := self._caller_on_default(s)) is None:
            change = Change(ChangeKind.BUILD, "validation", Action.UNCHANGED, "the caller is not on the default branch yet")
        elif s.state.validated_sha == caller and not s.options.force_validation:
            change = Change(
                ChangeKind.BUILD,
                "validation",
                Action.KEEP,
                f"already validated in run {s.state.validated_run} (run `brik-onboard validate` to build again)",
            )
        else:
            change = Change(
                ChangeKind.BUILD, "validation", Action.CREATE, f"build {s.plan.repo} twice on {s.repo.default_branch} and compare the cache"
            )
        s.emit(StepChecked(self.name, (change,)))
        return [change]

    def _caller_on_default(self, s: Session) -> str | None:
        """The blob SHA of the caller on the default branch; None when it is missing or differs from ours.

        `validate` alone has no caller of its own (workflow_text None) and builds whatever is there."""
        assert s.repo is not None
        found = s.port.get_file(s.repo.full_name, s.plan.workflow_path, ref=s.repo.default_branch)
        if found is None or (s.workflow_text is not None and found.text != s.workflow_text):
            self._caller_sha = None
        else:
            self._caller_sha, self._caller_text = found.sha, found.text
        return self._caller_sha

    def apply(self, s: Session, changes: list[Change]) -> StepDone:
        if s.options.skip_validation:
            return StepDone(self.name, Outcome.SKIPPED, "validation skipped")
        if changes and changes[0].action is Action.KEEP:
            return StepDone(self.name, Outcome.UNCHANGED, changes[0].summary)
        with s.options.build_slots or nullcontext():  # a fleet run builds a few repositories at a time
            return self._validate(s)

    def _validate(self, s: Session) -> StepDone:
        if not self._wait_for_default(s):
            return StepDone(self.name, Outcome.PAUSED, s.paused or "")
        self._updates.clear()  # a new validation's attempts start over
        if s.resolved is not None:  # values at hand for secrets this run kept (not stored) are audited too
            s.secrets.remember_available([spec.name for spec in s.resolved.secrets])
        run = self._first_run(s)
        first, jobs = self._wait(s, run.id, 1)
        summaries = [self._attempt_logs(s, run.id, 1, jobs)]
        if first.conclusion == "success":
            if not s.state.rerun_requested:
                assert s.repo is not None  # the repository step ran first
                # A second attempt already there is ours: an earlier run re-ran the build and stopped before it could
                # note so (re-running again would make attempt 3, while the verdict compares 1 and 2).
                if run.run_attempt < 2:
                    # At debug level Kaniko logs why a cache read failed: a refused read is then told from a miss.
                    s.port.rerun(s.repo.full_name, run.id, debug_logging=True)
                s.state.rerun_requested = True
                s.save_state()
            _, jobs = self._wait(s, run.id, 2)
            summaries.append(self._attempt_logs(s, run.id, 2, jobs))
        self._judge(s, run, summaries)
        verdict = s.verdict
        outcome = "passed" if verdict.passed else "failed"
        return StepDone(self.name, Outcome.CHANGED, f"validation {outcome} (run {run.id})")

    # -- getting the caller onto the default branch ------------------------------------------------------------
    def _wait_for_default(self, s: Session) -> bool:
        assert s.repo is not None
        if self._caller_sha is not None or self._caller_on_default(s) is not None:
            return True  # found by this run's check (a caller on the default branch stays there)
        if s.plan.delivery == "pr" and s.state.pull_number:
            if self._demo_merged(s):
                return True
            deadline = CLOCK.monotonic() + s.options.wait_merge_s
            while CLOCK.monotonic() < deadline:
                left = int(deadline - CLOCK.monotonic())
                s.emit(Progress(self.name, f"waiting for PR #{s.state.pull_number} to be merged ({left}s left)"))
                CLOCK.sleep(min(s.options.poll_interval_s, max(deadline - CLOCK.monotonic(), 0)))
                if s.port.get_pull(s.repo.full_name, s.state.pull_number).merged and self._caller_on_default(s) is not None:
                    return True
            s.paused = f"merge pull request #{s.state.pull_number} ({s.links.get('pull', '')}), then run brik-onboard again: it resumes at the validation build"
            return False
        if self._demo_pushed(s):
            return True
        s.paused = f"push {s.plan.workflow_path} to {s.repo.default_branch}, then run `brik-onboard validate`"
        return False

    def _demo_merged(self, s: Session) -> bool:
        """The demo offers to merge its own PR in the sandbox (nobody else can there); True once the caller is on
        the default branch. Never offered outside the demo: on GitHub a reviewer merges."""
        assert s.repo is not None
        merge, number = s.options.demo_merge, s.state.pull_number
        if merge is None or not number:
            return False
        full_name = s.repo.full_name
        return self._demo_action(
            s,
            Choice(
                "demo-merge",
                f"Demo action: merge pull request #{number} in the sandbox now? (On GitHub a reviewer would merge it.)",
                ("merge", "pause"),
                "merge",
            ),
            lambda: merge(full_name, number),
            f"demo: merged pull request #{number} in the sandbox",
        )

    def _demo_pushed(self, s: Session) -> bool:
        """The demo offers to commit the caller its checkout holds to the default branch (where a user would push
        it); True once it is there. Never offered outside the demo."""
        assert s.repo is not None
        push = s.options.demo_push
        if push is None or s.plan.delivery != "local" or s.checkout is None:
            return False
        local = inside_checkout(s.checkout, s.plan.workflow_path, "workflow path")
        if not local.is_file():
            return False
        full_name, path, branch = s.repo.full_name, s.plan.workflow_path, s.repo.default_branch
        return self._demo_action(
            s,
            Choice(
                "demo-push",
                f"Demo action: commit {path} from the demo's checkout to {branch} in the sandbox now? (You would git push it.)",
                ("push", "pause"),
                "push",
            ),
            lambda: push(full_name, path, read_text_file(local, "workflow file", MAX_WORKFLOW_BYTES)),
            f"demo: committed {path} to {branch} in the sandbox",
        )

    def _demo_action(self, s: Session, choice: Choice, act: Callable[[], None], done: str) -> bool:
        """Ask; on the first option do it and say so; True once the caller is on the default branch."""
        if s.questioner.choose(choice) != choice.options[0]:
            return False
        act()
        s.emit(Progress(self.name, done))
        return self._caller_on_default(s) is not None

    # -- the first build ---------------------------------------------------------------------------------------
    def _first_run(self, s: Session) -> RunInfo:
        assert s.repo is not None
        repo = s.repo.full_name
        if s.state.run_id:
            return s.port.get_run(repo, s.state.run_id)
        workflow_id = s.port.workflow_id(repo, s.plan.workflow_path)
        if workflow_id is None:
            raise GitHubRefused(
                f"GitHub does not list {s.plan.workflow_path} as a workflow of {repo}", "check the file is valid YAML on the default branch"
            )
        # The commit this run delivered is the default branch's head; otherwise ask GitHub.
        head = s.delivered_commit or s.port.branch_sha(repo, s.repo.default_branch)
        # A push build that was already re-run (e.g. the one an earlier validation judged) is spent: re-running it
        # makes attempt 3, while the verdict compares attempts 1 and 2, so a new validation dispatches a fresh build.
        pushed = [
            r
            for r in (() if s.options.fresh_build else s.port.find_runs(repo, workflow_id, event="push", head_sha=head))
            if r.run_attempt == 1 and r.id != s.state.validated_run
        ]
        if pushed:
            run = pushed[0]
            s.emit(Progress(self.name, f"using the push build the commit started (run {run.id})"))
        else:
            run = self._dispatch(s, workflow_id)
        s.state.run_id = run.id
        s.state.rerun_requested = False
        s.save_state()
        return run

    def _dispatch(self, s: Session, workflow_id: int) -> RunInfo:
        assert s.repo is not None
        repo = s.repo.full_name
        try:
            return s.port.get_run(repo, s.port.dispatch(repo, workflow_id, s.repo.default_branch))
        except DispatchUnsupported:
            s.emit(Progress(self.name, "this server does not return run details: finding the dispatched run"))
        since = CLOCK.now() - timedelta(seconds=5)
        s.port.dispatch_without_details(repo, workflow_id, s.repo.default_branch)
        deadline = CLOCK.monotonic() + 60
        while CLOCK.monotonic() < deadline:
            runs = s.port.find_runs(repo, workflow_id, event="workflow_dispatch", created_after=since)
            if runs:
                return runs[0]
            CLOCK.sleep(s.options.poll_interval_s)
        raise GitHubRefused(
            "the dispatched build did not appear within a minute", "check the Actions tab, then run `brik-onboard validate`"
        )

    def _wait(self, s: Session, run_id: int, attempt: int) -> tuple[RunInfo, list[JobInfo]]:
        """Poll until the attempt completes; the run and the jobs read when it completed."""
        assert s.repo is not None
        deadline = CLOCK.monotonic() + s.options.build_timeout_s
        last = None
        jobs: list[JobInfo] = []
        steps: tuple[tuple[str, str, str | None], ...] = ()
        while True:
            polled_at = CLOCK.monotonic()
            run = s.port.get_attempt(s.repo.full_name, run_id, attempt)
            live = s.options.live_steps and run.status == "in_progress"
            if run != last or live:
                # Jobs are read when the attempt completes (their logs are judged); a face that shows the steps
                # live (the TUI) also reads them while it runs.
                wanted = run.status == "completed" or live
                jobs = s.port.attempt_jobs(s.repo.full_name, run_id, attempt) if wanted else []
                steps = tuple((_step_name(job, st.name, len(jobs)), st.status, st.conclusion) for job in jobs for st in job.steps)
                last = run
            # While the attempt runs its elapsed time moves on even when GitHub answered 304: a face hears of
            # each new second, and of nothing when nothing changed.
            update = BuildUpdate(
                self.name, attempt, run_id, run.status, run.conclusion, attempt_url(run.html_url, attempt), steps, _elapsed(run, s.clock())
            )
            if update != self._updates.get(attempt):
                s.emit(update)
                self._updates[attempt] = update
            if run.status == "completed":
                s.links[f"attempt {attempt}"] = attempt_url(run.html_url, attempt)
                return run, jobs
            if CLOCK.monotonic() > deadline:
                raise GitHubRefused(
                    f"attempt {attempt} of run {run_id} did not finish in time", "run `brik-onboard validate` to resume waiting"
                )
            # One poll every interval, counted from the start of the last one: the time the reads took is not
            # added to the interval the user chose.
            CLOCK.sleep(max(0.0, s.options.poll_interval_s - (CLOCK.monotonic() - polled_at)))

    def _attempt_logs(self, s: Session, run_id: int, attempt: int, jobs: list[JobInfo]) -> AttemptLogs:
        """Every job's log of the attempt, read once it completed; the build job's (the one where Kaniko ran most
        instructions) comes first."""
        assert s.repo is not None
        logs: AttemptLogs = {}
        for job in jobs or s.port.attempt_jobs(s.repo.full_name, run_id, attempt):
            text = s.port.job_log(s.repo.full_name, job.id)
            logs[job.name] = (parse_log_text(text, f"run {run_id} attempt {attempt} / {job.name}"), text)
        if not logs:
            raise GitHubRefused(f"attempt {attempt} of run {run_id} has no jobs", "check the run in the Actions tab")
        best = max(logs, key=lambda name: logs[name][0].instruction_count)  # the first of equals, as before
        update = self._updates.get(attempt)
        if update is not None:  # the face shows the log's last lines with the attempt, masked like the audit's
            s.emit(dataclasses.replace(update, log_tail=log_tail(logs[best][1], s.secrets.known_values())))
        return {best: logs[best], **logs}

    # -- the verdict -------------------------------------------------------------------------------------------
    def _judge(self, s: Session, run: RunInfo, attempts: list[AttemptLogs]) -> None:
        assert s.resolved is not None
        cache_repo = s.resolved.cache_repo if s.plan.cache_enabled else None
        calling = calling_jobs(self._caller_text, s.plan) if self._caller_text else []
        targets: tuple[TargetVerdict, ...] = ()
        columns = VerdictReady.columns
        if len(calling) > 1:  # one job per target: each judged on its own, every one of their logs audited
            judged = judge_targets(target_logs(calling, attempts, s.resolved, run.head_sha), image=s.resolved.image, cache_repo=cache_repo)
            verdict, table, targets, columns = judged.verdict, judged.table, judged.targets, judged.columns
            names = {t.job for t in targets}
            texts = [text for attempt in attempts for name, (_, text) in attempt.items() if name in names]
        else:  # the build job of each attempt (the first: the one where Kaniko ran most instructions)
            first, second = (next(iter(a.values()))[0] for a in (attempts[0], attempts[-1]))
            destinations = [d.replace("${{ github.sha }}", run.head_sha) for d in s.resolved.destinations]
            verdict = judge(first, second, image=s.resolved.image, cache_repo=cache_repo, destinations=destinations)
            table = tuple(layer_table(first, second))
            texts = [next(iter(a.values()))[1] for a in attempts]
        leaks = [leak for text in texts for leak in find_leaks(text, s.secrets.known_values())]
        reasons = list(verdict.reasons)
        if leaks:
            found = f"{len(leaks)} secret value(s) or token shape(s) found in the job logs (TC-REGISTRY-LOG-001)"
            reasons.append(Reason(ReasonCode.LEAK, found))
        passed = verdict.passed and not leaks and len(attempts) == 2
        s.verdict = verdict
        s.verdict_passed = passed
        s.state.step = self.name
        if passed:
            s.state.validated_sha = self._caller_sha  # the caller this build ran, read before it started
            s.state.validated_run = run.id
        # The next validation is a new build: forget this run so a later `validate` does not re-judge it.
        s.state.run_id = None
        s.state.rerun_requested = False
        s.save_state()
        facts = VerdictFacts(run.id, verdict.attempt1_s, verdict.attempt2_s, verdict.saving_s, verdict.warmed_before)
        s.emit(VerdictReady(self.name, passed, tuple(reasons), table, len(leaks), facts, columns, targets))


def _step_name(job: JobInfo, step: str, jobs: int) -> str:
    """A step as a face lists it: with several jobs (one per target), each step says whose it is."""
    return f"{job.name.split(' / ', 1)[0]}: {step}" if jobs > 1 else step


def _elapsed(run: RunInfo, now: datetime) -> float | None:
    """Seconds since the attempt started: GitHub's end time once completed, else the session's clock."""
    if run.run_started_at is None:
        return None
    end = run.updated_at if run.status == "completed" and run.updated_at is not None else now
    # Whole seconds (what a face shows); never negative, as our clock may lag GitHub's.
    return float(max(0, int((_as_utc(end) - _as_utc(run.run_started_at)).total_seconds())))


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def attempt_url(run_url: str, attempt: int) -> str:
    """The web page of one attempt. GitHub's attempt object carries the run's html_url (the latest attempt's page),
    so each attempt's own page is built from it: {run}/attempts/{n}."""
    return f"{run_url.rstrip('/')}/attempts/{attempt}"
