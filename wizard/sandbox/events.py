"""What starts workflow runs: a push to a branch, a dispatch, a re-run. Called with the state lock held."""

from __future__ import annotations

from wizard.sandbox.actions_runner import plan_attempt
from wizard.sandbox.model import Repo
from wizard.sandbox.runs import Attempt, Job, Run, job_view
from wizard.sandbox.state import SandboxState
from wizard.sandbox.workflows import WorkflowFile, push_matches, workflow_files


def start_run(
    st: SandboxState,
    repo: Repo,
    wf: WorkflowFile,
    *,
    event: str,
    branch: str,
    sha: str,
    actor: str,
    inputs: dict[str, object] | None = None,
) -> Run:
    number = 1 + sum(1 for r in repo.runs.values() if r.workflow_id == wf.id)
    message = repo.git.commits[sha].message.split("\n", 1)[0]
    title = message if event == "push" else wf.name
    run = Run(st.next_run_id(), repo.id, wf.id, wf.path, wf.name, event, branch, sha, number, actor, title, dict(inputs or {}))
    repo.runs[run.id] = run
    _new_attempt(st, repo, run, actor)
    return run


def rerun(
    st: SandboxState,
    repo: Repo,
    run: Run,
    actor: str,
    *,
    only_failed: bool = False,
    job_name: str | None = None,
    debug_logging: bool = False,
) -> Attempt:
    """Attempt n+1 of the same run (same commit, same workflow file at that commit).

    With `only_failed` or `job_name`, jobs that are not re-run keep their previous result (GitHub copies
    them into the new attempt).
    """
    previous = run.latest
    keep = None
    if only_failed or job_name:
        succeeded = {j.name for j in previous.jobs if job_view(j, previous, st.now(), st.time_factor).conclusion == "success"}
        keep = {j.name: j for j in previous.jobs if (job_name and j.name != job_name) or (only_failed and j.name in succeeded)}
    return _new_attempt(st, repo, run, actor, keep, debug_logging=debug_logging)


def _new_attempt(
    st: SandboxState, repo: Repo, run: Run, actor: str, keep: dict[str, Job] | None = None, *, debug_logging: bool = False
) -> Attempt:
    attempt = Attempt(len(run.attempts) + 1, st.now(), actor, debug_logging=debug_logging)
    run.attempts.append(attempt)
    attempt.jobs = plan_attempt(st, repo, run, attempt, keep)
    return attempt


def pushed(st: SandboxState, repo: Repo, branch: str, before: str | None, after: str, actor: str) -> list[Run]:
    """A branch moved (commit, ref create/update, merge): start the runs whose `on.push` matches."""
    if before == after:
        return []
    repo.pushed_at = repo.updated_at = st.now()  # GitHub moves pushed_at on a push to any branch, a ref update too
    return [
        start_run(st, repo, wf, event="push", branch=branch, sha=after, actor=actor)
        for wf in workflow_files(st, repo, after)
        if push_matches(wf.doc, branch)
    ]
