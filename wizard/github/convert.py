"""PyGithub objects -> the port's dataclasses.

Only attributes present in GitHub's list and detail payloads are read, so converting never makes
PyGithub fetch a missing attribute behind our back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from github.ContentFile import ContentFile
from github.PullRequest import PullRequest
from github.Repository import Repository
from github.Requester import Requester
from github.Secret import Secret
from github.WorkflowJob import WorkflowJob
from github.WorkflowRun import WorkflowRun
from github.WorkflowStep import WorkflowStep

from wizard.engine.port import FileInfo, JobInfo, PullInfo, RepoInfo, RunInfo, SecretInfo, StepInfo


def repo_info(repo: Repository) -> RepoInfo:
    return RepoInfo(
        full_name=repo.full_name,
        id=repo.id,
        default_branch=repo.default_branch,
        private=bool(repo.private),
        owner=repo.owner.login,
        owner_is_org=repo.owner.type == "Organization",
        visibility=str(repo.raw_data.get("visibility") or ("private" if repo.private else "public")),
    )


def file_info(content: ContentFile) -> FileInfo:
    return FileInfo(path=content.path, text=content.decoded_content.decode("utf-8"), sha=content.sha)


def pull_info(pull: PullRequest) -> PullInfo:
    # `merged` is absent from list payloads; `merged_at` is in both.
    return PullInfo(
        number=pull.number,
        html_url=pull.html_url,
        state=pull.state,
        merged=pull.merged_at is not None,
        head_ref=pull.head.ref,
        base_ref=pull.base.ref,
        merge_commit_sha=pull.merge_commit_sha,
    )


def secret_info(secret: Secret, visibility: str | None = None, repo_ids: Iterable[int] = ()) -> SecretInfo:
    return SecretInfo(secret.name, secret.updated_at, visibility, tuple(sorted(repo_ids)))


def run_from_json(requester: Requester, data: dict[str, Any]) -> RunInfo:
    return run_info(WorkflowRun(requester, {}, data, completed=True))


def run_info(run: WorkflowRun) -> RunInfo:
    return RunInfo(
        id=run.id,
        status=run.status,
        conclusion=run.conclusion,
        run_attempt=run.run_attempt,
        head_sha=run.head_sha,
        event=run.event,
        html_url=run.html_url,
        created_at=run.created_at,
        run_started_at=run.run_started_at,
        updated_at=run.updated_at,
    )


def job_from_json(requester: Requester, data: dict[str, Any]) -> JobInfo:
    return job_info(WorkflowJob(requester, {}, data, completed=True))


def step_info(step: WorkflowStep) -> StepInfo:
    return StepInfo(step.name, step.number, step.status, step.conclusion, step.started_at, step.completed_at)


def job_info(job: WorkflowJob) -> JobInfo:
    return JobInfo(
        id=job.id,
        name=job.name,
        status=job.status,
        conclusion=job.conclusion,
        started_at=job.started_at,
        completed_at=job.completed_at,
        steps=tuple(step_info(step) for step in job.steps or ()),
    )
