"""Update an existing caller workflow in place.

The file is loaded with ruamel.yaml's round-trip loader and the loaded maps are mutated (never replaced: the
comments and anchors live in them); a value already equal to the plan's is left alone. The edited tree is then
carried over to the user's text line by line (`merge`), so every line the plan does not need to change
stays byte for byte, CRLF line ends and a missing final newline included.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap

from wizard.core.plan import Plan
from wizard.core.resolved import ResolvedPlan
from wizard.core.targets import TargetJob, job_id_for
from wizard.core.workflow.interface import (
    MANAGED_INPUTS,
    MANAGED_SECRETS,
    SOFT_INPUTS,
    ReusableInterface,
    caller_inputs,
    caller_secrets,
    is_sha,
    uses_ref,
    workflow_path_of,
)
from wizard.core.workflow.merge import merge_edit
from wizard.core.workflow.render import new_job, set_uses_comment
from wizard.core.workflow.roundtrip import (
    SourceText,
    dump,
    insert_at,
    load,
    measure_indent,
    own_keys,
    plain,
    round_trip_yaml,
    split_lines,
)
from wizard.core.workflow.triggers import ensure_permissions, ensure_triggers
from wizard.core.workflow.values import (
    drop_eol_comment,
    eol_comment,
    move_tail,
    replace_scalar,
    same_value,
    styled_like,
)
from wizard.errors import InputError


def update_caller(
    existing_text: str,
    resolved: ResolvedPlan,
    *,
    interface: ReusableInterface | None = None,
    pinned_sha: str | None = None,
    keep: frozenset[str] = SOFT_INPUTS,
) -> str:
    """The existing caller with the plan applied; the same text when nothing needs to change. The `keep` inputs
    stay as the file has them when the plan leaves them empty (the user's own, until an answer set them)."""
    plan = resolved.plan
    what = f"the workflow file {plan.workflow_path}"
    source = SourceText.of(existing_text)
    doc = load(round_trip_yaml(), source.text, what)
    _check_workflow(doc, what)
    indent = measure_indent(doc)
    yaml = round_trip_yaml(indent)
    base = dump(yaml, doc)  # ruamel's rendering of the untouched file: the reference the edit is measured from

    secrets = caller_secrets(resolved, interface)
    changed = ensure_triggers(doc, plan.default_branch)
    jobs = doc.get("jobs")
    if jobs is None:
        doc["jobs"] = jobs = CommentedMap()
    wanted = resolved.jobs or (resolved.final_job,)
    found = _match_jobs(jobs, plan, wanted)
    changed |= _drop_stale_target_jobs(jobs, plan, wanted, set(found.values()))
    for target_job in wanted:
        job_id = found.get(target_job.job_id)
        inputs = caller_inputs(resolved, interface, target_job)
        if job_id is None:
            job_id = target_job.job_id
            new = new_job(resolved, interface=interface, pinned_sha=pinned_sha, indent=indent.mapping, job=target_job)
            _insert_job(jobs, job_id, new, _next_found(wanted, target_job, found), indent.mapping)
            changed = True
        else:
            job = jobs[job_id]
            changed |= _set_uses(job, *uses_ref(plan, pinned_sha), indent=indent.mapping)
            changed |= _set_managed(job, "with", inputs, MANAGED_INPUTS, after="uses", keep=keep)
            changed |= _set_managed(job, "secrets", secrets, MANAGED_SECRETS, after="with")
        found[target_job.job_id] = job_id
        changed |= ensure_permissions(doc, jobs[job_id], job_id, indent.mapping)
    if not changed:
        return existing_text
    edited = dump(yaml, doc)
    merged = source.render(merge_edit(list(source.lines), split_lines(base), split_lines(edited)))
    if _same_data(merged, edited):
        return merged
    return source.render_new(edited)  # the line merge could not keep the meaning: ruamel's text is still right


def _check_workflow(doc: Any, what: str) -> None:
    hint = "point --workflow-file at a GitHub Actions workflow (a mapping with `on:` and `jobs:`)"
    if not isinstance(doc, CommentedMap):
        raise InputError(f"{what} is not a workflow: its top level is not a mapping", hint)
    if "on" not in doc and "jobs" not in doc:
        raise InputError(f"{what} is not a workflow: it has neither `on:` nor `jobs:`", hint)
    if "jobs" in doc and doc["jobs"] is not None and not isinstance(doc["jobs"], CommentedMap):
        raise InputError(f"{what} is not a workflow: `jobs:` is not a mapping", hint)


def _calls(job: Any, wanted: str | None) -> bool:
    return isinstance(job, CommentedMap) and workflow_path_of(job.get("uses")) == wanted


def _target_of(job: CommentedMap) -> str | None:
    with_ = job.get("with")
    value = with_.get("target") if isinstance(with_, CommentedMap) else None
    return str(value).strip().lower() or None if value is not None else None


def _match_jobs(jobs: CommentedMap, plan: Plan, wanted: tuple[TargetJob, ...]) -> dict[str, str]:
    """The existing job for each wanted one (by its job id): the job calling the reusable workflow (any ref) for
    its target; for the final target the job with the plain id, else one without a target, else the first
    calling job no other target claims; else the job of that id. A job of that id that is no reusable-workflow
    call is an error. One wanted job and one calling job in the file: that job, whatever its id or target."""
    reusable = workflow_path_of(plan.reusable_workflow)
    calling = [str(name) for name, job in jobs.items() if _calls(job, reusable)]
    names = {t.target.lower() for t in wanted if t.target}
    found: dict[str, str] = {}

    def take(target_job: TargetJob, candidates: list[str]) -> None:
        free = [c for c in candidates if c not in found.values()]
        if free and target_job.job_id not in found:
            found[target_job.job_id] = free[0]

    for t in wanted:
        if t.target:
            take(t, [c for c in calling if _target_of(jobs[c]) == t.target.lower()])
    final = next(t for t in wanted if t.final)
    take(final, [c for c in calling if c == final.job_id])
    take(final, [c for c in calling if _target_of(jobs[c]) is None])
    take(final, [c for c in calling if _target_of(jobs[c]) not in names])
    for t in wanted:
        if t.job_id in found or t.job_id not in jobs:
            continue
        job = jobs[t.job_id]
        if not isinstance(job, CommentedMap) or "steps" in job or "runs-on" in job:
            raise InputError(
                f"the workflow already has a job {t.job_id!r} that is not a reusable-workflow call",
                "set another job_id in the answers file, or rename that job",
            )
        take(t, [t.job_id])
    return found


def _drop_stale_target_jobs(jobs: CommentedMap, plan: Plan, wanted: tuple[TargetJob, ...], kept: set[str]) -> bool:
    """Remove the jobs this tool wrote for targets no longer built (`<job id>-<target>`, calling the reusable
    workflow with that target); a job of any other name is the user's and stays."""
    reusable = workflow_path_of(plan.reusable_workflow)
    names = {t.target.lower() for t in wanted if t.target}
    stale = [
        name
        for name, job in jobs.items()
        if name not in kept
        and _calls(job, reusable)
        and (target := _target_of(job)) is not None
        and target not in names
        and name == job_id_for(plan.job_id, target, final=False)
    ]
    for name in stale:
        del jobs[name]
    return bool(stale)


def _next_found(wanted: tuple[TargetJob, ...], target_job: TargetJob, found: dict[str, str]) -> str | None:
    """The existing job a new one goes before: the next wanted job that is in the file (None: at the end)."""
    later = wanted[wanted.index(target_job) + 1 :]
    return next((found[t.job_id] for t in later if t.job_id in found), None)


def _insert_job(jobs: CommentedMap, job_id: str, job: CommentedMap, before: str | None, indent: int) -> None:
    keys = own_keys(jobs)
    index = keys.index(before) if before in keys else len(keys)
    insert_at(jobs, index, job_id, job)
    if before in keys and index:  # between two jobs: a blank line sets it apart, as in a new caller
        jobs.yaml_set_comment_before_after_key(job_id, before="\n", indent=indent)


def _set_uses(job: CommentedMap, uses: str, ref: str | None, indent: int) -> bool:
    current = job.get("uses")
    old_ref = str(current).rpartition("@")[2] if isinstance(current, str) else ""
    changed = False
    if current != uses:
        replace_scalar(job, "uses", uses)
        changed = True
    comment = eol_comment(job, "uses")
    if ref is not None:
        if comment is None or comment[0].strip() != f"# {ref}":
            drop_eol_comment(job, "uses")
            try:
                column = job.lc.key("uses")[1]
            except (KeyError, TypeError):
                column = 2 * indent
            set_uses_comment(job, ref, column=column + len("uses: ") + len(uses) + 2)
            if comment is not None and comment[1]:
                job.ca.items["uses"][2].value = f"# {ref}\n{comment[1]}"  # the comment lines that followed stay
            changed = True
    elif changed and comment is not None and is_sha(old_ref) and comment[0].strip().startswith("#"):
        # Unpinning: the old comment named the ref the SHA stood for; it no longer means anything.
        if comment[1]:
            job.ca.items["uses"][2].value = "\n" + comment[1]
        else:
            drop_eol_comment(job, "uses")
    return changed


def _set_managed(
    job: CommentedMap, key: str, values: dict[str, Any], managed: tuple[str, ...], after: str, keep: frozenset[str] = frozenset()
) -> bool:
    """Make job[key] hold the plan's values for the managed names; other names in it are the user's."""
    current = job.get(key)
    if not isinstance(current, CommentedMap):
        if current == "inherit" and not values:
            return False
        # Absent, empty, or `secrets: inherit`: nothing of the user's to keep inside.
        block = CommentedMap(values)
        if key in job:
            job[key] = block
        else:
            keys = own_keys(job)
            insert_at(job, keys.index(after) + 1 if after in keys else len(keys), key, block)
        return True
    changed = False
    for name in managed:
        if name not in values and name not in keep and name in own_keys(current):  # a merged-in (<<: *anchor) one is shared
            del current[name]
            changed = True
    for name, value in values.items():
        existing = current.get(name, _MISSING)
        if existing is not _MISSING and same_value(existing, value, commas=name == "tags"):
            continue
        if name in own_keys(current):
            replace_scalar(current, name, styled_like(existing, value, commas=name == "tags"))
        else:
            # A kept input the plan leaves empty is the user's: no neighbour to place a managed one by.
            position = _position(current, name, tuple(m for m in managed if m in values or m not in keep))
            insert_at(current, position, name, value)
            if position:
                move_tail(current, own_keys(current)[position - 1], name)
        changed = True
    return changed


_MISSING = object()


def _position(block: CommentedMap, name: str, order: tuple[str, ...]) -> int:
    """After the managed keys that come before name, else before the first that comes after it, else at the end."""
    keys = own_keys(block)
    rank = order.index(name)
    earlier = [i for i, k in enumerate(keys) if k in order[:rank]]
    if earlier:
        return earlier[-1] + 1
    later = [i for i, k in enumerate(keys) if k in order[rank + 1 :]]
    return later[0] if later else len(keys)


def _same_data(merged: str, edited: str) -> bool:
    """Does the merged text mean what ruamel's edited text means?"""
    yaml = round_trip_yaml()
    try:
        return bool(plain(yaml.load(merged.replace("\r\n", "\n"))) == plain(yaml.load(edited)))
    except Exception:  # noqa: BLE001 - any parse failure means the merge is not to be trusted
        return False
