"""`brik-onboard status`: is the repository onboarded, and is it healthy? GitHub is only read (GET requests).

The report is computed in wizard/engine/status.py; this face finds the repository and the token, and prints the
report as one JSON object or as a few lines. Exit 0 when onboarded and healthy, 1 otherwise. With --org, the org's
picture instead (status_org_cmd.py).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from wizard.app.options import StatusOptions
from wizard.app.sessions import connect_port, find_credential
from wizard.app.user_config import user_settings
from wizard.core.plan import ANSWERS_BY_NAME, ANSWERS_PATH, Plan
from wizard.engine.status import RunStatus, SecretStatus, StatusReport, VariableStatus, WorkflowState, read_status
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, InputError
from wizard.localrepo import origin_repo


def run_status(options: StatusOptions) -> int:
    if options.org is not None or options.topics or options.exclude:
        from wizard.commands.status_org_cmd import run_status_org

        return run_status_org(options)
    if options.no_cache:
        raise InputError("--no-cache is for `status --org` (one repository's status keeps nothing)", "drop --no-cache, or pass --org ORG")
    repo = _repo(options.repo)
    api_url = options.api_url or user_settings().get("api_url")
    credential = find_credential(api_url, token_env=options.token_env, app_id=options.app_id, app_key_file=options.app_key_file)
    report = read_status(connect_port(api_url, credential, org=repo.partition("/")[0]), repo)
    if options.json:
        json.dump(report_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_human(report))
    return EXIT_OK if report.healthy else EXIT_VALIDATION_FAILED


def _repo(given: str | None) -> str:
    """--repo, else the current directory's origin remote (as the other commands default it)."""
    repo = given or (found[0] if (found := origin_repo(Path.cwd())) else "")
    if not repo:
        raise InputError("no repository given", "pass --repo OWNER/NAME or run inside a clone with an 'origin' remote")
    ANSWERS_BY_NAME["repo"].check(repo, Plan(repo=repo))
    return repo


# -- JSON ------------------------------------------------------------------------------------------------------
def report_json(report: StatusReport) -> dict[str, Any]:
    return {
        "repo": report.repo,
        "onboarded": report.onboarded,
        "answers": asdict(report.recorded) if report.recorded is not None else {},
        "workflow": {"path": report.workflow.path, "state": str(report.workflow.state), "drift": list(report.workflow.drift)},
        "secrets": [_secret_json(s) for s in report.secrets],
        "variables": [
            {
                "name": v.name,
                "level": v.level,
                "present": v.present,
                "value": v.value,
                "visibility": v.visibility,
                "repo_selected": v.repo_selected,
            }
            for v in report.variables
        ],
        "pull_request": None
        if report.pull is None
        else {"number": report.pull.number, "url": report.pull.html_url, "head": report.pull.head_ref, "base": report.pull.base_ref},
        "last_run": None if report.last_run is None else run_json(report.last_run),
    }


def _secret_json(secret: SecretStatus) -> dict[str, Any]:
    return {
        "name": secret.name,
        "level": secret.level,
        "present": secret.present,
        "visibility": secret.visibility,
        "repo_selected": secret.repo_selected,
        "updated_at": secret.updated_at.isoformat() if secret.updated_at else None,
        "legacy": secret.legacy,
    }


def run_json(run: RunStatus) -> dict[str, Any]:
    verdict = run.verdict
    return {
        "id": run.id,
        "conclusion": run.conclusion,
        "verdict": None if verdict is None else ("passed" if verdict.passed else "failed"),
        "hits": None if verdict is None else verdict.hits,
        "misses": None if verdict is None else verdict.misses,
    }


# -- for people ------------------------------------------------------------------------------------------------
def _human(report: StatusReport) -> str:
    if not report.onboarded:
        head = f"{report.repo}: not onboarded (no {ANSWERS_PATH} on {report.default_branch})"
    else:
        head = f"{report.repo}: onboarded, {'healthy' if report.healthy else 'needs attention'}"
    out = [head, ""]
    wf = report.workflow
    state = f"drifted, not as the recorded answers render it: {', '.join(wf.drift)}" if wf.state is WorkflowState.DRIFTED else str(wf.state)
    out.append(f"workflow      {wf.path}: {state}")
    for s in report.secrets:
        out.append(f"secret        {s.name:<18} {_secret_line(s)}")
    for v in report.variables:
        out.append(f"variable      {v.name:<18} {_variable_line(v)}")
    pull = report.pull
    out.append(f"pull request  #{pull.number} open ({pull.html_url})" if pull else "pull request  none open")
    out.append(f"last run      {run_line(report.last_run)}")
    hint = _hint(report)
    if hint:
        out += ["", hint]
    return "\n".join(out) + "\n"


def _where(level: str, visibility: str | None, repo_selected: bool | None) -> str:
    """Where a secret or variable lives and whether this repo may read it."""
    where = level if visibility is None else f"{level}, visibility {visibility}"
    if repo_selected is not None:
        where += ", this repo selected" if repo_selected else ", this repo NOT selected: its workflows cannot read it"
    return where


def _secret_line(s: SecretStatus) -> str:
    if not s.present:
        return f"missing ({s.level})"
    where = _where(s.level, s.visibility, s.repo_selected)
    when = f", updated {s.updated_at:%Y-%m-%d %H:%M}" if s.updated_at else ""
    legacy = "; no longer read: the REGISTRY_URL variable replaces it" if s.legacy else ""
    return f"present ({where}{when}){legacy}"


def _variable_line(v: VariableStatus) -> str:
    if not v.present:
        return f"missing ({v.level})"
    where = _where(v.level, v.visibility, v.repo_selected)
    value = v.value if v.value == v.expected else f"{v.value}, the answers say {v.expected}"
    return f"{value} ({where})"


def run_line(run: RunStatus | None) -> str:
    if run is None:
        return "none"
    outcome = run.conclusion or run.status
    if run.verdict is None:
        why = "yet" if run.status != "completed" else "(one attempt only, or its logs are gone)"
        return f"{run.id}: {outcome}, no cache verdict {why}"
    judged = "passed" if run.verdict.passed else f"failed: {run.verdict.reasons[0].text}"
    return f"{run.id}: {outcome}, cache verdict {judged} ({run.verdict.hits} hit(s), {run.verdict.misses} miss(es) on attempt 2)"


def _hint(report: StatusReport) -> str | None:
    if not report.onboarded:
        return "merge the onboarding pull request" if report.pull else "run `brik-onboard apply` (or `brik-onboard`) to onboard it"
    unreadable = any(not s.readable for s in report.secrets) or any(not v.readable for v in report.variables)
    if report.workflow.state is not WorkflowState.CURRENT or unreadable:
        return "run `brik-onboard` again to reconcile the workflow and the secrets with the answers"
    return None
