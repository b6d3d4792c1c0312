"""`brik-onboard status --org ORG [--topic T] [--exclude P] [--json]`: the org's picture in one table.

The picture is computed in wizard/engine/status_org.py; this face finds the token, hands the engine one port per
worker and what the last status kept (wizard/app/status_cache.py), and prints a table on a terminal (rich), plain
lines otherwise (CI logs), or one JSON document. Exit 0 when every selected repository is onboarded and healthy, 1
otherwise, as one repository's status.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from wizard.app.github_login import open_login
from wizard.app.options import StatusOptions
from wizard.app.sessions import find_credential
from wizard.app.status_cache import StatusCache, cache_path
from wizard.app.user_config import user_settings
from wizard.commands.status_cmd import run_json
from wizard.core.repo_filter import check_filter, left_out_note
from wizard.engine.port import GitHubPort
from wizard.engine.status_org import DRIFTED, MISSING, ONBOARDED, UNREADABLE, UNRECORDED, Coverage, OrgStatus, RepoRow, read_org_status
from wizard.errors import EXIT_OK, EXIT_VALIDATION_FAILED, InputError

if TYPE_CHECKING:
    from rich.console import Console

STATES = (ONBOARDED, DRIFTED, MISSING, UNRECORDED, UNREADABLE)


def run_status_org(options: StatusOptions) -> int:
    if not options.org:
        raise InputError("--topic and --exclude select repositories of an org", "add --org ORG")
    if options.repo:
        raise InputError("--repo and --org both given", "give one: --repo OWNER/NAME for one repository, --org ORG for many")
    org = options.org
    rules = check_filter(org, options.topics, options.exclude)
    api_url = options.api_url or user_settings().get("api_url")
    credential = find_credential(api_url, token_env=options.token_env, app_id=options.app_id, app_key_file=options.app_key_file)
    cache = StatusCache(None if options.no_cache else cache_path(api_url, org)).load()

    login = open_login(api_url, credential, org=org)  # an App's installation looked up once, for every worker

    def make_port() -> GitHubPort:
        return login.port(conditional=cache.conditional)

    status = read_org_status(make_port, org, rules, memory=cache.memory)
    cache.save()
    if not status.rows:
        note = _left_out_note(status) or "the org has no repository this token can see"
        raise InputError(f"no repository of {org} is selected ({note})", "check --org, --topic and --exclude")
    if options.json:
        json.dump(org_json(status), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif sys.stdout.isatty():
        from rich.console import Console

        _table(status, Console(file=sys.stdout))
    else:
        sys.stdout.write(_plain(status))
    return EXIT_OK if status.healthy else EXIT_VALIDATION_FAILED


# -- JSON ------------------------------------------------------------------------------------------------------
def org_json(status: OrgStatus) -> dict[str, Any]:
    return {
        "org": status.org,
        "healthy": status.healthy,
        "counts": {state: status.count(state) for state in STATES},
        "repos": [_row_json(row) for row in status.rows],
        "coverage": [_coverage_json(c) for c in status.coverage],
        "left_out": [{"repo": repo, "why": why} for repo, why in status.left_out],
    }


def _row_json(row: RepoRow) -> dict[str, Any]:
    report = row.report
    pull = report.pull if report else None
    return {
        "repo": row.repo,
        "state": row.state,
        "onboarded": report is not None and report.onboarded,  # answers recorded: a drifted repository is onboarded too
        "healthy": row.healthy,
        "workflow": None if report is None else {"path": report.workflow.path, "state": str(report.workflow.state)},
        "drift": [] if report is None else list(report.workflow.drift),
        "unreadable": _unreadable(row),
        "pull_request": None if pull is None else {"number": pull.number, "url": pull.html_url},
        "last_run": None if report is None or report.last_run is None else run_json(report.last_run),
        "error": row.error,
    }


def _coverage_json(c: Coverage) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "name": c.name,
        "present": c.present,
        "visibility": c.visibility,
        "readers": len(c.readers),
        "missing": list(c.missing),
    }


def _unreadable(row: RepoRow) -> list[str]:
    """The secrets and variables the repository's build reads but cannot (missing, or not selected)."""
    if row.report is None:
        return []
    return [s.name for s in row.report.secrets if not s.readable] + [v.name for v in row.report.variables if not v.readable]


