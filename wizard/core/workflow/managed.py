"""The keys brik-onboard manages in a caller, read back: what the answers render to, what a file holds, where they
differ (drift), and which answers a hand edit on the default branch stands for (so a re-run adopts it).

Only the `with:` inputs of the job that calls the reusable workflow are compared: they are the answers' image in
the file. Everything else in the file (other jobs, comments, key order) is the user's and never compared. With
several targets (one job each) the final target's job stands for the answers, its `target` for the targets of
all the calling jobs; the other jobs' inputs follow from the answers (their tags carry their target's name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap

from wizard.core.plan import DEFAULT_BUILDER, Plan
from wizard.core.resolved import ResolvedPlan
from wizard.core.targets import final_target
from wizard.core.workflow.interface import MANAGED_INPUTS, SOFT_INPUTS, plan_inputs, workflow_path_of
from wizard.core.workflow.roundtrip import load, plain, round_trip_yaml

# `with:` inputs that stand for one answer each (the others are derived: image_name from registry/org/service).
INPUT_ANSWERS = {
    "context": "context",
    "dockerfile": "dockerfile",
    "tags": "tags",
    "cache_enabled": "cache_enabled",
    "cache_repo": "cache_repo",
    "target": "target",
    "build_args": "build_args",
    "registry_mirror": "registry_mirror",
    "kaniko_args": "kaniko_args",
    "runs_on": "runs_on",
    "executor": "executor",
    "builder": "builder",
    "insecure_registry": "insecure_registry",
    "environment": "environment",
}
_LISTS = ("tags", "build_args", "build_secrets", "registry_mirror", "kaniko_args", "target")


def _normal(key: str, value: Any) -> Any:
    """A `with:` value as compared: lists one item per line, booleans as booleans, the rest as trimmed text."""
    if value is None or value == "":
        return None
    if key in _LISTS:
        items = value if isinstance(value, list) else str(value).splitlines()
        return tuple(str(v).strip() for v in items if str(v).strip()) or None
    if key == "cache_enabled":
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"
    return str(value).strip()


def expected_inputs(resolved: ResolvedPlan) -> dict[str, Any]:
    """The managed `with:` values the answers render to (before the reusable workflow's own filtering)."""
    rendered = plan_inputs(resolved)
    rendered["target"] = [job.target for job in resolved.jobs if job.target]
    return {k: v for k in MANAGED_INPUTS if (v := _normal(k, rendered.get(k))) is not None}


def file_inputs(text: str, plan: Plan) -> dict[str, Any] | None:
    """The managed `with:` values of the job calling the reusable workflow; None when the file has no such job."""
    try:
        doc = load(round_trip_yaml(), text, "the caller workflow")
    except Exception:  # noqa: BLE001 - an unreadable file has no values to compare; the update reports why
        return None
    jobs = doc.get("jobs") if isinstance(doc, CommentedMap) else None
    if not isinstance(jobs, CommentedMap):
        return None
    wanted = workflow_path_of(plan.reusable_workflow)
    calling = [
        plain(job.get("with")) for job in jobs.values() if isinstance(job, CommentedMap) and workflow_path_of(job.get("uses")) == wanted
    ]
    if not calling:
        return None
    withs = [w if isinstance(w, dict) else {} for w in calling]
    targets = [str(w["target"]).strip() for w in withs if str(w.get("target") or "").strip()]
    final = final_target(targets) if len(withs) > 1 else None
    with_ = next((w for w in withs if final and str(w.get("target") or "").strip() == final), withs[0])
    found = {k: v for k in MANAGED_INPUTS if (v := _normal(k, with_.get(k))) is not None}
    if targets:
        found["target"] = tuple(targets)
    return found


def drift(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """The managed inputs whose value in the file is not the one the answers render to, in the caller's order
    (an input of SOFT_INPUTS the answers leave empty is the file's own: no drift)."""
    return [k for k in MANAGED_INPUTS if expected.get(k) != actual.get(k) and (k in expected or k not in SOFT_INPUTS)]


def answers_of(actual: dict[str, Any], keys: list[str], plan: Plan) -> dict[str, Any]:
    """The answers that hand-edited inputs stand for (image_name: its registry, org and service)."""
    out: dict[str, Any] = {}
    for key in keys:
        value = actual.get(key)
        if key in INPUT_ANSWERS:
            name = INPUT_ANSWERS[key]
            if name == "cache_enabled":
                out[name] = bool(value) if value is not None else True
            elif name == "builder":
                out[name] = value or DEFAULT_BUILDER  # no `builder:` is the reusable workflow's default
            elif name in _LISTS:
                out[name] = tuple(value or ())
            else:
                out[name] = value
        elif key == "image_name" and isinstance(value, str) and value.count("/") >= 2:
            registry, rest = value.split("/", 1)
            org, service = rest.rsplit("/", 1)
            out.update(registry=registry, org=org, service=service)
    if out.get("environment") is None:
        out.pop("environment", None)  # the environment input follows the secret scope: not an answer of its own
    return out


@dataclass(frozen=True)
class CallingJob:
    """A caller job that calls the reusable workflow, as GitHub names its run: `<name> / <called job's name>`."""

    job_id: str
    name: str  # the job's `name:`, else its id
    target: str | None  # its `with: target:`, None when it builds the Dockerfile's last stage


def calling_jobs(text: str, plan: Plan) -> list[CallingJob]:
    """The jobs of a caller that call the plan's reusable workflow, in file order ([] for an unreadable file)."""
    try:
        doc = load(round_trip_yaml(), text, "the caller workflow")
    except Exception:  # noqa: BLE001 - an unreadable caller has no jobs to tell apart
        return []
    jobs = doc.get("jobs") if isinstance(doc, CommentedMap) else None
    if not isinstance(jobs, CommentedMap):
        return []
    wanted = workflow_path_of(plan.reusable_workflow)
    out = []
    for job_id, job in jobs.items():
        if isinstance(job, CommentedMap) and workflow_path_of(job.get("uses")) == wanted:
            with_ = job.get("with")
            target = str(with_.get("target") or "").strip() if isinstance(with_, CommentedMap) else ""
            out.append(CallingJob(str(job_id), str(job.get("name") or job_id), target or None))
    return out
