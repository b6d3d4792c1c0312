"""Turn the command line's answers, the answers file and the local checkout into one Plan (flags win)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.app.options import AnswerSource
from wizard.app.user_config import user_settings
from wizard.core.answers import MAX_ANSWERS_BYTES, load_answers
from wizard.core.plan import ANSWERS_PATH, DEFAULT_REUSABLE_WORKFLOW, Plan
from wizard.core.workflow import ReusableInterface, parse_reusable_interface
from wizard.errors import InputError
from wizard.fsutil import MAX_WORKFLOW_BYTES, inside_checkout, read_text_file
from wizard.localrepo import origin_repo


@dataclass
class PlanContext:
    plan: Plan
    checkout: Path | None  # the local clone of plan.repo, when the current directory is one
    answers_path: Path | None
    existing_workflow: str | None
    interface: ReusableInterface | None
    notices: list[str] = field(default_factory=list)
    recorded: Plan | None = None  # what the local answers file held, when one was read
    given: dict[str, Any] = field(default_factory=dict)  # the user's config file, then flags: what this run asks for


def plan_context(
    source: AnswerSource,
    cwd: Path | None = None,
    *,
    answers_may_be_new: bool = False,
    environ: Mapping[str, str] | None = None,
    with_interface: bool = True,
) -> PlanContext:
    """`answers_may_be_new`: a named answers file that does not exist yet is where a run will write its answers.
    `with_interface`: read the bundled reusable workflow's inputs (a full YAML parse); a session leaves it to the
    preflight step, which reads the workflow the caller will really call."""
    cwd = cwd or Path.cwd()
    local = origin_repo(cwd)
    flags = {**user_settings(environ), **source.flags}
    if source.checkout is not None:
        local = _explicit_checkout(source.checkout, flags.get("repo"), local)
    answers_path = source.answers_file
    if answers_path is None and local is not None and (local[1] / ANSWERS_PATH).is_file():
        answers_path = local[1] / ANSWERS_PATH
    recorded = None
    if answers_path is not None and (answers_path.exists() or not answers_may_be_new):
        recorded = load_answers(read_text_file(answers_path, "answers file", MAX_ANSWERS_BYTES), str(answers_path))
    plan = (recorded or Plan()).updated(**flags)
    checkout = None
    if not plan.repo and local is not None:
        plan = plan.updated(repo=local[0])
    if local is not None and local[0].lower() == plan.repo.lower():
        checkout = local[1]
    existing = _existing_workflow(source, plan, checkout)
    interface, notices = _bundled_interface(plan) if with_interface else (None, [])
    return PlanContext(plan, checkout, answers_path, existing, interface, notices, recorded, flags)


def _explicit_checkout(path: Path, repo: str | None, local: tuple[str, Path] | None) -> tuple[str, Path]:
    if not path.is_dir():
        raise InputError(f"checkout {path} is not a directory", "pass --checkout DIR, the local clone of the repo")
    found = origin_repo(path)
    if found is not None and found[1].resolve() == path.resolve():
        return found
    if not repo:
        raise InputError(f"{path} has no 'origin' remote to name the repo", "pass --repo OWNER/NAME with --checkout")
    return repo, path


def _existing_workflow(source: AnswerSource, plan: Plan, checkout: Path | None) -> str | None:
    if source.workflow_file is not None:
        return read_text_file(source.workflow_file, "workflow file", MAX_WORKFLOW_BYTES)
    if checkout is None:
        return None
    local = inside_checkout(checkout, plan.workflow_path, "workflow path")
    return read_text_file(local, "workflow file", MAX_WORKFLOW_BYTES) if local.is_file() else None


def _bundled_interface(plan: Plan) -> tuple[ReusableInterface | None, list[str]]:
    if plan.reusable_workflow.split("@")[0] != DEFAULT_REUSABLE_WORKFLOW.split("@")[0]:
        return None, ["the reusable workflow is not the org default: its inputs are checked when GitHub is reachable"]
    from wizard.assets import reusable_workflow_text

    return parse_reusable_interface(reusable_workflow_text()), []