# -- for people ------------------------------------------------------------------------------------------------
def _detail(row: RepoRow) -> str:
    report = row.report
    if report is None:
        return row.error or ""
    parts: list[str] = []
    if row.state == DRIFTED:
        wf = report.workflow
        parts.append(f"caller differs: {', '.join(wf.drift)}" if wf.drift else f"no caller at {wf.path}")
    elif row.state == UNRECORDED:
        parts.append(f"{report.workflow.path} exists but no answers were recorded")
    if report.pull is not None:
        parts.append(f"pull request #{report.pull.number} open")
    if unreadable := _unreadable(row):
        parts.append(f"cannot read {', '.join(unreadable)}")
    return "; ".join(parts)


def _last_build(row: RepoRow) -> str:
    """The newest build in a few words (`status --repo` says more): its outcome and the cache verdict when judged."""
    run = row.report.last_run if row.report is not None and row.report.onboarded else None
    if run is None:
        return "" if row.report is None or not row.report.onboarded else "no build yet"
    line = f"run {run.id}: {run.conclusion or run.status}"
    if run.verdict is not None:
        verdict = run.verdict
        line += (
            f", cache passed ({verdict.hits} hits)"
            if verdict.passed
            else f", cache FAILED: {verdict.reasons[0].text if verdict.reasons else '?'}"
        )
    return line


def _coverage_line(c: Coverage) -> str:
    what = f"{c.kind} {c.name}"
    readers = f"read by {len(c.readers)} onboarded repositor{'y' if len(c.readers) == 1 else 'ies'}"
    if not c.present:
        return f"{what}: missing at org level, {readers}"
    if not c.missing:
        return f"{what} (visibility selected): {readers}, every one selected"
    return f"{what} (visibility selected): {readers}; not selected, so their builds cannot read it: {', '.join(c.missing)}"


def _left_out_note(status: OrgStatus) -> str | None:
    return left_out_note(status.left_out)


def _totals(status: OrgStatus) -> list[str]:
    counts = ", ".join(f"{status.count(s)} {s}" for s in STATES if status.count(s))
    out = [f"{len(status.rows)} repositories of {status.org}: {counts}"]
    if note := _left_out_note(status):
        out.append(note)
    if not status.healthy:
        out.append(f"run `brik-onboard fleet plan --org {status.org}` to see what onboarding or reconciling them would change")
    return out


def _plain(status: OrgStatus) -> str:
    width = max(len(r.repo) for r in status.rows)
    out = []
    for row in status.rows:
        rest = "  ".join(p for p in (_detail(row), _last_build(row)) if p)
        out.append(f"{row.repo:<{width}}  {row.state:<10}  {rest}".rstrip())
    if status.coverage:
        out += ["", *(_coverage_line(c) for c in status.coverage)]
    out += ["", *_totals(status)]
    return "\n".join(out) + "\n"


def _table(status: OrgStatus, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    colours = {ONBOARDED: "green", DRIFTED: "yellow", MISSING: "red", UNRECORDED: "yellow", UNREADABLE: "red"}
    table = Table(title=f"{status.org}: onboarding status", title_justify="left")
    for column in ("Repository", "State", "Details", "Last build"):
        table.add_column(column, overflow="fold")
    for row in status.rows:
        table.add_row(Text(row.repo), Text(row.state, style=colours[row.state]), Text(_detail(row)), Text(_last_build(row)))
    console.print(table)
    for c in status.coverage:
        console.print(Text(_coverage_line(c), style="red" if c.missing else ""))
    for line in _totals(status):
        console.print(Text(line))
