"""`brik-onboard plan`: resolve the answers and print every change the onboarding would make.

Offline: it reads local files only (answers file, an existing caller, the checkout's Dockerfile) and
writes nothing. The reusable workflow's declared inputs come from the bundled copy when the plan uses the
org default, which is what the org's `.github` repo is expected to hold.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from wizard.app.options import PlanOptions
from wizard.app.sources import PlanContext, plan_context
from wizard.core import workflow
from wizard.core.build_secrets import mount_warnings, needed_build_secrets, secret_mounts
from wizard.core.credential_args import credential_args
from wizard.core.dockerfile import MAX_DOCKERFILE_BYTES, Dockerfile, parse_dockerfile
from wizard.core.plan import ANSWERS_PATH
from wizard.core.resolved import ResolvedPlan, build_secrets_json, resolve
from wizard.core.targets import proposal, split_targets
from wizard.fsutil import inside_checkout, read_text_file


def run_plan(options: PlanOptions) -> int:
    ctx = plan_context(options.source)
    df = _read_dockerfile(ctx, ctx.plan.dockerfile)
    resolved = resolve(ctx.plan, needed_build_secrets(df, split_targets(ctx.plan.target)) if df is not None else ())
    report = _report(ctx, resolved, df)
    live = False
    if not options.offline:
        from wizard.commands.plan_live import add_live_state

        live = add_live_state(options, ctx.plan.api_url, report)
    if not live:
        _offline_workflow(ctx, resolved, report)
    if options.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_human(report))
    return 0


def _offline_workflow(ctx: PlanContext, resolved: ResolvedPlan, report: dict[str, Any]) -> None:
    """The caller as the local files say it would become (the live plan takes it from the engine's dry run)."""
    if ctx.plan.pin_reusable_workflow:
        report["notices"].append(
            "the reusable workflow is pinned to its ref's commit SHA when GitHub is reachable; offline it shows the ref"
        )
    existing = ctx.existing_workflow
    if existing is None:
        new_text = workflow.render_caller(resolved, interface=ctx.interface)
    else:
        new_text = workflow.update_caller(existing, resolved, interface=ctx.interface)
    diff = workflow.unified_diff(existing, new_text, ctx.plan.workflow_path) if existing is not None else None
    report.update(workflow=new_text, workflow_change=_change_kind(existing, diff), diff=diff)


def _report(ctx: PlanContext, resolved: ResolvedPlan, df: Dockerfile | None) -> dict[str, Any]:
    plan = resolved.plan
    return {
        "repo": plan.repo,
        "image": resolved.image,
        "cache_repo": resolved.cache_repo,
        "cache_enabled": plan.cache_enabled,
        "tags": list(resolved.tags),
        "destinations": [d for job in resolved.jobs for d in job.destinations],
        # One caller job per build target: its id, target, tags and destinations (the final one: the plain tags).
        "jobs": [job.to_json() for job in resolved.jobs],
        "secrets": [{"name": s.name, "scope": s.scope} for s in resolved.secrets],
        "build_secrets": build_secrets_json(resolved),
        "variables": [v.to_json() for v in resolved.variables],
        "secret_strategy": plan.strategy,
        "secret_visibility": plan.visibility if plan.scope == "org" else None,
        "workflow_path": plan.workflow_path,
        "workflow": None,
        "workflow_change": None,
        "diff": None,
        "answers_path": str(ctx.answers_path) if ctx.answers_path else ANSWERS_PATH,
        "dockerfile": _dockerfile_report(ctx, plan.dockerfile, split_targets(plan.target), df),
        "notices": list(resolved.notices) + list(ctx.notices),
        "offline": True,
    }


def _change_kind(existing: str | None, diff: str | None) -> str:
    if existing is None:
        return "create"
    return "update" if diff else "unchanged"


def _read_dockerfile(ctx: PlanContext, dockerfile: str) -> Dockerfile | None:
    if ctx.checkout is None:
        return None
    path = inside_checkout(ctx.checkout, dockerfile, "dockerfile")
    if not path.is_file():
        return None
    return parse_dockerfile(read_text_file(path, "dockerfile", MAX_DOCKERFILE_BYTES))


def _dockerfile_report(ctx: PlanContext, dockerfile: str, targets: tuple[str, ...], df: Dockerfile | None) -> dict[str, Any] | None:
    if ctx.checkout is None:
        return None
    if df is None:
        return {"path": dockerfile, "found": False}
    for target in targets:
        df.stage_for_target(target)
    warnings = mount_warnings(secret_mounts(df, targets))
    return {
        "path": dockerfile,
        "found": True,
        "targets": df.targets,
        # A test and a production stage, no target asked: the images the wizard would propose, one job each.
        "proposed_targets": list(proposal(df.targets)) if not targets else [],
        "credential_args": [{"name": c.name, "line": c.line, "message": c.message, "fix": c.fix} for c in credential_args(df)],
        "secret_mounts": [{"line": w.line, "message": w.message, "fix": w.fix} for w in warnings],
    }


def _human(report: dict[str, Any]) -> str:
    contact = "GitHub is not contacted" if report["offline"] else "GitHub is only read"
    out: list[str] = [f"Plan for {report['repo']} (dry run: nothing is written, {contact})", ""]
    out += [f"notice: {n}" for n in report["notices"]]
    if report["notices"]:
        out.append("")
    out.append(f"image        {report['image']}")
    cache = report["cache_repo"] if report["cache_enabled"] else f"disabled (would be {report['cache_repo']})"
    out.append(f"cache repo   {cache}")
    if len(report["jobs"]) > 1:
        for job in report["jobs"]:
            final = ", the final target: plain tags" if job["final"] else ""
            out.append(f"target {job['target']} (job {job['job_id']}{final})")
            out += [f"  {d}" for d in job["destinations"]]
    else:
        out.append("destinations")
        out += [f"  {d}" for d in report["destinations"]]
    out.append("")
    vis = f", visibility {report['secret_visibility']}" if report["secret_visibility"] else ""
    out.append(f"secrets      strategy {report['secret_strategy']}{vis}")
    out += [f"  set {s['name']:<18} at {s['scope']}" for s in report["secrets"]]
    if report["build_secrets"]:
        out.append("build secrets (written to /kaniko/<id> before the executor runs)")
        out += [f"  {b['id']:<18} {b['secret']} from {b['value_from']}, at {b['path']}" for b in report["build_secrets"]]
    out.append("variables")
    out += [f"  set {v['name']:<18} at {v['scope']} = {v['value']}" for v in report["variables"]]
    out.append("")
    change = report["workflow_change"]
    out.append(f"workflow     {report['workflow_path']} ({change})")
    if change == "create":
        out += ["  " + line for line in report["workflow"].splitlines()]
    elif change == "update":
        out += ["  " + line for line in report["diff"].splitlines()]
    else:
        out.append("  already up to date")
    out.append("")
    df = report["dockerfile"]
    if df:
        if not df["found"]:
            out.append(f"dockerfile   {df['path']} not found in the checkout")
        else:
            targets = ", ".join(df["targets"]) or "(no named stages)"
            out.append(f"dockerfile   {df['path']}: targets {targets}")
            if df["proposed_targets"]:
                both = ",".join(df["proposed_targets"])
                out.append(f"  tip: --target {both} builds each as its own image, one job each (see --help)")
            for c in df["credential_args"] + df["secret_mounts"]:
                out.append(f"  warning: line {c['line']}: {c['message']}")
                out.append(f"  fix: {c['fix']}")
        out.append("")
    if report.get("live") is not None:
        out.append(f"on GitHub ({report['api_url']}):")
        out += [f"  [{c['step']}] {c['summary']}" for c in report["live"]]
        out.append("")
    out.append(f"answers      {report['answers_path']} would be written (no secret values)")
    return "\n".join(out) + "\n"
